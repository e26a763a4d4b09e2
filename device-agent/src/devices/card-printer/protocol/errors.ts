import type { CompletionCode } from '@sik/contract';
import type { CardPrinterErrorCode } from '../card-printer.ts';

export type FailureCompletion = Exclude<CompletionCode, 'success'>;

/** Every card printer failure the protocol layer or the driver raises (STYLE.md rule 11). */
export class CardPrinterError extends Error {
  override readonly name = 'CardPrinterError';
  constructor(
    readonly code: CardPrinterErrorCode | null,
    readonly completion: FailureCompletion,
    message: string,
  ) {
    super(message);
  }
}
