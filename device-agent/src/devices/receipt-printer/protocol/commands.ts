/**
 * The ESC/POS commands we send (PROTOCOLS.md section 5), in one table (STYLE.md rule 7): the receipt builder
 * writes from it and the simulator's stream parser reads by it. Byte meanings beyond PROTOCOLS.md (ESC @,
 * ESC a, ESC E, GS !, ESC d, the GS V variants) are the common Epson ESC/POS definitions, which Chinese
 * receipt printers follow; UNCONFIRMED for any given model.
 */

export const LF = 0x0a;
export const CR = 0x0d;
export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;

export interface EscPosCommand {
  /** The bytes that name the command. */
  readonly prefix: readonly number[];
  readonly meaning: string;
  /**
   * The whole command's length given the bytes received so far from its first byte, or null while more are
   * needed to tell: a fixed count, or computed (GS ( k carries its own length).
   */
  readonly length: (bytes: Uint8Array) => number | null;
}

const fixed =
  (total: number) =>
  (bytes: Uint8Array): number | null =>
    bytes.length >= total ? total : null;

export const COMMANDS = {
  lineFeed: { prefix: [LF], meaning: 'print and line feed', length: fixed(1) },
  carriageReturn: { prefix: [CR], meaning: 'carriage return (ignored in line mode)', length: fixed(1) },
  initialize: { prefix: [ESC, 0x40], meaning: 'initialize printer (ESC @)', length: fixed(2) },
  chineseModeOn: { prefix: [FS, 0x26], meaning: 'Chinese character mode on (FS &)', length: fixed(2) },
  chineseModeOff: { prefix: [FS, 0x2e], meaning: 'Chinese character mode off (FS .)', length: fixed(2) },
  align: {
    prefix: [ESC, 0x61],
    meaning: 'justification: 0 left, 1 centre, 2 right (ESC a n)',
    length: fixed(3),
  },
  bold: { prefix: [ESC, 0x45], meaning: 'emphasis: bit 0 on (ESC E n)', length: fixed(3) },
  characterSize: {
    prefix: [GS, 0x21],
    meaning: 'character size: width-1 in the high nibble, height-1 in the low (GS ! n)',
    length: fixed(3),
  },
  feedLines: { prefix: [ESC, 0x64], meaning: 'print and feed n lines (ESC d n)', length: fixed(3) },
  cut: {
    prefix: [GS, 0x56],
    meaning: 'cut paper: m 0/48 full, 1/49 partial; m 65/66 feed n first (GS V m [n])',
    length: (bytes) => {
      if (bytes.length < 3) return null;
      const m = bytes[2];
      return m === 65 || m === 66 ? fixed(4)(bytes) : 3;
    },
  },
  qr: {
    prefix: [GS, 0x28, 0x6b],
    meaning: 'QR code function (GS ( k pL pH cn fn ...): pL pH count every byte after pH',
    length: (bytes) => (bytes.length < 5 ? null : fixed(5 + (bytes[3] ?? 0) + (bytes[4] ?? 0) * 256)(bytes)),
  },
  realtimeStatus: { prefix: [DLE, EOT], meaning: 'transmit real-time status (DLE EOT n)', length: fixed(3) },
} as const satisfies Record<string, EscPosCommand>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** Full cut, as PROTOCOLS.md gives it: 1D 56 00. */
export const CUT_FULL = Uint8Array.of(GS, 0x56, 0x00);

/** GS ( k functions for QR (cn = 0x31), PROTOCOLS.md section 5. */
export const QR_CN = 0x31;
export const QR_FUNCTIONS = {
  model: 65,
  moduleSize: 67,
  errorCorrection: 69,
  store: 80,
  print: 81,
} as const;

/** QR model parameter n1 of function 65: 49 model 1, 50 model 2, 51 micro QR. */
export const QR_MODEL_2 = 50;
export const QR_ERROR_CORRECTION = { L: 48, M: 49, Q: 50, H: 51 } as const;
export type QrErrorCorrection = keyof typeof QR_ERROR_CORRECTION;

export const ALIGNMENT = { left: 0, center: 1, right: 2 } as const;
export type Alignment = keyof typeof ALIGNMENT;

/** Character sizes as GS ! n values. */
export const SIZES = { normal: 0x00, doubleHeight: 0x01, doubleWidth: 0x10, double: 0x11 } as const;
export type CharacterSize = keyof typeof SIZES;

/** A command with its parameter bytes (everything after the prefix). */
export function command(name: CommandName, ...params: number[]): Uint8Array {
  return Uint8Array.from([...COMMANDS[name].prefix, ...params]);
}

/** GS ( k pL pH cn fn [parameters]: pL pH = 2 + parameters. */
export function qrFunction(fn: number, parameters: Uint8Array | readonly number[] = []): Uint8Array {
  const size = 2 + parameters.length;
  if (size > 0xffff) throw new RangeError('QR data too long for one GS ( k');
  return Uint8Array.from([...COMMANDS.qr.prefix, size & 0xff, size >> 8, QR_CN, fn, ...parameters]);
}
