import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  decodeLoadWorkingKey,
  decodeStartEntry,
  decodeStatus,
  encodeLoadWorkingKey,
  encodeStartEntry,
  encodeStatus,
  requestFrame,
} from './commands.ts';
import { REPLIES, REQUESTS, TEST_ACCOUNT, TEST_MASTER_KEY, TEST_WORKING_KEY } from './fixtures.ts';
import {
  buildReply,
  buildRequest,
  decodeReplyBody,
  decodeRequestBody,
  fromHex,
  isKeyCode,
  STX,
  toHex,
  xorChecksum,
} from './frame.ts';
import { keyCheckValue, wrapWorkingKey } from './pin-block.ts';

describe('request frames', () => {
  it.each(['status', 'getPinBlock', 'cancelEntry'] as const)('%s is its fixture', (name) => {
    expect(toHex(requestFrame(name))).toBe(REQUESTS[name]);
  });

  it('start PIN entry carries min, max and the account number in ASCII', () => {
    const data = encodeStartEntry({ minLength: 4, maxLength: 6, accountNumber: TEST_ACCOUNT });
    expect(toHex(requestFrame('startPinEntry', data))).toBe(REQUESTS.startPinEntry);
    expect(decodeStartEntry(data)).toEqual({ minLength: 4, maxLength: 6, accountNumber: TEST_ACCOUNT });
  });

  it('load working key carries the wrapped key and its check value', () => {
    const data = encodeLoadWorkingKey(
      wrapWorkingKey(TEST_MASTER_KEY, TEST_WORKING_KEY),
      keyCheckValue(TEST_WORKING_KEY),
    );
    expect(toHex(requestFrame('loadWorkingKey', data))).toBe(REQUESTS.loadWorkingKey);
    const decoded = decodeLoadWorkingKey(data);
    expect(toHex(decoded?.checkValue ?? new Uint8Array())).toBe('40013356');
    expect(decodeLoadWorkingKey(data.subarray(1))).toBeNull();
  });

  it('LEN counts the body; BCC is the XOR from LEN to ETX', () => {
    const frame = buildRequest(0x10, Uint8Array.of(0xab));
    // STX · LEN 2 · CMD 10 · AB · ETX · BCC 02^10^AB^03
    expect(toHex(frame)).toBe('020210AB03BA');
    expect(xorChecksum(frame, 1, frame.length - 1)).toBe(frame.at(-1));
    expect(decodeRequestBody(frame.subarray(2, -2))).toMatchObject({ cmd: 0x10 });
  });

  it('refuses requests it cannot frame', () => {
    expect(() => encodeStartEntry({ minLength: 4, maxLength: 6, accountNumber: '1234' })).toThrow(/13 to 19/);
    expect(() => encodeStartEntry({ minLength: 3, maxLength: 6, accountNumber: TEST_ACCOUNT })).toThrow(
      /minLength/,
    );
    expect(() => encodeStartEntry({ minLength: 6, maxLength: 5, accountNumber: TEST_ACCOUNT })).toThrow(
      /maxLength/,
    );
    expect(() => buildRequest(0x10, new Uint8Array(64))).toThrow(RangeError);
  });
});

describe('reply frames', () => {
  it('builds the fixtures', () => {
    const status = encodeStatus({ mode: 'idle', keyLoaded: true, keyStuck: false, tamper: false });
    expect(toHex(buildReply(COMMANDS.status.cmd, 0x00, status))).toBe(REPLIES.statusIdleKeyLoaded);
    expect(toHex(buildReply(COMMANDS.startPinEntry.cmd, 0x00))).toBe(REPLIES.startOk);
    expect(toHex(buildReply(COMMANDS.startPinEntry.cmd, 0x04))).toBe(REPLIES.startNoKey);
    expect(toHex(buildReply(COMMANDS.loadWorkingKey.cmd, 0x00, fromHex('40013356')))).toBe(
      REPLIES.loadWorkingKeyOk,
    );
  });

  it('decodes CMD, ST and data, and the status data', () => {
    const frame = fromHex(REPLIES.statusIdleKeyLoaded);
    const reply = decodeReplyBody(frame.subarray(2, -2));
    expect(reply).toMatchObject({ cmd: 0x10, status: 0x00 });
    expect(decodeStatus(reply?.data ?? new Uint8Array())).toEqual({
      mode: 'idle',
      keyLoaded: true,
      keyStuck: false,
      tamper: false,
    });
    expect(decodeStatus(Uint8Array.of(0x01, 0x00, 0x01))).toEqual({
      mode: 'pinEntry',
      keyLoaded: false,
      keyStuck: true,
      tamper: false,
    });
    expect(decodeStatus(Uint8Array.of(0x07, 0x00, 0x00))).toBeNull();
    expect(decodeReplyBody(Uint8Array.of(0x10))).toBeNull();
  });

  it('no key byte is STX', () => {
    expect(isKeyCode(STX)).toBe(false);
    for (const key of [0x30, 0x39, 0x2a, 0x1b, 0x08, 0x0d, 0xaa]) expect(isKeyCode(key)).toBe(true);
  });
});
