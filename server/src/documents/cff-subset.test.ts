import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { CharstringError, desubroutinize } from './cff-subset.ts';
import { documentFont, documentFontPath } from './font.ts';
import { pagePng, pdfFonts } from './pdf-tools.ts';

const SAMPLE =
  '社会保险参保证明 个人缴费明细 养老金发放记录 司马文静 欧阳娜娜 鑫燚堃喆 ¥1,234.56 ABCxyz（）：— 0123456789 第 1 页 / 共 3 页';

/** Every 23rd ideograph of the CJK Unified Ideographs block (about 900), beyond what a test document uses. */
const IDEOGRAPHS = Array.from({ length: Math.floor((0x9fa5 - 0x4e00) / 23) }, (_, i) =>
  String.fromCodePoint(0x4e00 + i * 23),
).join('');

/** Sample text in `font`, at a fixed creation date so that only the font program differs. */
function samplePdf(font: unknown, ideographs: boolean): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.registerFont('sample', font as Buffer);
  doc.font('sample').fontSize(26).text(SAMPLE);
  doc.fontSize(9).text(SAMPLE);
  if (ideographs) doc.fontSize(12).text(IDEOGRAPHS);
  doc.end();
  return done;
}

describe('desubroutinized CFF subsets', () => {
  const plainFont = fontkit.create(readFileSync(documentFontPath()));

  it('draw exactly the same pixels as fontkit’s own subsets (about 950 glyphs)', async () => {
    const flat = await samplePdf(documentFont(), true);
    const plain = await samplePdf(plainFont, true);
    expect(pdfFonts(flat)).toMatch(/\+NotoSansHans-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes/);
    expect(flat.equals(plain)).toBe(false);
    expect(pagePng(flat, 1, 100, true).equals(pagePng(plain, 1, 100, true))).toBe(true);
  });

  it('are a fraction of the size for a document’s few dozen glyphs', async () => {
    const flat = await samplePdf(documentFont(), false);
    const plain = await samplePdf(plainFont, false);
    console.info(
      `sample page: ${flat.length} bytes desubroutinized, ${plain.length} bytes with fontkit's subset`,
    );
    expect(flat.length * 3).toBeLessThan(plain.length);
  });

  it('flattens every glyph of Noto Sans SC without an operator it does not know', () => {
    const font = documentFont();
    const cff = (font as unknown as Record<string, unknown>)['CFF '] as Parameters<typeof desubroutinize>[0];
    const failed: number[] = [];
    for (let gid = 0; gid < font.numGlyphs; gid++) {
      try {
        const flat = desubroutinize(cff, gid);
        if (flat.length === 0 || flat.at(-1) !== 14) failed.push(gid); // every glyph ends with endchar
      } catch (error) {
        if (!(error instanceof CharstringError)) throw error;
        failed.push(gid);
      }
    }
    expect(font.numGlyphs).toBeGreaterThan(30_000);
    expect(failed).toEqual([]);
  });
});
