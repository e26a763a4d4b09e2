import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  commandByCode,
  describeStatus,
  hex2,
  isAccepted,
  STATUS_WORDS,
  statusError,
} from './commands.ts';
import { IdCardError } from './errors.ts';

/** Every SW3 of PROTOCOLS.md and what it must become: [sw3, completion, errorCode]. */
const EXPECTED: ReadonlyArray<readonly [number, string, string | null]> = [
  [0x90, 'success', null],
  [0x9f, 'success', null],
  [0x91, 'invalidData', 'cardUnreadable'],
  [0x10, 'hardwareError', 'protocolError'],
  [0x11, 'hardwareError', 'protocolError'],
  [0x21, 'hardwareError', 'protocolError'],
  [0x23, 'hardwareError', 'samError'],
  [0x24, 'hardwareError', 'protocolError'],
  [0x31, 'invalidData', 'cardUnreadable'],
  [0x32, 'invalidData', 'cardUnreadable'],
  [0x33, 'invalidData', 'cardUnreadable'],
  [0x40, 'invalidData', 'unknownCardType'],
  [0x41, 'invalidData', 'cardUnreadable'],
  [0x47, 'invalidData', 'cardUnreadable'],
  [0x60, 'hardwareError', 'samError'],
  [0x66, 'hardwareError', 'samError'],
  [0x80, 'userError', 'noCard'],
  [0x81, 'userError', 'cardUnreadable'],
];

describe('status words', () => {
  it('the table holds exactly the SW3 codes of PROTOCOLS.md', () => {
    const numeric = (a: number, b: number) => a - b;
    expect([...STATUS_WORDS.keys()].sort(numeric)).toEqual(EXPECTED.map(([sw3]) => sw3).sort(numeric));
  });

  it.each(EXPECTED.map(([sw3, ...rest]) => [hex2(sw3), sw3, ...rest] as const))(
    'SW3 %s maps to %s / %s',
    (_hex, sw3, completion, errorCode) => {
      const status = describeStatus(sw3);
      expect(status.completion).toBe(completion);
      expect(status.errorCode).toBe(errorCode);
      expect(status.meaning.length).toBeGreaterThan(1);
    },
  );

  it.each(
    EXPECTED.filter(([, completion]) => completion !== 'success').map(
      ([sw3, ...rest]) => [hex2(sw3), sw3, ...rest] as const,
    ),
  )(
    'a command answered with SW3 %s fails with that completion and code',
    (_hex, sw3, completion, errorCode) => {
      const error = statusError('readTextPhoto', sw3);
      expect(error).toBeInstanceOf(IdCardError);
      expect(error.name).toBe('IdCardError');
      expect(error.completion).toBe(completion);
      expect(error.code).toBe(errorCode);
      expect(error.sw3).toBe(sw3);
      expect(error.message).toContain('read text and photo');
    },
  );

  it('an unknown SW3 is a protocol error', () => {
    expect(describeStatus(0x55)).toMatchObject({ completion: 'hardwareError', errorCode: 'protocolError' });
    expect(statusError('findCard', 0x55).message).toContain('unknown status word 55');
  });

  it("another command's success word is a mismatched reply, not a success", () => {
    const error = statusError('selectCard', 0x9f);
    expect(error.code).toBe('protocolError');
    expect(error.message).toContain('not a reply to this command');
  });
});

describe('command table', () => {
  it('knows the success word of each command', () => {
    expect(isAccepted('findCard', 0x9f)).toBe(true);
    expect(isAccepted('findCard', 0x90)).toBe(false);
    expect(isAccepted('selectCard', 0x90)).toBe(true);
    expect(isAccepted('readNewestAddress', 0x91)).toBe(true);
    expect(isAccepted('readTextPhoto', 0x91)).toBe(false);
  });

  it('finds a command by CMD PARA, and nothing for an unknown pair', () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      expect(commandByCode(command.cmd, command.para)).toBe(name);
    }
    expect(commandByCode(0x30, 0x02)).toBeNull();
  });
});
