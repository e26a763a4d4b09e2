import type { CompletionCode } from '@sik/contract';
import type { PinPadErrorCode } from '../pinpad.ts';

export type FailureCompletion = Exclude<CompletionCode, 'success'>;

/**
 * Every PIN pad failure the protocol layer or the driver raises (STYLE.md rule 11): it carries the completion
 * code and the kind-specific error code, so turning it into a result is a lookup. Messages never hold a digit
 * of a PIN or an account number.
 */
export class PinPadError extends Error {
  override readonly name = 'PinPadError';
  constructor(
    readonly code: PinPadErrorCode,
    readonly completion: FailureCompletion,
    message: string,
    /** The pad's reply status byte when the failure came from one. */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}
