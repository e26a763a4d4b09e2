import { CardPrinterFault, type CompletionCode, type DeviceState } from '@sik/contract';

/**
 * The card printer (Evolis-style command set, PROTOCOLS.md section 4) as the rest of the agent sees it, XFS4IoT
 * style: async calls with an AbortSignal, a completion code plus a kind-specific error code, status as published
 * state. It moves one blank card at a time: feeder -> contact (chip) station -> print position -> output slot or
 * reject box. The chip itself is written by the chip encoder; this device only brings the card to it.
 *
 * For contract/ (the lead moves them): CardPrinterStatus, CardPrinterErrorCode and CardPrinterFault are new.
 */

export type FeederState = 'ok' | 'low' | 'empty' | 'unknown';
export type RibbonState = 'ok' | 'low' | 'out' | 'unknown';
/** Where the card inside the printer is: none, at the contact (chip) station, contactless station, print
 * position, or in the output slot waiting to be taken. */
export type CardPosition = 'none' | 'contact' | 'contactless' | 'print' | 'exit' | 'unknown';

export interface CardPrinterStatus {
  device: DeviceState;
  feeder: FeederState;
  rejectBox: 'ok' | 'full' | 'unknown';
  ribbon: RibbonState;
  /** Panels (one per card, single-sided) left on the ribbon; null when not known. */
  ribbonPanels: number | null;
  cover: 'closed' | 'open' | 'unknown';
  jam: boolean;
  card: CardPosition;
  /** Last problem in words an engineer can act on; null when healthy. Never personal data. */
  detail: string | null;
}

export type CardPrinterErrorCode =
  /** No blank card in the feeder. */
  | 'feederEmpty'
  /** A card is stuck; an engineer (or a reject) clears it. */
  | 'mediaJam'
  /** The ribbon is used up. */
  | 'ribbonOut'
  /** The reject box cannot take another card. */
  | 'rejectBoxFull'
  | 'coverOpen'
  /** The operation needs a card in the printer and there is none (or not where it must be). */
  | 'noMedia'
  /** A card is already inside: take it out (eject or reject) first. */
  | 'mediaPresent'
  /** The card was presented and nobody took it in time. */
  | 'cardNotTaken'
  /** An image that is not a 1016x648 PNG. */
  | 'invalidImage'
  /** No sensible reply. */
  | 'protocolError'
  /** The line is gone or the printer does not answer. */
  | 'noDevice';

export type CardPrinterWarning = 'feederNearEmpty' | 'ribbonLow';

export type CardPrinterResult =
  | { completion: 'success'; warnings: CardPrinterWarning[] }
  | {
      completion: Exclude<CompletionCode, 'success'>;
      errorCode: CardPrinterErrorCode | null;
      detail: string;
    };

export type CardPrinterEvent = { type: 'status'; status: CardPrinterStatus };

/** Faults the card printer simulator can be told to produce: the contract's list, described there. */
export const CARD_PRINTER_FAULTS = CardPrinterFault.options;
export type { CardPrinterFault };

/** Card image size at 300 dpi (CR80 card, PROTOCOLS.md section 4). */
export const CARD_IMAGE_WIDTH = 1016;
export const CARD_IMAGE_HEIGHT = 648;

export interface CardPrinter {
  readonly status: CardPrinterStatus;
  /**
   * Open the transport, set host error handling (Pem;2), read status, and keep polling it. When the line goes
   * away (USB printer unplugged or power-cycled) the status says noDevice, calls are refused with noDevice (the
   * one in flight fails at once), and the line is reopened with a doubling backoff until the printer answers.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Reads every sensor now and publishes the status; rejects (CardPrinterError noDevice) while the line is gone. */
  refreshStatus(signal?: AbortSignal): Promise<CardPrinterStatus>;
  /**
   * Takes a blank from the feeder to the contact (chip) station (Pcim;F then Sis). Refused before any movement
   * when the feeder is empty, the cover open, a card already inside, the printer jammed, or the reject box full
   * (a failed card could not be put away).
   */
  pickToContact(signal?: AbortSignal): Promise<CardPrinterResult>;
  /**
   * Moves the card inside (at the print position or the contact station) to the contact (chip) station (Sis),
   * e.g. to read the chip again after printing. noMedia when no card is inside (none, or one in the output slot).
   */
  toContact(signal?: AbortSignal): Promise<CardPrinterResult>;
  /**
   * Takes the card presented in the output slot back in, into the reject box (the retract command, UNCONFIRMED):
   * a card nobody took is not left for the next person. noMedia when no card is presented; rejectBoxFull.
   */
  retract(signal?: AbortSignal): Promise<CardPrinterResult>;
  /** Moves the card inside to the print position (Si). */
  moveToPrint(signal?: AbortSignal): Promise<CardPrinterResult>;
  /** Prints a 1016x648 PNG on the card inside (checked before any byte goes out), keeping the card in. */
  printImage(png: Uint8Array, signal?: AbortSignal): Promise<CardPrinterResult>;
  /** Presents the card in the output slot (Pcem;M then Se). */
  eject(signal?: AbortSignal): Promise<CardPrinterResult>;
  /** Drops the card inside into the reject box (Pcem;N then Se). */
  reject(signal?: AbortSignal): Promise<CardPrinterResult>;
  /** Waits until the presented card is taken (Rlr;p no longer CARD): timeout / cardNotTaken otherwise. */
  waitForCardTaken(request: { timeoutMs: number }, signal?: AbortSignal): Promise<CardPrinterResult>;
  on(listener: (event: CardPrinterEvent) => void): () => void;
}
