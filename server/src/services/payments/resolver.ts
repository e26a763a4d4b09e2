import { openPaymentsToCheck } from '../../repositories/payments.ts';
import type { PaymentDeps } from '../payments.ts';
import { resolveOpenPayment, SYSTEM } from './settle.ts';

/**
 * The background resolver: open payments (pending, or a QR shown) that nobody has asked the bank or gateway about
 * for a while are asked now. A pending debit is given time for its own request to end first (the request's
 * timeout twice), so the resolver does not race the request that is still waiting for the bank.
 */
export async function resolveOpenPayments(
  p: PaymentDeps,
  opts: { minAgeMs?: number; limit?: number } = {},
): Promise<{ checked: number; resolved: number }> {
  const { recheckAfterMs, timeoutMs } = p.deps.config.payments;
  const minAgeMs = opts.minAgeMs ?? Math.max(recheckAfterMs, 2 * timeoutMs);
  const rows = await openPaymentsToCheck(p.db, new Date(p.clock().getTime() - minAgeMs), opts.limit ?? 50);
  let resolved = 0;
  for (const row of rows) {
    const after = await resolveOpenPayment(p, row, SYSTEM);
    if (after.status !== row.status) resolved += 1;
  }
  if (rows.length > 0) p.log.info({ checked: rows.length, resolved }, 'open payments checked');
  return { checked: rows.length, resolved };
}
