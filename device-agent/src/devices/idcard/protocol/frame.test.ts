import { describe, expect, it } from 'vitest';
import { SAMPLE_CARDS } from '../sample-cards.ts';
import { demoPhoto } from '../simulator.ts';
import { COMMAND_NAMES, requestFrame } from './commands.ts';
import { READ_REPLY, REPLIES, REQUESTS } from './fixtures.ts';
import {
  buildRequest,
  buildResponse,
  decodeRequestBody,
  decodeResponseBody,
  fromHex,
  toHex,
  xorChecksum,
} from './frame.ts';
import { encodeReadPayload } from './read-payload.ts';
import { encodeTextBlock } from './text-block.ts';

describe('request frames', () => {
  it.each(COMMAND_NAMES)('%s is the frame of PROTOCOLS.md', (name) => {
    expect(toHex(requestFrame(name))).toBe(REQUESTS[name]);
  });

  it('LEN counts CMD, PARA, data and CHK; CHK is the XOR from LEN to the byte before it', () => {
    const frame = buildRequest(0x20, 0x01, Uint8Array.of(0x12, 0x34));
    // preamble · LEN 0005 · 20 01 · 12 34 · CHK 00^05^20^01^12^34 = 0x02
    expect(toHex(frame)).toBe('AAAAAA9669000520011234' + '02');
    expect(xorChecksum(frame, 5, frame.length - 1)).toBe(frame[frame.length - 1]);
  });

  it('decodes a request body into CMD, PARA and data', () => {
    const request = decodeRequestBody(fromHex('3001'));
    expect(request?.cmd).toBe(0x30);
    expect(request?.para).toBe(0x01);
    expect(request?.data.length).toBe(0);
    expect(decodeRequestBody(fromHex('30'))).toBeNull();
  });
});

describe('response frames', () => {
  it('builds the example replies of PROTOCOLS.md', () => {
    expect(toHex(buildResponse(0x9f, new Uint8Array(4)))).toBe(REPLIES.findCardPresent);
    expect(toHex(buildResponse(0x80))).toBe(REPLIES.findNoCard);
    expect(toHex(buildResponse(0x90, new Uint8Array(8)))).toBe(REPLIES.selectOk);
    expect(toHex(buildResponse(0x41))).toBe(REPLIES.readNoCard);
  });

  it('decodes a response body into SW1 SW2 SW3 and data', () => {
    const frame = fromHex(REPLIES.findCardPresent);
    const reply = decodeResponseBody(frame.subarray(7, frame.length - 1));
    expect(reply).toMatchObject({ sw1: 0, sw2: 0, sw3: 0x9f });
    expect(Array.from(reply?.data ?? [])).toEqual([0, 0, 0, 0]);
    expect(decodeResponseBody(fromHex('0000'))).toBeNull();
  });

  it('lays out a whole 1295-byte read reply field by field', () => {
    const text = encodeTextBlock(SAMPLE_CARDS.resident);
    const photo = demoPhoto('fixture');
    const frame = buildResponse(0x90, encodeReadPayload(text, photo));
    const r = READ_REPLY;
    expect(frame.length).toBe(r.totalBytes);
    expect(toHex(frame.subarray(0, 5))).toBe('AAAAAA9669'); // preamble
    expect(toHex(frame.subarray(5, 7))).toBe('0508'); // LEN 1288
    expect(((frame[5] ?? 0) << 8) | (frame[6] ?? 0)).toBe(r.len);
    expect(toHex(frame.subarray(r.swAt, r.swAt + 3))).toBe('000090'); // SW1 SW2 SW3
    expect(toHex(frame.subarray(r.textLengthAt, r.textLengthAt + 2))).toBe('0100'); // text length 256
    expect(toHex(frame.subarray(r.photoLengthAt, r.photoLengthAt + 2))).toBe('0400'); // photo length 1024
    expect(frame.subarray(r.textAt, r.photoAt)).toEqual(text); // 256 bytes of text
    expect(frame.subarray(r.photoAt, r.chkAt)).toEqual(photo); // 1024 bytes of photo
    let chk = 0;
    for (let i = 5; i < r.chkAt; i++) chk ^= frame[i] ?? 0;
    expect(frame[r.chkAt]).toBe(chk); // CHK
  });

  it('refuses a body too long for any LEN we accept', () => {
    expect(() => buildResponse(0x90, new Uint8Array(5000))).toThrow(RangeError);
  });
});

describe('hex helpers', () => {
  it('round-trip and reject non-hex', () => {
    expect(toHex(fromHex('aa 96 69'))).toBe('AA9669');
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
});
