import { IdCardError } from './errors.ts';
import { TEXT_BLOCK_BYTES } from './text-block.ts';

/**
 * The data of a successful read (after SW1 SW2 SW3), PROTOCOLS.md section 1:
 *
 *   30 01: text length (2 BE, 0x0100) · photo length (2 BE, 0x0400) · text 256 · photo 1024
 *   30 10: text length · photo length · fingerprint length (2 BE, 0x0400) · text · photo · fingerprint 1024
 *
 * UNCONFIRMED: for 30 10 we put all three lengths first, as the open implementations we know of read it;
 * PROTOCOLS.md can also be read as the fingerprint length following the photo. Only the simulator and the
 * tests use 30 10 today; the driver reads with 30 01.
 */
export const PHOTO_BYTES = 1024;
export const FINGERPRINT_BYTES = 1024;

export interface ReadPayload {
  text: Uint8Array;
  /** WLT, opaque: decoding it is a pluggable step outside the protocol layer. */
  photo: Uint8Array;
  fingerprint: Uint8Array | null;
}

const u16 = (data: Uint8Array, at: number): number => ((data[at] ?? 0) << 8) | (data[at + 1] ?? 0);

function malformed(message: string): IdCardError {
  return new IdCardError('protocolError', 'hardwareError', `read reply: ${message}`);
}

export function decodeReadPayload(data: Uint8Array, withFingerprint: boolean): ReadPayload {
  const header = withFingerprint ? 6 : 4;
  if (data.length < header) throw malformed(`${data.length} bytes, too short for the length fields`);
  const textBytes = u16(data, 0);
  const photoBytes = u16(data, 2);
  const fingerprintBytes = withFingerprint ? u16(data, 4) : 0;
  if (textBytes !== TEXT_BLOCK_BYTES)
    throw malformed(`text length ${textBytes}, expected ${TEXT_BLOCK_BYTES}`);
  const expected = header + textBytes + photoBytes + fingerprintBytes;
  if (data.length !== expected)
    throw malformed(`${data.length} bytes, the length fields announce ${expected}`);
  const photoStart = header + textBytes;
  const fingerprintStart = photoStart + photoBytes;
  return {
    text: data.slice(header, photoStart),
    photo: data.slice(photoStart, fingerprintStart),
    fingerprint: withFingerprint ? data.slice(fingerprintStart, fingerprintStart + fingerprintBytes) : null,
  };
}

export function encodeReadPayload(text: Uint8Array, photo: Uint8Array, fingerprint?: Uint8Array): Uint8Array {
  const parts = fingerprint === undefined ? [text, photo] : [text, photo, fingerprint];
  const header = new Uint8Array(parts.length * 2);
  parts.forEach((part, i) => {
    header[i * 2] = part.length >> 8;
    header[i * 2 + 1] = part.length & 0xff;
  });
  const data = new Uint8Array(header.length + parts.reduce((sum, part) => sum + part.length, 0));
  data.set(header, 0);
  let at = header.length;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return data;
}
