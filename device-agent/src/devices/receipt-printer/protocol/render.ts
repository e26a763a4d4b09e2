import iconv from 'iconv-lite';
import {
  ALIGNMENT,
  type Alignment,
  type CharacterSize,
  QR_ERROR_CORRECTION,
  QR_FUNCTIONS,
  type QrErrorCorrection,
  SIZES,
} from './commands.ts';
import type { EscPosEvent } from './parser.ts';

/**
 * What a receipt printer makes of an ESC/POS stream, as text: the simulator's paper. Pure: events in, printed
 * receipts out (one per cut).
 */

export interface RenderedLine {
  text: string;
  bold: boolean;
  size: CharacterSize;
  align: Alignment;
}

export interface RenderedQr {
  /** 1, 2, or 'micro'; null when no model command came. */
  model: 1 | 2 | 'micro' | null;
  moduleSize: number | null;
  errorCorrection: QrErrorCorrection | null;
  data: string;
}

export interface PrintedReceipt {
  /** The lines as printed, styles included; QR codes and feeds appear as lines too. */
  lines: RenderedLine[];
  qrCodes: RenderedQr[];
  /** The receipt as a person would read it: alignment by padding to the paper width, then the cut mark. */
  text: string;
  cut: 'full' | 'partial';
}

/** 58 mm paper, font A: 32 half-width columns (80 mm paper has 48). UNCONFIRMED per model. */
export const PAPER_COLUMNS = 32;
export const CUT_MARK = `✂${'-'.repeat(PAPER_COLUMNS - 1)}`;

const SIZE_BY_BYTE = new Map<number, CharacterSize>(
  (Object.entries(SIZES) as [CharacterSize, number][]).map(([name, byte]) => [byte, name]),
);
const ALIGN_BY_BYTE = new Map<number, Alignment>(
  (Object.entries(ALIGNMENT) as [Alignment, number][]).flatMap(([name, byte]) => [
    [byte, name],
    // ESC a also takes '0' '1' '2' (48-50).
    [byte + 48, name],
  ]),
);
const EC_BY_BYTE = new Map<number, QrErrorCorrection>(
  (Object.entries(QR_ERROR_CORRECTION) as [QrErrorCorrection, number][]).map(([name, byte]) => [byte, name]),
);

/** Columns a character takes: CJK and full-width forms take two. */
function columnsOf(text: string): number {
  let columns = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    columns +=
      code >= 0x1100 && (code <= 0x115f || code >= 0x2e80) && !(code >= 0xff61 && code <= 0xffdc) ? 2 : 1;
  }
  return columns;
}

export function layoutLine(line: RenderedLine, columns = PAPER_COLUMNS): string {
  const wide = line.size === 'double' || line.size === 'doubleWidth' ? 2 : 1;
  const width = columnsOf(line.text) * wide;
  const free = Math.max(0, columns - width);
  const pad = line.align === 'center' ? Math.floor(free / 2) : line.align === 'right' ? free : 0;
  return `${' '.repeat(pad)}${line.text}`.trimEnd();
}

export function formatQr(qr: RenderedQr): string {
  return `[QR model=${qr.model ?? '?'} size=${qr.moduleSize ?? '?'} ec=${qr.errorCorrection ?? '?'} data=${qr.data}]`;
}

export class ReceiptRenderer {
  private chineseMode = false;
  private bold = false;
  private size: CharacterSize = 'normal';
  private align: Alignment = 'left';
  /** Style of the line being built: taken when its first character arrives. */
  private lineStyle: Omit<RenderedLine, 'text'> | null = null;
  private lineBytes: number[] = [];
  private lines: RenderedLine[] = [];
  private qrCodes: RenderedQr[] = [];
  private qr: Omit<RenderedQr, 'data'> & { data: string | null } = this.freshQr();
  /** Commands the renderer did not understand, for the simulator's state. */
  unknownCommands = 0;

  constructor(private readonly columns = PAPER_COLUMNS) {}

  /** Lines printed since the last cut (paper that has not been cut off yet). */
  get uncut(): RenderedLine[] {
    return [...this.lines];
  }

