import type { CompletionCode } from '@sik/contract';
import type { PinPadErrorCode } from '../pinpad.ts';
import { PinPadError } from './errors.ts';
import { buildRequest } from './frame.ts';

/**
 * The PIN pad's host command set, in one table (STYLE.md rule 7). UNCONFIRMED: real EPPs each have their own
 * vendor command set; this one is our design, kept small and in this one place so that a real pad's table can
 * replace it. The driver and the simulator both speak from it.
 *
 * | CMD | request data | reply data (ST 00) |
 * |---|---|---|
 * | 10 status | - | mode (00 idle, 01 PIN entry, 02 PIN block ready) · key (00 none, 01 loaded) · faults (bit 0 key stuck, bit 1 tamper) |
 * | 20 load working key | 16-byte key encrypted under the master key (SM4-ECB) · 4-byte check value | the check value |
 * | 30 start PIN entry | min length · max length · account number (13-19 ASCII digits) | - |
 * | 31 get PIN block | - | 16-byte SM4-encrypted ISO 9564 format-0 block |
 * | 32 cancel entry | - | - |
 * | 33 start clear PIN entry | min length · max length | - |
 *
 * Clear PIN entry (PROTOCOLS.md section 7): for the social security card the kiosk verifies the PIN on the
 * card itself, so the pad reports each digit key as its own code (30-39) instead of '*' and builds no block.
 * Mode 03 in the status reply. The host keeps the digits in memory only.
 */
export interface CommandDefinition {
  readonly cmd: number;
  readonly meaning: string;
}

export const COMMANDS = {
  status: { cmd: 0x10, meaning: 'read status' },
  loadWorkingKey: { cmd: 0x20, meaning: 'load PIN working key' },
  startPinEntry: { cmd: 0x30, meaning: 'start PIN entry' },
  getPinBlock: { cmd: 0x31, meaning: 'get PIN block' },
  cancelEntry: { cmd: 0x32, meaning: 'cancel PIN entry' },
  startClearEntry: { cmd: 0x33, meaning: 'start clear PIN entry' },
} as const satisfies Record<string, CommandDefinition>;

export type CommandName = keyof typeof COMMANDS;

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export function requestFrame(name: CommandName, data?: Uint8Array): Uint8Array {
  return buildRequest(COMMANDS[name].cmd, data);
}

/** Which command a received CMD is, for the simulator and for matching replies; null when unknown. */
export function commandByCode(cmd: number): CommandName | null {
  return COMMAND_NAMES.find((name) => COMMANDS[name].cmd === cmd) ?? null;
}

/** PIN lengths the pads take (ISO 9564: 4 to 12 digits). */
export const PIN_LENGTH = { min: 4, max: 12 } as const;
/** A primary account number for format 0: 13 to 19 digits (the 12 before the check digit are used). */
export const ACCOUNT_NUMBER = /^[0-9]{13,19}$/;

export interface StartEntryParameters {
  minLength: number;
  maxLength: number;
  accountNumber: string;
}

/** Why a start-entry request is not acceptable, or null when it is (no digit of the account in the message). */
export function checkStartEntry(request: StartEntryParameters): string | null {
  const { minLength, maxLength, accountNumber } = request;
  if (typeof accountNumber !== 'string' || !ACCOUNT_NUMBER.test(accountNumber)) {
    return 'accountNumber must be 13 to 19 digits';
  }
  if (!Number.isInteger(minLength) || minLength < PIN_LENGTH.min || minLength > PIN_LENGTH.max) {
    return `minLength must be an integer from ${PIN_LENGTH.min} to ${PIN_LENGTH.max}`;
  }
  if (!Number.isInteger(maxLength) || maxLength < minLength || maxLength > PIN_LENGTH.max) {
    return `maxLength must be an integer from minLength to ${PIN_LENGTH.max}`;
  }
  return null;
}

