import type { CompletionCode, IdCardIdentity, IdCardReaderStatus } from '@sik/contract';

/**
 * The ID card reader as the rest of the agent sees it (XFS4IoT style: async calls with a request object and an
 * AbortSignal, a completion code plus a kind-specific error code, status as published state).
 */

/** Kind-specific error codes, one per distinct cause (SW3 codes are folded into these in one place). */
export type IdCardErrorCode =
  | 'noCard'
  | 'cardUnreadable'
  | 'unknownCardType'
  | 'samError'
  | 'protocolError'
  | 'noDevice'
  | 'busy';

export type IdCardReadResult =
  | { completion: 'success'; identity: IdCardIdentity; photo: Uint8Array }
  | { completion: Exclude<CompletionCode, 'success'>; errorCode: IdCardErrorCode | null; detail: string };

export interface IdCardReadRequest {
  /** Give up when no card is read within this time. */
  timeoutMs: number;
}

export type IdCardEvent =
  | { type: 'status'; status: IdCardReaderStatus }
  /** A card was placed and read; raised once per placement. */
  | { type: 'cardRead'; identity: IdCardIdentity; photo: Uint8Array }
  /** A card was placed but could not be read (after the driver's own retries). */
  | { type: 'cardReadFailed'; errorCode: IdCardErrorCode; detail: string }
  | { type: 'cardRemoved' };

export interface IdCardReader {
  readonly status: IdCardReaderStatus;
  /** Open the transport and start watching for cards (poll find/select/read, detect removal, reconnect). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One read on demand (diagnostics CLI): waits for a card up to timeoutMs. */
  readCard(request: IdCardReadRequest, signal?: AbortSignal): Promise<IdCardReadResult>;
  on(listener: (event: IdCardEvent) => void): () => void;
}
