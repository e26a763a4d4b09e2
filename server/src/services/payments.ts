import type { AppDeps } from '../app.ts';

/**
 * Contribution payment (社保缴费). PLACEHOLDER written by the lead so the bundle engine can be built against the
 * signature while the payment service is written: the payments engineer replaces the body (keeping these
 * exported names and shapes, extending them compatibly if needed).
 */

export type PaymentMethod = { kind: 'bankAccount'; pinBlockHex: string } | { kind: 'qr' };

export interface ContributionPaymentRequest {
  kioskId: string;
  personId: string;
  /** The contribution year paid for. */
  year: number;
  /** The chosen yearly grade, in fen. */
  amountCents: number;
  method: PaymentMethod;
  /** Chosen by the agent and journaled before the request: the same key never pays twice. */
  idempotencyKey: string;
  /** Set when the payment is an item of a bundle. */
  bundleId?: string;
}

export type PaymentStatus = 'posted' | 'declined' | 'awaitingQr' | 'pending' | 'failed';

export interface ContributionPaymentOutcome {
  paymentId: string;
  status: PaymentStatus;
  amountCents: number;
  /** Plain reason when declined or failed (e.g. insufficient funds, wrong PIN). */
  reason?: string;
  /** For QR payments: what the citizen scans, and until when. */
  qr?: { content: string; expiresAt: string };
}

export interface PaymentDeps {
  deps: AppDeps;
}

export function createPaymentDeps(deps: AppDeps): PaymentDeps {
  return { deps };
}

export async function payContribution(
  _payments: PaymentDeps,
  _request: ContributionPaymentRequest,
): Promise<ContributionPaymentOutcome> {
  throw new Error('payContribution is not written yet');
}
