/**
 * PIN pad frames. UNCONFIRMED: real EPPs each have their own host command set; this framing is our design,
 * in the common STX/LEN/ETX/BCC shape, and lives in this file only (with the command table in commands.ts).
 *
 *   host -> pad:  STX · LEN · CMD · [data] · ETX · BCC
 *   pad -> host:  STX · LEN · CMD · ST · [data] · ETX · BCC      (CMD echoes the request's, ST is a status byte)
 *
 * LEN (1 byte) counts the body: the bytes between LEN and ETX. BCC is the XOR of every byte from LEN to ETX,
 * both included. A whole frame is LEN + 4 bytes.
 *
 * Between frames the pad sends single key bytes (PROTOCOLS.md section 7): 30-39 digits, 1B cancel, 08 backspace,
 * 0D enter, AA end of input; in PIN-entry mode a digit is reported as 2A ('*'). None of these is STX, so a key
 * byte can never be mistaken for the start of a frame.
 */

export const STX = 0x02;
export const ETX = 0x03;
/** STX and LEN before the body, ETX and BCC after it. */
export const OVERHEAD_BYTES = 4;
/** The shortest body is a request's CMD. */
export const MIN_LEN = 1;
/**
 * LEN is one byte, but our longest body (a start-entry request with a 19-digit account) is 22 bytes: anything
 * over 64 is a corrupted LEN, not a frame to wait for.
 */
export const MAX_LEN = 64;

/** The key bytes the pad sends between frames. */
export const KEY_CODES = {
  digit0: 0x30,
  digit9: 0x39,
  /** A digit in PIN-entry mode: the digit itself never leaves the pad. */
  masked: 0x2a,
  cancel: 0x1b,
  backspace: 0x08,
  enter: 0x0d,
  endOfInput: 0xaa,
} as const;

export const isKeyCode = (byte: number): boolean =>
  (byte >= KEY_CODES.digit0 && byte <= KEY_CODES.digit9) ||
  byte === KEY_CODES.masked ||
  byte === KEY_CODES.cancel ||
  byte === KEY_CODES.backspace ||
  byte === KEY_CODES.enter ||
  byte === KEY_CODES.endOfInput;

export const isClearDigit = (byte: number): boolean => byte >= KEY_CODES.digit0 && byte <= KEY_CODES.digit9;

/** XOR of bytes[start..end). */
export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let bcc = 0;
  for (let i = start; i < end; i++) bcc ^= bytes[i] ?? 0;
  return bcc;
}

/** Wraps a body into a whole frame. */
export function buildFrame(body: Uint8Array): Uint8Array {
  if (body.length < MIN_LEN || body.length > MAX_LEN) {
    throw new RangeError(`frame body of ${body.length} bytes does not fit LEN (${MIN_LEN}..${MAX_LEN})`);
  }
  const frame = new Uint8Array(body.length + OVERHEAD_BYTES);
  frame[0] = STX;
  frame[1] = body.length;
  frame.set(body, 2);
  frame[frame.length - 2] = ETX;
  frame[frame.length - 1] = xorChecksum(frame, 1, frame.length - 1);
  return frame;
}

/** host -> pad: CMD [data]. */
export function buildRequest(cmd: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(1 + data.length);
  body[0] = cmd;
  body.set(data, 1);
  return buildFrame(body);
}

/** pad -> host: CMD ST [data]. */
export function buildReply(cmd: number, status: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(2 + data.length);
  body[0] = cmd;
  body[1] = status;
  body.set(data, 2);
  return buildFrame(body);
}

export interface DecodedRequest {
  cmd: number;
  data: Uint8Array;
}

export interface DecodedReply {
  cmd: number;
  status: number;
  data: Uint8Array;
}

export function decodeRequestBody(body: Uint8Array): DecodedRequest | null {
  if (body.length < 1) return null;
  return { cmd: body[0] ?? 0, data: body.subarray(1) };
}

export function decodeReplyBody(body: Uint8Array): DecodedReply | null {
  if (body.length < 2) return null;
  return { cmd: body[0] ?? 0, status: body[1] ?? 0, data: body.subarray(2) };
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not a hex string: ${hex.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
