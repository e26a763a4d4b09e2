import iconv from 'iconv-lite';
import {
  ALIGNMENT,
  type Alignment,
  type CharacterSize,
  CUT_FULL,
  command,
  QR_ERROR_CORRECTION,
  QR_FUNCTIONS,
  QR_MODEL_2,
  type QrErrorCorrection,
  qrFunction,
  SIZES,
} from './commands.ts';
import { ReceiptPrinterError } from './errors.ts';

/** One printed line. */
export interface ReceiptLine {
  text: string;
  bold?: boolean;
  size?: CharacterSize;
  align?: Alignment;
}

export interface ReceiptQr {
  /** What the code holds, e.g. a verification URL; sent as UTF-8 (UNCONFIRMED: what scanners expect for non-ASCII). */
  data: string;
  /** Module size in dots, 1 to 16 (default 6). */
  moduleSize?: number;
  /** Default M. */
  errorCorrection?: QrErrorCorrection;
}

export interface Receipt {
  lines: ReceiptLine[];
  /** Printed centred under the lines. */
  qr?: ReceiptQr;
  /** Blank lines fed before the cut, so the last line clears the cutter (default 4). */
  feedLines?: number;
  /** Default true. */
  cut?: boolean;
}

export const LIMITS = {
  lines: 200,
  lineChars: 256,
  qrBytes: 1024,
  feedLines: 16,
} as const;

/** ASCII control characters would be read by the printer as commands (or cut the receipt short). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
/** Half of a surrogate pair on its own: GB18030 has no bytes for it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SIZE_NAMES = Object.keys(SIZES) as CharacterSize[];
const ALIGN_NAMES = Object.keys(ALIGNMENT) as Alignment[];

const invalid = (message: string) => new ReceiptPrinterError(null, 'invalidData', message);

/** Why a receipt cannot be printed, or null when it can. Messages name the field, never its content. */
export function checkReceipt(receipt: Receipt): string | null {
  if (!receipt || !Array.isArray(receipt.lines)) return 'lines: expected a list';
  if (receipt.lines.length === 0 && !receipt.qr) return 'lines: a receipt needs a line or a QR code';
  if (receipt.lines.length > LIMITS.lines) return `lines: at most ${LIMITS.lines}`;
  for (const [i, line] of receipt.lines.entries()) {
    const where = `lines[${i}]`;
    if (typeof line?.text !== 'string') return `${where}.text: expected a string`;
    if (line.text.length > LIMITS.lineChars) return `${where}.text: at most ${LIMITS.lineChars} characters`;
    if (hasControlCharacter(line.text)) return `${where}.text: control characters are not allowed`;
    if (LONE_SURROGATE.test(line.text)) return `${where}.text: not well-formed Unicode`;
    if (line.size !== undefined && !SIZE_NAMES.includes(line.size)) return `${where}.size: not a known size`;
    if (line.align !== undefined && !ALIGN_NAMES.includes(line.align))
      return `${where}.align: not a known alignment`;
  }
  const qr = receipt.qr;
  if (qr) {
    if (typeof qr.data !== 'string' || qr.data.length === 0) return 'qr.data: expected a non-empty string';
    if (hasControlCharacter(qr.data)) return 'qr.data: control characters are not allowed';
    if (Buffer.byteLength(qr.data, 'utf8') > LIMITS.qrBytes)
      return `qr.data: at most ${LIMITS.qrBytes} bytes`;
    const size = qr.moduleSize ?? 6;
    if (!Number.isInteger(size) || size < 1 || size > 16) return 'qr.moduleSize: an integer from 1 to 16';
    if (qr.errorCorrection !== undefined && !(qr.errorCorrection in QR_ERROR_CORRECTION)) {
      return 'qr.errorCorrection: one of L, M, Q, H';
    }
  }
  const feed = receipt.feedLines ?? 4;
  if (!Number.isInteger(feed) || feed < 0 || feed > LIMITS.feedLines) {
    return `feedLines: an integer from 0 to ${LIMITS.feedLines}`;
  }
  return null;
}

export function encodeText(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gb18030'));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The QR commands: model 2, module size, error correction, store, print (PROTOCOLS.md section 5). */
export function qrCommands(qr: ReceiptQr): Uint8Array[] {
  const data = new Uint8Array(Buffer.from(qr.data, 'utf8'));
  return [
    qrFunction(QR_FUNCTIONS.model, [QR_MODEL_2, 0]),
    qrFunction(QR_FUNCTIONS.moduleSize, [qr.moduleSize ?? 6]),
    qrFunction(QR_FUNCTIONS.errorCorrection, [QR_ERROR_CORRECTION[qr.errorCorrection ?? 'M']]),
    qrFunction(QR_FUNCTIONS.store, Uint8Array.from([48, ...data])),
    qrFunction(QR_FUNCTIONS.print, [48]),
  ];
}

/**
 * The whole receipt as ESC/POS bytes: initialize, Chinese mode (GB18030 text), each line with its own
 * alignment, emphasis and size, the QR code, a feed and a full cut. Throws ReceiptPrinterError (invalidData)
 * when checkReceipt() finds a problem.
 */
export function buildReceipt(receipt: Receipt): Uint8Array {
  const problem = checkReceipt(receipt);
  if (problem) throw invalid(problem);
  const parts: Uint8Array[] = [command('initialize'), command('chineseModeOn')];
  for (const line of receipt.lines) {
    parts.push(
      command('align', ALIGNMENT[line.align ?? 'left']),
      command('bold', line.bold ? 1 : 0),
      command('characterSize', SIZES[line.size ?? 'normal']),
      encodeText(line.text),
      command('lineFeed'),
    );
  }
  if (receipt.qr) {
    parts.push(
      command('align', ALIGNMENT.center),
      command('bold', 0),
      command('characterSize', SIZES.normal),
      ...qrCommands(receipt.qr),
      command('lineFeed'),
    );
  }
  parts.push(command('align', ALIGNMENT.left), command('feedLines', receipt.feedLines ?? 4));
  if (receipt.cut ?? true) parts.push(CUT_FULL);
  return concat(parts);
}
