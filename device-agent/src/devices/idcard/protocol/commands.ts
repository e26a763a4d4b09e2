import type { CompletionCode } from '@sik/contract';
import type { IdCardErrorCode } from '../idcard.ts';
import { IdCardError } from './errors.ts';
import { buildRequest } from './frame.ts';

/** One reader command (PROTOCOLS.md section 1): its CMD PARA and the SW3 that means it worked. */
export interface CommandDefinition {
  readonly cmd: number;
  readonly para: number;
  readonly meaning: string;
  readonly successSw3: number;
  /** Another SW3 that is a normal answer rather than a failure (read newest address: 91, nothing newer). */
  readonly alsoAcceptedSw3?: number;
}

/** The command table (STYLE.md rule 7): the driver and the simulator both speak from it. */
export const COMMANDS = {
  resetSam: { cmd: 0x10, para: 0xff, meaning: 'reset SAM', successSw3: 0x90 },
  samStatus: { cmd: 0x11, para: 0xff, meaning: 'SAM status', successSw3: 0x90 },
  // UNCONFIRMED: how the 16 SAM id bytes are formatted for display differs between vendors; kept as hex.
  samId: { cmd: 0x12, para: 0xff, meaning: 'read SAM id', successSw3: 0x90 },
  findCard: { cmd: 0x20, para: 0x01, meaning: 'find card', successSw3: 0x9f },
  selectCard: { cmd: 0x20, para: 0x02, meaning: 'select card', successSw3: 0x90 },
  readTextPhoto: { cmd: 0x30, para: 0x01, meaning: 'read text and photo', successSw3: 0x90 },
  readNewestAddress: {
    cmd: 0x30,
    para: 0x03,
    meaning: 'read newest address',
    successSw3: 0x90,
    alsoAcceptedSw3: 0x91,
  },
  readTextPhotoFingerprint: {
    cmd: 0x30,
    para: 0x10,
    meaning: 'read text, photo and fingerprint',
    successSw3: 0x90,
  },
} as const satisfies Record<string, CommandDefinition>;

export type CommandName = keyof typeof COMMANDS;

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** The whole request frame for a command (they carry no data). */
export function requestFrame(name: CommandName): Uint8Array {
  const command: CommandDefinition = COMMANDS[name];
  return buildRequest(command.cmd, command.para);
}

/** Which command a received CMD PARA is, for the simulator; null when it is not in the table. */
export function commandByCode(cmd: number, para: number): CommandName | null {
  return COMMAND_NAMES.find((name) => COMMANDS[name].cmd === cmd && COMMANDS[name].para === para) ?? null;
}

export interface StatusWordDefinition {
  readonly meaning: string;
  readonly completion: CompletionCode;
  /** null for the success words. */
  readonly errorCode: IdCardErrorCode | null;
}

export interface StatusWordEntry extends StatusWordDefinition {
  readonly sw3: number;
}

/**
 * Every SW3 the readers answer, with what it means to us: the one place where a status word becomes a
 * completion code and an error code (STYLE.md rule 4).
 */
export const STATUS_WORD_TABLE: readonly StatusWordEntry[] = [
  { sw3: 0x90, meaning: 'ok', completion: 'success', errorCode: null },
  { sw3: 0x9f, meaning: 'find card ok', completion: 'success', errorCode: null },
  { sw3: 0x91, meaning: 'no content', completion: 'invalidData', errorCode: 'cardUnreadable' },
  // The reader did not understand our frame: a line or driver problem, not the card's.
  {
    sw3: 0x10,
    meaning: 'reader saw a checksum error',
    completion: 'hardwareError',
    errorCode: 'protocolError',
  },
  {
    sw3: 0x11,
    meaning: 'reader saw a length error',
    completion: 'hardwareError',
    errorCode: 'protocolError',
  },
  { sw3: 0x21, meaning: 'command error', completion: 'hardwareError', errorCode: 'protocolError' },
  { sw3: 0x23, meaning: 'unauthorized operation', completion: 'hardwareError', errorCode: 'samError' },
  { sw3: 0x24, meaning: 'unrecognised error', completion: 'hardwareError', errorCode: 'protocolError' },
  // Card and SAM failed to authenticate each other: a damaged or forged card, or one moved mid-read.
  {
    sw3: 0x31,
    meaning: 'card failed to authenticate SAM',
    completion: 'invalidData',
    errorCode: 'cardUnreadable',
  },
  {
    sw3: 0x32,
    meaning: 'SAM failed to authenticate card',
    completion: 'invalidData',
    errorCode: 'cardUnreadable',
  },
  { sw3: 0x33, meaning: 'verification error', completion: 'invalidData', errorCode: 'cardUnreadable' },
  { sw3: 0x40, meaning: 'unknown card type', completion: 'invalidData', errorCode: 'unknownCardType' },
  { sw3: 0x41, meaning: 'read failed', completion: 'invalidData', errorCode: 'cardUnreadable' },
  { sw3: 0x47, meaning: 'random-number failure', completion: 'invalidData', errorCode: 'cardUnreadable' },
  { sw3: 0x60, meaning: 'SAM self-test failed', completion: 'hardwareError', errorCode: 'samError' },
  { sw3: 0x66, meaning: 'SAM not authorised', completion: 'hardwareError', errorCode: 'samError' },
  { sw3: 0x80, meaning: 'find card failed (no card)', completion: 'userError', errorCode: 'noCard' },
  // Also what a reader answers for a card already read.
  {
    sw3: 0x81,
    meaning: 'select card failed (lift the card and place it again)',
    completion: 'userError',
    errorCode: 'cardUnreadable',
  },
];

export const STATUS_WORDS: ReadonlyMap<number, StatusWordDefinition> = new Map(
  STATUS_WORD_TABLE.map((entry) => [entry.sw3, entry]),
);

export const hex2 = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');

/** The table entry for a status word; a word not in the table is a protocol error. */
export function describeStatus(sw3: number): StatusWordDefinition {
  return (
    STATUS_WORDS.get(sw3) ?? {
      meaning: `unknown status word ${hex2(sw3)}`,
      completion: 'hardwareError',
      errorCode: 'protocolError',
    }
  );
}

export function isAccepted(name: CommandName, sw3: number): boolean {
  const command: CommandDefinition = COMMANDS[name];
  return sw3 === command.successSw3 || sw3 === command.alsoAcceptedSw3;
}

/** The error for a command answered with a status word it does not accept. */
export function statusError(name: CommandName, sw3: number): IdCardError {
  const status = describeStatus(sw3);
  const what = `${COMMANDS[name].meaning}: SW3 ${hex2(sw3)} ${status.meaning}`;
  if (status.completion === 'success' || status.errorCode === null) {
    // Another command's success word: most likely a late reply to an earlier request.
    return new IdCardError('protocolError', 'hardwareError', `${what} (not a reply to this command)`, sw3);
  }
  return new IdCardError(status.errorCode, status.completion, what, sw3);
}