export function encodeStartEntry(request: StartEntryParameters): Uint8Array {
  const problem = checkStartEntry(request);
  if (problem) throw new RangeError(problem);
  const data = new Uint8Array(2 + request.accountNumber.length);
  data[0] = request.minLength;
  data[1] = request.maxLength;
  data.set(Buffer.from(request.accountNumber, 'ascii'), 2);
  return data;
}

export function decodeStartEntry(data: Uint8Array): StartEntryParameters | null {
  if (data.length < 2) return null;
  const request = {
    minLength: data[0] ?? 0,
    maxLength: data[1] ?? 0,
    accountNumber: Buffer.from(data.subarray(2)).toString('latin1'),
  };
  return checkStartEntry(request) === null ? request : null;
}

export const WORKING_KEY_BYTES = 16;
export const CHECK_VALUE_BYTES = 4;
export const PIN_BLOCK_BYTES = 16;

export function encodeLoadWorkingKey(encryptedKey: Uint8Array, checkValue: Uint8Array): Uint8Array {
  if (encryptedKey.length !== WORKING_KEY_BYTES || checkValue.length !== CHECK_VALUE_BYTES) {
    throw new RangeError(
      `a working key is ${WORKING_KEY_BYTES} bytes and its check value ${CHECK_VALUE_BYTES}`,
    );
  }
  const data = new Uint8Array(WORKING_KEY_BYTES + CHECK_VALUE_BYTES);
  data.set(encryptedKey, 0);
  data.set(checkValue, WORKING_KEY_BYTES);
  return data;
}

export function decodeLoadWorkingKey(
  data: Uint8Array,
): { encryptedKey: Uint8Array; checkValue: Uint8Array } | null {
  if (data.length !== WORKING_KEY_BYTES + CHECK_VALUE_BYTES) return null;
  return { encryptedKey: data.slice(0, WORKING_KEY_BYTES), checkValue: data.slice(WORKING_KEY_BYTES) };
}

export type PadMode = 'idle' | 'pinEntry' | 'pinReady' | 'clearEntry';

const MODE_BYTES: Readonly<Record<PadMode, number>> = {
  idle: 0x00,
  pinEntry: 0x01,
  pinReady: 0x02,
  clearEntry: 0x03,
};

/** The lengths of a clear PIN entry: the social security card's PIN is 6 digits (PIN_LENGTH bounds apply). */
export interface ClearEntryParameters {
  minLength: number;
  maxLength: number;
}

/** Why a clear-entry request is not acceptable, or null when it is. */
export function checkClearEntry(request: ClearEntryParameters): string | null {
  const { minLength, maxLength } = request;
  if (!Number.isInteger(minLength) || minLength < PIN_LENGTH.min || minLength > PIN_LENGTH.max) {
    return `minLength must be an integer from ${PIN_LENGTH.min} to ${PIN_LENGTH.max}`;
  }
  if (!Number.isInteger(maxLength) || maxLength < minLength || maxLength > PIN_LENGTH.max) {
    return `maxLength must be an integer from minLength to ${PIN_LENGTH.max}`;
  }
  return null;
}

export function encodeClearEntry(request: ClearEntryParameters): Uint8Array {
  const problem = checkClearEntry(request);
  if (problem) throw new RangeError(problem);
  return Uint8Array.of(request.minLength, request.maxLength);
}

export function decodeClearEntry(data: Uint8Array): ClearEntryParameters | null {
  if (data.length !== 2) return null;
  const request = { minLength: data[0] ?? 0, maxLength: data[1] ?? 0 };
  return checkClearEntry(request) === null ? request : null;
}

export const FAULT_BITS = { keyStuck: 0x01, tamper: 0x02 } as const;

export interface PadStatus {
  mode: PadMode;
  keyLoaded: boolean;
  keyStuck: boolean;
  tamper: boolean;
}

