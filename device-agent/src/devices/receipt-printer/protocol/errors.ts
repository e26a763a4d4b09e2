import type { CompletionCode } from '@sik/contract';
import type { ReceiptPrinterErrorCode } from '../receipt-printer.ts';

export type FailureCompletion = Exclude<CompletionCode, 'success'>;

/**
 * Every receipt printer failure the protocol layer or the driver raises (STYLE.md rule 11): the completion code
 * and the kind-specific error code (null for a receipt that is not valid), so turning it into a result is a
 * lookup. Messages name fields, never their values (a receipt may carry a name or an amount).
 */
export class ReceiptPrinterError extends Error {
  override readonly name = 'ReceiptPrinterError';
  constructor(
    readonly code: ReceiptPrinterErrorCode | null,
    readonly completion: FailureCompletion,
    message: string,
  ) {
    super(message);
  }
}
