import type { CompletionCode, DeviceState } from '@sik/contract';
import type { Receipt } from './protocol/receipt.ts';

/**
 * The receipt printer (ESC/POS, PROTOCOLS.md section 5) as the rest of the agent sees it, XFS4IoT style: async
 * calls with a request object and an AbortSignal, a completion code plus a kind-specific error code, status as
 * published state.
 *
 * For contract/ (the lead moves them): ReceiptPrinterStatus fits contract's PeripheralStatus as it is;
 * ReceiptPrinterErrorCode and ReceiptPrinterFault are new.
 */

/** Paper, in contract's PeripheralStatus vocabulary: ok, low (near end), out, unknown. */
export type PaperState = 'ok' | 'low' | 'out' | 'unknown';

export interface ReceiptPrinterStatus {
  device: DeviceState;
  media: PaperState;
  /** Last problem in words an engineer can act on; null when healthy. */
  detail: string | null;
}

export type ReceiptPrinterErrorCode =
  /** No paper: someone must load a roll. */
  | 'paperOut'
  /** The cover is open. */
  | 'coverOpen'
  /** The printer says it is offline (and not why, or for a cause other than paper or cover). */
  | 'offline'
  /** No sensible reply to a status request. */
  | 'protocolError'
  /** The line is gone or the printer does not answer. */
  | 'noDevice';

export type ReceiptPrinterWarning = 'paperNearEnd';

export type ReceiptPrintResult =
  | { completion: 'success'; warnings: ReceiptPrinterWarning[] }
  | {
      completion: Exclude<CompletionCode, 'success'>;
      errorCode: ReceiptPrinterErrorCode | null;
      detail: string;
    };

export type ReceiptPrinterEvent = { type: 'status'; status: ReceiptPrinterStatus };

/** Faults the receipt printer simulator can be told to produce (belongs in contract/ beside IdCardFault). */
export const RECEIPT_PRINTER_FAULTS = [
  'none',
  /** No paper: status says so and nothing prints. */
  'paperOut',
  /** The roll is nearly used up: prints, and status warns. */
  'paperNearEnd',
  /** Offline for no reason it reports (e.g. an error it recovers from by itself). */
  'offline',
  'coverOpen',
  /** The cable is out: the line is lost (memory pair) or goes silent (pty). */
  'unplugged',
] as const;
export type ReceiptPrinterFault = (typeof RECEIPT_PRINTER_FAULTS)[number];

export interface ReceiptPrinter {
  readonly status: ReceiptPrinterStatus;
  /** Open the transport, ask the printer's status, and keep watching it (status polls, reconnect). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Prints one receipt: checks the printer first (paper out: userError / paperOut; offline or cover open:
   * deviceNotReady), sends it, and checks again. The AbortSignal is honoured until the bytes go out.
   */
  printReceipt(receipt: Receipt, signal?: AbortSignal): Promise<ReceiptPrintResult>;
  on(listener: (event: ReceiptPrinterEvent) => void): () => void;
}