export function encodeStatus(status: PadStatus): Uint8Array {
  const faults = (status.keyStuck ? FAULT_BITS.keyStuck : 0) | (status.tamper ? FAULT_BITS.tamper : 0);
  return Uint8Array.of(MODE_BYTES[status.mode], status.keyLoaded ? 1 : 0, faults);
}

export function decodeStatus(data: Uint8Array): PadStatus | null {
  if (data.length !== 3) return null;
  const mode = (Object.keys(MODE_BYTES) as PadMode[]).find((m) => MODE_BYTES[m] === data[0]);
  const key = data[1] ?? 0xff;
  if (!mode || key > 1) return null;
  const faults = data[2] ?? 0;
  return {
    mode,
    keyLoaded: key === 1,
    keyStuck: (faults & FAULT_BITS.keyStuck) !== 0,
    tamper: (faults & FAULT_BITS.tamper) !== 0,
  };
}

export interface ReplyStatusDefinition {
  readonly meaning: string;
  readonly completion: CompletionCode;
  readonly errorCode: PinPadErrorCode | null;
}

/** The reply status bytes (ST) and what each means to us: the one place where ST becomes a code. */
export const REPLY_STATUS = {
  ok: 0x00,
  unknownCommand: 0x01,
  badParameter: 0x02,
  checksumError: 0x03,
  keyNotLoaded: 0x04,
  noPinBlock: 0x05,
  busy: 0x06,
  keyCheckFailed: 0x07,
  hardwareFault: 0x10,
} as const;

export const REPLY_STATUS_TABLE: ReadonlyMap<number, ReplyStatusDefinition> = new Map([
  [REPLY_STATUS.ok, { meaning: 'ok', completion: 'success', errorCode: null }],
  // We validate every request before it goes out: the pad refusing one means we do not speak its language.
  [
    REPLY_STATUS.unknownCommand,
    { meaning: 'unknown command', completion: 'hardwareError', errorCode: 'protocolError' },
  ],
  [
    REPLY_STATUS.badParameter,
    { meaning: 'bad parameter', completion: 'hardwareError', errorCode: 'protocolError' },
  ],
  [
    REPLY_STATUS.checksumError,
    { meaning: 'pad saw a checksum error', completion: 'hardwareError', errorCode: 'protocolError' },
  ],
  [
    REPLY_STATUS.keyNotLoaded,
    { meaning: 'no PIN working key loaded', completion: 'deviceNotReady', errorCode: 'keyNotLoaded' },
  ],
  [
    REPLY_STATUS.noPinBlock,
    { meaning: 'no PIN block available', completion: 'hardwareError', errorCode: 'protocolError' },
  ],
  [REPLY_STATUS.busy, { meaning: 'pad busy', completion: 'deviceNotReady', errorCode: 'busy' }],
  [
    REPLY_STATUS.keyCheckFailed,
    { meaning: 'key check value mismatch', completion: 'invalidData', errorCode: 'keyCheckFailed' },
  ],
  [
    REPLY_STATUS.hardwareFault,
    {
      meaning: 'pad hardware fault (stuck key or tamper)',
      completion: 'hardwareError',
      errorCode: 'deviceFault',
    },
  ],
]);

export const hex2 = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');

export function describeReplyStatus(status: number): ReplyStatusDefinition {
  return (
    REPLY_STATUS_TABLE.get(status) ?? {
      meaning: `unknown status ${hex2(status)}`,
      completion: 'hardwareError',
      errorCode: 'protocolError',
    }
  );
}

/** The error for a command answered with a status other than ok. */
export function statusError(name: CommandName, status: number): PinPadError {
  const definition = describeReplyStatus(status);
  return new PinPadError(
    definition.errorCode ?? 'protocolError',
    definition.completion === 'success' ? 'hardwareError' : definition.completion,
    `${COMMANDS[name].meaning}: ST ${hex2(status)} ${definition.meaning}`,
    status,
  );
}
