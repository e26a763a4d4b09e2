import type { CompletionCode, DeviceState } from '@sik/contract';

/**
 * The encrypting PIN pad (EPP) as the rest of the agent sees it (XFS4IoT Keyboard/PinPad style: async calls
 * with a request object and an AbortSignal, a completion code plus a kind-specific error code, status as
 * published state). For a bank PIN the agent never sees a digit: the pad reports each key as '*' and hands out
 * only the PIN block it encrypted inside itself. For the social security card's PIN (verified on the card
 * itself, PROTOCOLS.md section 7) a clear entry hands the digits to the caller, in memory only: they never
 * reach a log line, the status, an error or an event.
 *
 * The types below belong in contract/ (the lead moves them): PinPadStatus, PinPadErrorCode, PinPadFault.
 */

/** Whether the pad holds a PIN working key it can encrypt under. */
export type PinPadEncryptor = 'ready' | 'noKey' | 'unknown';

export interface PinPadStatus {
  device: DeviceState;
  /** A PIN pad carries no media; the field is there so every device status has the same shape. */
  media: 'unknown';
  encryptor: PinPadEncryptor;
  /** Last problem in words an engineer can act on (never a digit, never an account number); null when healthy. */
  detail: string | null;
}

/** Kind-specific error codes, one per distinct cause (reply status bytes are folded into these in one place). */
export type PinPadErrorCode =
  /** The citizen pressed the cancel key. */
  | 'userCanceled'
  /** No PIN working key in the pad: an operator must load one. */
  | 'keyNotLoaded'
  /** The key check value of a working key did not match: the key was not loaded. */
  | 'keyCheckFailed'
  /** The pad reports a fault of its own (a stuck key, tamper). */
  | 'deviceFault'
  /** The pad is in the middle of something else. */
  | 'busy'
  /** No sensible reply (garbled, wrong command, a clear digit where only '*' may come). */
  | 'protocolError'
  /** The line is gone or the pad does not answer. */
  | 'noDevice';

export type PinPadFailure = {
  completion: Exclude<CompletionCode, 'success'>;
  errorCode: PinPadErrorCode | null;
  detail: string;
};

export interface PinEntryRequest {
  /**
   * The primary account number the PIN block is bound to (ISO 9564 format 0), 13 to 19 digits. Sent to the
   * pad and held in memory only; never logged.
   */
  accountNumber: string;
  /** Enter is refused by the pad until this many digits are down (4 to 12). */
  minLength: number;
  /** Digits beyond this are ignored by the pad (minLength to 12). */
  maxLength: number;
  /** Give up (and cancel the entry on the pad) when the citizen has not pressed enter within this time. */
  timeoutMs: number;
}

export type PinEntryResult =
  | { completion: 'success'; pinBlockHex: string }
  | ({ completion: Exclude<CompletionCode, 'success'> } & Omit<PinPadFailure, 'completion'>);

export interface LoadWorkingKeyRequest {
  /** The 16-byte PIN working key encrypted under the pad's master key (SM4-ECB), 32 hex digits. */
  encryptedKeyHex: string;
  /** The first 4 bytes of SM4(working key, 16 zero bytes), 8 hex digits: the pad checks it before storing. */
  checkValueHex: string;
}

export interface ClearPinEntryRequest {
  /** Enter is refused by the pad until this many digits are down (4 to 12; the card's PIN is 6). */
  minLength: number;
  /** Digits beyond this are ignored by the pad (minLength to 12). */
  maxLength: number;
  /** Give up (and cancel the entry on the pad) when the citizen has not pressed enter within this time. */
  timeoutMs: number;
}

/** The digits as typed; the caller passes them to the card and drops them. */
export type ClearPinEntryResult =
  | { completion: 'success'; pin: string }
  | ({ completion: Exclude<CompletionCode, 'success'> } & Omit<PinPadFailure, 'completion'>);

export type PinPadResult =
  | { completion: 'success' }
  | ({ completion: Exclude<CompletionCode, 'success'> } & Omit<PinPadFailure, 'completion'>);

export type PinPadEvent =
  | { type: 'status'; status: PinPadStatus }
  /** During PIN entry: how many digits are down now (never which). */
  | { type: 'keys'; count: number };

/** Faults the PIN pad simulator can be told to produce (belongs in contract/ beside IdCardFault). */
export const PIN_PAD_FAULTS = [
  'none',
  /** The cable is out: the line is lost (memory pair) or goes silent (pty). */
  'unplugged',
  /** Replies arrive as junk or with a broken checksum. */
  'garbledFrame',
  /** Commands are swallowed without a reply. */
  'noResponse',
  /** A key is stuck: the pad reports a hardware fault and refuses PIN entry. */
  'keyStuck',
  /** A broken or misconfigured pad that reports digits in clear during PIN entry (the driver must refuse). */
  'clearDigits',
] as const;
export type PinPadFault = (typeof PIN_PAD_FAULTS)[number];

/** A key on the pad. */
export type PinPadKey =
  | '0'
  | '1'
  | '2'
  | '3'
  | '4'
  | '5'
  | '6'
  | '7'
  | '8'
  | '9'
  | 'enter'
  | 'cancel'
  | 'backspace';

export interface PinPad {
  readonly status: PinPadStatus;
  /** Open the transport, check the pad, and keep watching it (status polls, reconnect after unplug). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * One PIN entry: the pad takes digits (reported as '*'), the citizen presses enter, the pad answers the
   * encrypted PIN block. Progress goes out as { type: 'keys', count } events.
   */
  enterPin(request: PinEntryRequest, signal?: AbortSignal): Promise<PinEntryResult>;
  /**
   * One clear PIN entry (the social security card's PIN, which the card verifies): the pad reports each digit
   * key in clear (30-39), the citizen presses enter, the digits come back in the result. Progress goes out as
   * { type: 'keys', count } events (never which keys).
   */
  enterClearPin(request: ClearPinEntryRequest, signal?: AbortSignal): Promise<ClearPinEntryResult>;
  /** Load a PIN working key, encrypted under the pad's master key. */
  loadWorkingKey(request: LoadWorkingKeyRequest, signal?: AbortSignal): Promise<PinPadResult>;
  on(listener: (event: PinPadEvent) => void): () => void;
}
