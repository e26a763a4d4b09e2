import type { CompletionCode } from '@sik/contract';
import type { A4PrinterErrorCode } from '../a4-printer.ts';

export type FailureCompletion = Exclude<CompletionCode, 'success'>;

/**
 * Every A4 printer failure the protocol layer or the driver raises (STYLE.md rule 11): completion code and
 * kind-specific error code (null for a request that is not valid), so turning it into a result is a lookup.
 */
export class A4PrinterError extends Error {
  override readonly name = 'A4PrinterError';
  constructor(
    readonly code: A4PrinterErrorCode | null,
    readonly completion: FailureCompletion,
    message: string,
    /** The job the failure concerns, once the printer had accepted it. */
    readonly jobId: number | null = null,
  ) {
    super(message);
  }
}
