/**
 * Byte-for-byte fixtures of the ESC/POS stream, one comment per field (STYLE.md rule 8). Not used at run time.
 */
import type { Receipt } from './receipt.ts';

const hex = (...fields: string[]): string => fields.join('');

/** A small receipt using every feature of the builder. */
export const SAMPLE_RECEIPT: Receipt = {
  lines: [{ text: '社保', bold: true, size: 'double', align: 'center' }, { text: 'No.1' }],
  qr: { data: 'https://x.cn/v/1', moduleSize: 6, errorCorrection: 'M' },
  feedLines: 4,
};

export const SAMPLE_RECEIPT_BYTES = hex(
  '1B40', // ESC @: initialize
  '1C26', // FS &: Chinese character mode (GB18030 text)
  '1B6101', // ESC a 1: centre
  '1B4501', // ESC E 1: bold on
  '1D2111', // GS ! 0x11: double width and height
  'C9E7B1A3', // 社保 in GB18030
  '0A', // LF: print the line
  '1B6100', // ESC a 0: left
  '1B4500', // ESC E 0: bold off
  '1D2100', // GS ! 0: normal size
  '4E6F2E31', // No.1
  '0A', // LF
  '1B6101', // ESC a 1: the QR code centred
  '1B4500', // ESC E 0
  '1D2100', // GS ! 0
  '1D286B',
  '0400',
  '3141',
  '3200', // GS ( k · pL pH 4 · cn 31 fn 65 (model) · n1 50 (model 2) n2 0
  '1D286B',
  '0300',
  '3143',
  '06', // GS ( k · pL pH 3 · cn 31 fn 67 (module size) · 6 dots
  '1D286B',
  '0300',
  '3145',
  '31', // GS ( k · pL pH 3 · cn 31 fn 69 (error correction) · 49 = M
  '1D286B',
  '1300',
  '3150',
  '30', // GS ( k · pL pH 19 (16 data + 3) · cn 31 fn 80 (store) · m 48
  '68747470733A2F2F782E636E2F762F31', // https://x.cn/v/1
  '1D286B',
  '0300',
  '3151',
  '30', // GS ( k · pL pH 3 · cn 31 fn 81 (print) · m 48
  '0A', // LF after the code
  '1B6100', // ESC a 0: left
  '1B6404', // ESC d 4: feed four lines
  '1D5600', // GS V 0: full cut (PROTOCOLS.md: 1D 56 00)
);

/** How the simulator renders SAMPLE_RECEIPT on 32-column paper. */
export const SAMPLE_RECEIPT_TEXT = [
  `${' '.repeat(12)}社保`, // centred: 32 columns - 4 (two wide characters) x 2 (double width) = 24 free, 12 before
  'No.1',
  '[QR model=2 size=6 ec=M data=https://x.cn/v/1]',
  '', // the LF after the code feeds an empty line
  '', // ESC d 4: four more
  '',
  '',
  '',
  `✂${'-'.repeat(31)}`,
  '',
].join('\n');

/** Real-time status answers (PROTOCOLS.md section 5 and the Epson definitions). */
export const STATUS_BYTES = {
  online: 0x12, // n=1: fixed bits only
  offline: 0x1a, // n=1: 0x12 | 0x08 offline
  paperOk: 0x12, // n=4: sensors see paper
  paperNearEnd: 0x1e, // n=4: 0x12 | 0x0C near end
  paperOut: 0x72, // n=4: 0x12 | 0x60 out
  coverOpen: 0x16, // n=2: 0x12 | 0x04 cover open
  paperEndStop: 0x32, // n=2: 0x12 | 0x20 stopped for paper end
} as const;