  /** Applies one event; returns the receipt when the event is a cut. */
  consume(event: EscPosEvent): PrintedReceipt | null {
    if (event.kind === 'text') {
      this.lineStyle ??= { bold: this.bold, size: this.size, align: this.align };
      for (const byte of event.bytes) this.lineBytes.push(byte);
      return null;
    }
    if (event.kind === 'unknown') {
      this.unknownCommands += 1;
      return null;
    }
    const { params } = event;
    switch (event.name) {
      case 'lineFeed':
        this.printLine();
        return null;
      case 'carriageReturn':
      case 'realtimeStatus':
        return null;
      case 'initialize':
        this.chineseMode = false;
        this.bold = false;
        this.size = 'normal';
        this.align = 'left';
        this.lineBytes = [];
        this.lineStyle = null;
        this.qr = this.freshQr();
        return null;
      case 'chineseModeOn':
        this.chineseMode = true;
        return null;
      case 'chineseModeOff':
        this.chineseMode = false;
        return null;
      case 'align':
        this.align = ALIGN_BY_BYTE.get(params[0] ?? 0) ?? this.align;
        return null;
      case 'bold':
        this.bold = ((params[0] ?? 0) & 1) === 1;
        return null;
      case 'characterSize':
        // Sizes beyond double are printed as the nearest we name; the simulator only needs to tell them apart.
        this.size = SIZE_BY_BYTE.get(params[0] ?? 0) ?? 'double';
        return null;
      case 'feedLines': {
        if (this.lineBytes.length > 0) this.printLine();
        for (let i = 0; i < (params[0] ?? 0); i++)
          this.pushLine({ text: '', bold: false, size: 'normal', align: 'left' });
        return null;
      }
      case 'qr':
        this.qrFunction(params);
        return null;
      case 'cut': {
        if (this.lineBytes.length > 0) this.printLine();
        const m = params[0] ?? 0;
        const receipt: PrintedReceipt = {
          lines: this.lines,
          qrCodes: this.qrCodes,
          text: `${[...this.lines.map((line) => layoutLine(line, this.columns)), CUT_MARK].join('\n')}\n`,
          cut: m === 1 || m === 49 || m === 66 ? 'partial' : 'full',
        };
        this.lines = [];
        this.qrCodes = [];
        return receipt;
      }
    }
  }

  private qrFunction(params: Uint8Array): void {
    // params: pL pH cn fn [parameters]
    const fn = params[3];
    const rest = params.subarray(4);
    switch (fn) {
      case QR_FUNCTIONS.model: {
        const n1 = rest[0];
        this.qr.model = n1 === 49 ? 1 : n1 === 50 ? 2 : n1 === 51 ? 'micro' : null;
        return;
      }
      case QR_FUNCTIONS.moduleSize:
        this.qr.moduleSize = rest[0] ?? null;
        return;
      case QR_FUNCTIONS.errorCorrection:
        this.qr.errorCorrection = EC_BY_BYTE.get(rest[0] ?? 0) ?? null;
        return;
      case QR_FUNCTIONS.store:
        this.qr.data = Buffer.from(rest.subarray(1)).toString('utf8');
        return;
      case QR_FUNCTIONS.print: {
        if (this.qr.data === null) return; // nothing stored: a real printer prints nothing
        const qr: RenderedQr = { ...this.qr, data: this.qr.data };
        this.qrCodes.push(qr);
        this.pushLine({ text: formatQr(qr), bold: false, size: 'normal', align: this.align });
        return;
      }
      default:
        this.unknownCommands += 1;
    }
  }

  private printLine(): void {
    const bytes = Uint8Array.from(this.lineBytes);
    // Outside Chinese mode the printer uses a one-byte code page: anything past ASCII is shown as '?'.
    const text = this.chineseMode
      ? iconv.decode(Buffer.from(bytes), 'gb18030')
      : Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : '?')).join('');
    this.pushLine({ text, ...(this.lineStyle ?? { bold: this.bold, size: this.size, align: this.align }) });
    this.lineBytes = [];
    this.lineStyle = null;
  }

  private pushLine(line: RenderedLine): void {
    this.lines.push(line);
  }

  private freshQr(): Omit<RenderedQr, 'data'> & { data: string | null } {
    return { model: null, moduleSize: null, errorCorrection: null, data: null };
  }
}
