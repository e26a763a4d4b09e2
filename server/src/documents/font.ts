import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import { useFlatCffSubsets } from './cff-subset.ts';

/**
 * Noto Sans SC (Noto Sans Hans Regular, SIL Open Font License 1.1) from the npm package @embedpdf/fonts-sc: a
 * CFF OpenType font with the full CJK set. Parsed once per process (about 40 ms) and shared by every document;
 * pdfkit embeds only the glyphs a document uses, desubroutinized (cff-subset.ts).
 */
const FONT_FILE = 'NotoSansHans-Regular.otf';

let cached: fontkit.Font | undefined;

export function documentFontPath(): string {
  // The package exports only its index; the fonts sit beside dist/ in the package folder.
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  return join(dirname(entry), '..', 'fonts', FONT_FILE);
}

export function documentFont(): fontkit.Font {
  if (!cached) {
    const parsed = fontkit.create(readFileSync(documentFontPath()));
    if (!('layout' in parsed)) throw new Error(`${FONT_FILE} is a font collection, expected one font`);
    useFlatCffSubsets(parsed);
    cached = parsed;
  }
  return cached;
}
