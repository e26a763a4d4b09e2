import { describe, expect, it } from 'vitest';
import { SAMPLE_CARDS } from '../sample-cards.ts';
import { demoPhoto } from '../simulator.ts';
import { toHex } from './frame.ts';
import { decodeReadPayload, encodeReadPayload } from './read-payload.ts';
import { encodeTextBlock } from './text-block.ts';

const text = encodeTextBlock(SAMPLE_CARDS.hkMacaoTaiwan);
const photo = demoPhoto('payload');

describe('read payload', () => {
  it('30 01: text length, photo length, text, photo', () => {
    const data = encodeReadPayload(text, photo);
    expect(data.length).toBe(4 + 256 + 1024);
    expect(toHex(data.subarray(0, 4))).toBe('01000400'); // 0x0100 · 0x0400
    const payload = decodeReadPayload(data, false);
    expect(payload.text).toEqual(text);
    expect(payload.photo).toEqual(photo);
    expect(payload.fingerprint).toBeNull();
  });

  it('30 10: three lengths first (UNCONFIRMED layout), then text, photo, fingerprint', () => {
    const fingerprint = new Uint8Array(1024).fill(0x46);
    const data = encodeReadPayload(text, photo, fingerprint);
    expect(data.length).toBe(6 + 256 + 1024 + 1024);
    expect(toHex(data.subarray(0, 6))).toBe('010004000400');
    const payload = decodeReadPayload(data, true);
    expect(payload.text).toEqual(text);
    expect(payload.photo).toEqual(photo);
    expect(payload.fingerprint).toEqual(fingerprint);
  });

  it('refuses lengths that do not add up, or a text block of the wrong size', () => {
    const data = encodeReadPayload(text, photo);
    expect(() => decodeReadPayload(data.subarray(0, 1000), false)).toThrow(/length fields announce 1284/);
    expect(() => decodeReadPayload(data.subarray(0, 2), false)).toThrow(/too short/);
    const wrongText = data.slice();
    wrongText[1] = 0x80; // text length 0x0180
    expect(() => decodeReadPayload(wrongText, false)).toThrow(/text length 384/);
    try {
      decodeReadPayload(wrongText, false);
    } catch (error) {
      expect(error).toMatchObject({ name: 'IdCardError', code: 'protocolError' });
    }
  });
});
