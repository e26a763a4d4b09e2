import { ChipEncoderFault, type CompletionCode, type DeviceState } from '@sik/contract';
import type { Ef05Data, Ef06Data, SsseFile, SsseRecord } from '@sik/contract/ssse';

/**
 * The contact chip encoder (a contact smart-card reader at the card printer's contact station) as the rest of
 * the agent sees it (XFS4IoT CardReader style: async calls with an AbortSignal, a completion code plus a
 * kind-specific error code, status as published state). It speaks APDUs to the SSSE application of the social
 * security card (PROTOCOLS.md section 3). Cryptograms for writes come from the card-management service
 * (server side, @sik/contract/ssse); the encoder never holds an issuer key.
 *
 * The types below belong in contract/ (the lead moves them): ChipEncoderStatus, ChipEncoderErrorCode,
 * ChipEncoderFault.
 */

export type ChipEncoderMedia = 'present' | 'notPresent' | 'unknown';

export interface ChipEncoderStatus {
  device: DeviceState;
  /** Whether a card sits in the contact station. */
  media: ChipEncoderMedia;
  /** Last problem in words an engineer can act on (never card data, never a PIN); null when healthy. */
  detail: string | null;
}

/** Kind-specific error codes, one per distinct cause (status words are folded into these in one place). */
export type ChipEncoderErrorCode =
  /** No card at the contact station. */
  | 'noCard'
  /** A card is there but its chip does not answer (dead chip, dirty contacts, upside down). */
  | 'cardMute'
  /** The SSSE application or the file is not on the card. */
  | 'notFound'
  /** The card refused the external authentication cryptogram (or a write without one). */
  | 'authFailed'
  /** Wrong PIN; triesLeft says how many remain. */
  | 'pinWrong'
  /** The PIN is blocked (3 wrong tries): only a set PIN after external authentication unblocks it. */
  | 'pinBlocked'
  /** The chip refused or failed a write (memory failure). */
  | 'writeFailed'
  /** A write went through but the read-back differs from what was written. */
  | 'verifyFailed'
  /** Any other status word from the card. */
  | 'cardError'
  /** No sensible reply from the reader (garbled frame, reader error). */
  | 'protocolError'
  /** The line is gone or the reader does not answer. */
  | 'noDevice';

export type ChipEncoderFailure = {
  completion: Exclude<CompletionCode, 'success'>;
  errorCode: ChipEncoderErrorCode;
  detail: string;
  /** For pinWrong: tries left on the card. */
  triesLeft?: number;
  /** The card's status word, when the card answered one. */
  sw?: string;
};

export type ChipResult<T = Record<never, never>> =
  | ({ completion: 'success' } & T)
  | ({ completion: Exclude<CompletionCode, 'success'> } & Omit<ChipEncoderFailure, 'completion'>);

export type ChipEncoderEvent = { type: 'status'; status: ChipEncoderStatus };

/** Faults the chip encoder simulator can be told to produce: the contract's list, described there. */
export const CHIP_ENCODER_FAULTS = ChipEncoderFault.options;
export type { ChipEncoderFault };

export interface ChipEncoder {
  readonly status: ChipEncoderStatus;
  /**
   * Open the transport and ask the reader for its slot (then poll it, if configured). When the line goes away
   * (reader unplugged or power-cycled) the status says noDevice, the call in flight fails at once with noDevice,
   * later calls are refused with noDevice, and the line is reopened with a doubling backoff until the reader
   * answers again.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Ask the reader for its slot (updates status.media). */
  refreshStatus(signal?: AbortSignal): Promise<ChipResult<{ media: ChipEncoderMedia }>>;
  /** Power the card, read its chip serial, select the SSSE application. */
  openCard(signal?: AbortSignal): Promise<ChipResult<{ serial: string; atrHex: string }>>;
  /** Power the card off (end of session; drops any external authentication). */
  closeCard(signal?: AbortSignal): Promise<ChipResult>;
  selectApplication(signal?: AbortSignal): Promise<ChipResult>;
  selectFile(file: SsseFile, signal?: AbortSignal): Promise<ChipResult>;
  readRecord(record: number, signal?: AbortSignal): Promise<ChipResult<{ tlv: Buffer }>>;
  /** 8 random bytes from the card, to be sent to the card-management service for a cryptogram. */
  getChallenge(signal?: AbortSignal): Promise<ChipResult<{ challenge: Buffer }>>;
  externalAuthenticate(cryptogram: Buffer, signal?: AbortSignal): Promise<ChipResult>;
  updateRecord(record: number, tlv: Buffer, signal?: AbortSignal): Promise<ChipResult>;
  verifyPin(pin: string, signal?: AbortSignal): Promise<ChipResult>;
  changePin(oldPin: string, newPin: string, signal?: AbortSignal): Promise<ChipResult>;
  /** Set (reload) the PIN; needs external authentication first; resets the tries counter. */
  setPin(newPin: string, signal?: AbortSignal): Promise<ChipResult>;
  /** Select a file and write its records, each read back and compared (verifyFailed when it differs). */
  writeFile(file: SsseFile, records: SsseRecord[], signal?: AbortSignal): Promise<ChipResult>;
  readEf05(signal?: AbortSignal): Promise<ChipResult<{ data: Ef05Data }>>;
  readEf06(signal?: AbortSignal): Promise<ChipResult<{ data: Ef06Data }>>;
  on(listener: (event: ChipEncoderEvent) => void): () => void;
}
