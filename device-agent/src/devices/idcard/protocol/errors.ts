import type { CompletionCode } from '@sik/contract';
import type { IdCardErrorCode } from '../idcard.ts';

export type FailureCompletion = Exclude<CompletionCode, 'success'>;

/**
 * Every ID card failure the protocol layer or the driver raises (STYLE.md rule 11). It carries the completion
 * code and the kind-specific error code, so turning it into a result is a lookup, not a guess.
 * Messages never hold personal data.
 */
export class IdCardError extends Error {
  override readonly name = 'IdCardError';
  constructor(
    readonly code: IdCardErrorCode,
    readonly completion: FailureCompletion,
    message: string,
    /** The reader's status word when the failure came from one. */
    readonly sw3: number | null = null,
  ) {
    super(message);
  }
}
