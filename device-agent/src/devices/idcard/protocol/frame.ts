/**
 * SAM frames (PROTOCOLS.md section 1), both directions:
 *
 *   AA AA AA 96 69 · LEN (2 bytes BE) · body · CHK
 *
 * LEN counts every byte after the LEN field, CHK included, so a whole frame is LEN + 7 bytes.
 * CHK is the XOR of every byte from LEN's first byte up to the byte before CHK.
 * A request body is CMD PARA [data]; a response body is SW1 SW2 SW3 [data].
 */

export const PREAMBLE: readonly number[] = [0xaa, 0xaa, 0xaa, 0x96, 0x69];
/** Preamble plus the LEN field. */
export const HEADER_BYTES = 7;
/** The shortest body is a request's CMD PARA (LEN 3 with CHK). */
export const MIN_LEN = 3;
/**
 * Anything longer is treated as a corrupted LEN, not a frame to wait for. The longest real reply (30 10:
 * three SW bytes, three lengths, text, photo, fingerprint, CHK) has LEN 2314.
 */
export const MAX_LEN = 4096;

/** XOR of bytes[start..end). */
export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let chk = 0;
  for (let i = start; i < end; i++) chk ^= bytes[i] ?? 0;
  return chk;
}

/** Wraps a body (everything between LEN and CHK) into a whole frame. */
export function buildFrame(body: Uint8Array): Uint8Array {
  const len = body.length + 1;
  if (len > MAX_LEN) throw new RangeError(`frame body of ${body.length} bytes is longer than LEN allows`);
  const frame = new Uint8Array(HEADER_BYTES + len);
  frame.set(PREAMBLE, 0);
  frame[5] = len >> 8;
  frame[6] = len & 0xff;
  frame.set(body, HEADER_BYTES);
  frame[frame.length - 1] = xorChecksum(frame, 5, frame.length - 1);
  return frame;
}

/** host -> reader: CMD PARA [data]. */
export function buildRequest(cmd: number, para: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(2 + data.length);
  body[0] = cmd;
  body[1] = para;
  body.set(data, 2);
  return buildFrame(body);
}

/** reader -> host: SW1 SW2 SW3 [data]. SW1 SW2 are always 00 00 on the readers we know. */
export function buildResponse(sw3: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(3 + data.length);
  body[2] = sw3;
  body.set(data, 3);
  return buildFrame(body);
}

export interface DecodedRequest {
  cmd: number;
  para: number;
  data: Uint8Array;
}

export interface DecodedResponse {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Uint8Array;
}

/** Splits a request body (from the parser) into its fields; null when it is too short to be one. */
export function decodeRequestBody(body: Uint8Array): DecodedRequest | null {
  if (body.length < 2) return null;
  return { cmd: body[0] ?? 0, para: body[1] ?? 0, data: body.subarray(2) };
}

/** Splits a response body (from the parser) into its fields; null when it is too short to be one. */
export function decodeResponseBody(body: Uint8Array): DecodedResponse | null {
  if (body.length < 3) return null;
  return { sw1: body[0] ?? 0, sw2: body[1] ?? 0, sw3: body[2] ?? 0, data: body.subarray(3) };
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not a hex string: ${hex.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
