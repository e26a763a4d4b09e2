import type { Approved } from '../../integrations/bank-host/adapter.ts';
import type { OrderView } from '../../integrations/payment-gateway/protocol.ts';
import { appendAudit, appendAuditInTransaction } from '../../repositories/audit.ts';
import {
  closePayment,
  findPaymentById,
  markChecked,
  markRefundDue,
  type PaymentRow,
  postPaymentInTransaction,
  type UpstreamDebit,
} from '../../repositories/payments.ts';
import type { PaymentDeps } from '../payments.ts';
import { DECLINE_REASONS, REASONS } from './outcome.ts';

/**
 * Moving a payment from open to its end, each step audited in the transaction that makes it: posted (the
 * contribution written), declined, or failed. Every function here may run twice at once for the same payment
 * (the request, a duplicate request, the background resolver, a gateway notification): the repository's
 * guarded updates let exactly one of them act, the others find it done.
 */

export interface Actor {
  actor: string;
  kioskId: string | null;
}

export const SYSTEM: Actor = { actor: 'system:payments', kioskId: null };

/** What the audit log may hold about a payment: ids, masked account, amounts; never a PIN block. */
export function auditDetails(row: PaymentRow, extra: Record<string, string | number | boolean | null> = {}) {
  return {
    paymentId: row.payment_id,
    personId: row.person_id,
    year: row.year,
    amountCents: row.amount_cents,
    method: row.method,
    maskedAccount: row.masked_account,
    ...(row.bundle_id ? { bundleId: row.bundle_id } : {}),
    ...extra,
  };
}

async function reread(p: PaymentDeps, paymentId: string): Promise<PaymentRow> {
  const row = await findPaymentById(p.db, paymentId);
  if (!row) throw new Error(`payment ${paymentId} vanished`);
  return row;
}

export async function postPayment(
  p: PaymentDeps,
  row: PaymentRow,
  debit: UpstreamDebit,
  who: Actor,
  action: string,
): Promise<PaymentRow> {
  const at = p.clock();
  const posting = await p.db.transaction(async (tx) => {
    const posted = await postPaymentInTransaction(tx, row.payment_id, debit, at);
    if (posted.result !== 'notOpen') {
      await appendAuditInTransaction(
        tx,
        {
          ...who,
          action,
          result: posted.result === 'posted' ? 'posted' : 'refundDue',
          details: auditDetails(row, {
            upstreamRef: debit.upstreamRef,
            settlementDate: debit.settlementDate,
          }),
        },
        at,
      );
    }
    return posted;
  });
  if (posting.result === 'posted') {
    p.log.info({ paymentId: row.payment_id, action }, 'payment posted');
    return posting.row;
  }
  if (posting.result === 'yearTaken') {
    p.log.error({ paymentId: row.payment_id }, 'debited but the year was already paid: refund due');
    return posting.row;
  }
  const current = await reread(p, row.payment_id);
  // Money arrived for a payment that had ended without it (a QR paid as it was closed): give it back.
  if (current.status !== 'posted' && !current.refund_due) {
    await markRefundDue(p.db, row.payment_id, debit, at);
    await appendAudit(p.db, {
      ...who,
      action,
      result: 'refundDue',
      details: auditDetails(current, { upstreamRef: debit.upstreamRef }),
    });
    p.log.error({ paymentId: row.payment_id }, 'money arrived for an ended payment: refund due');
    return reread(p, row.payment_id);
  }
  return current;
}

export async function endPayment(
  p: PaymentDeps,
  row: PaymentRow,
  end: { status: 'declined' | 'failed'; reason: string; declineCode?: string },
  who: Actor,
  action: string,
): Promise<PaymentRow> {
  const at = p.clock();
  await p.db.transaction(async (tx) => {
    if (!(await closePayment(tx, row.payment_id, { ...end, at }))) return;
    await appendAuditInTransaction(
      tx,
      {
        ...who,
        action,
        result: end.status,
        details: auditDetails(row, end.declineCode ? { code: end.declineCode } : {}),
      },
      at,
    );
  });
  return reread(p, row.payment_id);
}

export function bankDebit(approved: Approved): UpstreamDebit {
  return {
    upstreamRef: approved.bankRef,
    upstreamAt: approved.approvedAt,
    settlementDate: approved.settlementDate,
  };
}

export function gatewayDebit(order: OrderView): UpstreamDebit | null {
  if (order.status !== 'paid' || !order.gatewayRef || !order.paidAt || !order.settlementDate) return null;
  return { upstreamRef: order.gatewayRef, upstreamAt: order.paidAt, settlementDate: order.settlementDate };
}

/**
 * Asks the bank (or gateway) once what became of an open payment and applies the answer. Never debits: a
 * payment whose outcome is unknown is found out, not paid again. Returns the row as it is afterwards.
 */
export async function resolveOpenPayment(p: PaymentDeps, row: PaymentRow, who: Actor): Promise<PaymentRow> {
  if (row.status !== 'pending' && row.status !== 'awaitingQr') return row;
  return row.method === 'bankAccount' ? resolveBankPayment(p, row, who) : resolveQrPayment(p, row, who);
}

async function resolveBankPayment(p: PaymentDeps, row: PaymentRow, who: Actor): Promise<PaymentRow> {
  const answer = await p.bankHost.query(row.payment_id);
  switch (answer.kind) {
    case 'approved':
      return postPayment(p, row, bankDebit(answer), who, 'payment.query.approved');
    case 'declined':
      return endPayment(
        p,
        row,
        { status: 'declined', reason: DECLINE_REASONS[answer.code], declineCode: answer.code },
        who,
        'payment.query.declined',
      );
    case 'notFound':
      // The bank voids the id when it answers notFound: nothing can be debited under it any more.
      return endPayment(
        p,
        row,
        { status: 'failed', reason: REASONS.bankNeverReceived },
        who,
        'payment.query.notFound',
      );
    case 'unknown':
      p.log.warn({ paymentId: row.payment_id, reason: answer.reason }, 'bank host query unanswered');
      await markChecked(p.db, row.payment_id, p.clock());
      return reread(p, row.payment_id);
  }
}

async function resolveQrPayment(p: PaymentDeps, row: PaymentRow, who: Actor): Promise<PaymentRow> {
  // A QR still pending never reached the citizen (the order was not confirmed): close it rather than wait.
  const answer =
    row.status === 'pending'
      ? await p.gateway.closeOrder(row.idempotency_key)
      : await p.gateway.queryOrder(row.idempotency_key);
  if (answer.kind === 'unknown') {
    p.log.warn({ paymentId: row.payment_id, reason: answer.reason }, 'gateway query unanswered');
    await markChecked(p.db, row.payment_id, p.clock());
    return reread(p, row.payment_id);
  }
  if (answer.kind === 'notFound')
    return endPayment(
      p,
      row,
      { status: 'failed', reason: REASONS.gatewayUnreachable },
      who,
      'payment.qr.notFound',
    );
  const order = answer.order;
  const debit = gatewayDebit(order);
  if (debit) return postPayment(p, row, debit, who, 'payment.qr.queried');
  if (order.status === 'expired')
    return endPayment(p, row, { status: 'failed', reason: REASONS.qrExpired }, who, 'payment.qr.expired');
  if (order.status === 'closed')
    return endPayment(p, row, { status: 'failed', reason: REASONS.qrClosed }, who, 'payment.qr.closed');
  await markChecked(p.db, row.payment_id, p.clock());
  return reread(p, row.payment_id);
}
