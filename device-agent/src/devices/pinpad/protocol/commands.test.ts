import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  COMMANDS,
  commandByCode,
  decodeClearEntry,
  decodeStatus,
  describeReplyStatus,
  encodeClearEntry,
  encodeStatus,
  hex2,
  REPLY_STATUS,
  REPLY_STATUS_TABLE,
  requestFrame,
  statusError,
} from './commands.ts';
import { PinPadError } from './errors.ts';
import { REQUESTS } from './fixtures.ts';
import { toHex } from './frame.ts';

/** Every reply status and what it must become: [ST, completion, errorCode]. */
const EXPECTED: ReadonlyArray<readonly [number, string, string | null]> = [
  [0x00, 'success', null],
  [0x01, 'hardwareError', 'protocolError'],
  [0x02, 'hardwareError', 'protocolError'],
  [0x03, 'hardwareError', 'protocolError'],
  [0x04, 'deviceNotReady', 'keyNotLoaded'],
  [0x05, 'hardwareError', 'protocolError'],
  [0x06, 'deviceNotReady', 'busy'],
  [0x07, 'invalidData', 'keyCheckFailed'],
  [0x10, 'hardwareError', 'deviceFault'],
];

describe('reply status table', () => {
  it('holds exactly the statuses the simulator may answer', () => {
    expect([...REPLY_STATUS_TABLE.keys()].sort((a, b) => a - b)).toEqual(EXPECTED.map(([st]) => st));
    expect(Object.values(REPLY_STATUS).sort((a, b) => a - b)).toEqual(EXPECTED.map(([st]) => st));
  });

  it.each(EXPECTED.map(([st, ...rest]) => [hex2(st), st, ...rest] as const))(
    'ST %s maps to %s / %s',
    (_hex, st, completion, errorCode) => {
      expect(describeReplyStatus(st)).toMatchObject({ completion, errorCode });
    },
  );

  it('a failing status becomes a PinPadError naming the command', () => {
    const error = statusError('startPinEntry', REPLY_STATUS.keyNotLoaded);
    expect(error).toBeInstanceOf(PinPadError);
    expect(error).toMatchObject({ name: 'PinPadError', code: 'keyNotLoaded', completion: 'deviceNotReady' });
    expect(error.message).toBe('start PIN entry: ST 04 no PIN working key loaded');
  });

  it('an unknown status is a protocol error', () => {
    expect(statusError('status', 0x77)).toMatchObject({ code: 'protocolError', completion: 'hardwareError' });
  });
});

describe('clear PIN entry', () => {
  it('encodes the start request byte for byte and checks its lengths', () => {
    expect(toHex(requestFrame('startClearEntry', encodeClearEntry({ minLength: 6, maxLength: 6 })))).toBe(
      REQUESTS.startClearEntry,
    );
    expect(decodeClearEntry(Uint8Array.of(6, 6))).toEqual({ minLength: 6, maxLength: 6 });
    expect(decodeClearEntry(Uint8Array.of(3, 6))).toBeNull();
    expect(decodeClearEntry(Uint8Array.of(6, 5))).toBeNull();
    expect(() => encodeClearEntry({ minLength: 6, maxLength: 13 })).toThrow(RangeError);
  });

  it('reports its own mode in the status reply', () => {
    const data = encodeStatus({ mode: 'clearEntry', keyLoaded: true, keyStuck: false, tamper: false });
    expect(toHex(data)).toBe('030100');
    expect(decodeStatus(data)).toMatchObject({ mode: 'clearEntry' });
  });
});

describe('command table', () => {
  it('has one code per command and finds each by its code', () => {
    const codes = COMMAND_NAMES.map((name) => COMMANDS[name].cmd);
    expect(new Set(codes).size).toBe(codes.length);
    for (const name of COMMAND_NAMES) expect(commandByCode(COMMANDS[name].cmd)).toBe(name);
    expect(commandByCode(0x99)).toBeNull();
  });
});
