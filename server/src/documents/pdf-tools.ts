import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * For tests: read a PDF back with real tools (Debian's poppler-utils and zbar-tools), as a reader and a phone
 * would see it.
 */

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sik-pdf-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `pdftotext -layout`: the text of every page, pages separated by a form feed. */
export function pdfText(pdf: Buffer): string {
  return inTempDir((dir) => {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).toString('utf8');
  });
}

/** The text with all white space removed: pdftotext spaces CJK text as it likes. */
export function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** `pdfinfo` as key -> value. */
export function pdfInfo(pdf: Buffer): Record<string, string> {
  return inTempDir((dir) => {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    const out = execFileSync('pdfinfo', [file]).toString('utf8');
    return Object.fromEntries(
      out
        .split('\n')
        .filter((line) => line.includes(':'))
        .map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]),
    );
  });
}

/** `pdffonts` output: one line per font with its type and whether it is embedded and subset. */
export function pdfFonts(pdf: Buffer): string {
  return inTempDir((dir) => {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdffonts', [file]).toString('utf8');
  });
}

/** Renders one page at `dpi` to PNG with pdftoppm. */
export function pagePng(pdf: Buffer, page = 1, dpi = 150, gray = false): Buffer {
  return inTempDir((dir) => {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', [
      '-r',
      String(dpi),
      '-png',
      ...(gray ? ['-gray'] : []),
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      file,
      join(dir, 'page'),
    ]);
    return readFileSync(join(dir, 'page.png'));
  });
}

/** The QR codes zbarimg finds on the first page rendered at 150 dpi (one line each). */
export function decodeQrCodes(pdf: Buffer): string[] {
  return inTempDir((dir) => {
    const png = join(dir, 'page.png');
    writeFileSync(png, pagePng(pdf, 1, 150));
    try {
      const out = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', png], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return out.toString('utf8').split('\n').filter(Boolean);
    } catch (error) {
      // zbarimg exits 4 when it finds no symbol.
      if ((error as { status?: number }).status === 4) return [];
      throw error;
    }
  });
}
