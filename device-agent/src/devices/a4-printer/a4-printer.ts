import type { CompletionCode, DeviceState } from '@sik/contract';

/**
 * The A4 printer (IPP, PROTOCOLS.md section 6) as the rest of the agent sees it, XFS4IoT style: async calls
 * with a request object and an AbortSignal, a completion code plus a kind-specific error code, status as
 * published state.
 *
 * For contract/ (the lead moves them): A4PrinterStatus extends contract's PeripheralStatus with `toner` and
 * `reasons`; A4PrinterErrorCode and A4PrinterFault are new.
 */

export type SupplyState = 'ok' | 'low' | 'out' | 'unknown';

export interface A4PrinterStatus {
  device: DeviceState;
  /** Paper. */
  media: SupplyState;
  toner: SupplyState;
  /** The printer's own printer-state-reasons, as it reported them ('none' left out). */
  reasons: string[];
  detail: string | null;
}

export type A4PrinterErrorCode =
  /** No paper (media-empty, media-needed). */
  | 'mediaEmpty'
  | 'mediaJam'
  | 'tonerEmpty'
  | 'coverOpen'
  /** Stopped, paused, busy or shutting down. */
  | 'offline'
  /** The printer refuses jobs (printer-is-accepting-jobs false, not-accepting-jobs). */
  | 'notAcceptingJobs'
  /** The printer refused the document (format, size). */
  | 'documentRejected'
  /** The job was accepted and then aborted by the printer. */
  | 'jobAborted'
  /** The job was canceled at the printer (not by us). */
  | 'jobCanceled'
  /** An answer we cannot read. */
  | 'protocolError'
  /** The printer cannot be reached. */
  | 'noDevice';

export interface PdfPrintRequest {
  /** The whole document; must start with %PDF-. */
  pdf: Uint8Array;
  /** Shown in the printer's queue: a document type, never a citizen's name or number. */
  jobName: string;
  /** 1 to 99 (default 1). */
  copies?: number;
  /** Give up (and cancel the job) when it has not completed within this time (default: the driver's). */
  timeoutMs?: number;
}

export type PdfPrintResult =
  | { completion: 'success'; jobId: number; warnings: string[] }
  | {
      completion: Exclude<CompletionCode, 'success'>;
      errorCode: A4PrinterErrorCode | null;
      detail: string;
      /** Set when the printer had accepted the job. */
      jobId?: number;
    };

export type A4PrinterEvent =
  | { type: 'status'; status: A4PrinterStatus }
  /** The job of the print in progress changed state (pending, processing, ...). */
  | { type: 'job'; jobId: number; state: string };

/** Faults the A4 printer simulator can be told to produce (belongs in contract/ beside IdCardFault). */
export const A4_PRINTER_FAULTS = [
  'none',
  'mediaEmpty',
  'mediaLow',
  'tonerEmpty',
  'mediaJam',
  'coverOpen',
  /** printer-state stopped. */
  'stopped',
  'notAcceptingJobs',
  /** Jobs are accepted, then aborted. */
  'jobAborted',
  /** Jobs are accepted and never finish. */
  'jobStuck',
  /** Nothing answers at the printer's address. */
  'unreachable',
] as const;
export type A4PrinterFault = (typeof A4_PRINTER_FAULTS)[number];

export interface A4Printer {
  readonly status: A4PrinterStatus;
  /** Start watching the printer (Get-Printer-Attributes polls). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Prints a PDF: checks the printer, sends Print-Job, and waits until the printer reports the job completed
   * (or aborted, or canceled), or the timeout. Cancels the job on the printer on timeout or abort.
   */
  printPdf(request: PdfPrintRequest, signal?: AbortSignal): Promise<PdfPrintResult>;
  on(listener: (event: A4PrinterEvent) => void): () => void;
}
