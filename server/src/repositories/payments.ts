import type { Queryable } from '../db/db.ts';

/** Contribution payments, what the payment rules read about a person, and reconciliation runs. */

export type PaymentRowStatus = 'pending' | 'awaitingQr' | 'posted' | 'declined' | 'failed';

export interface PaymentRow {
  payment_id: string;
  idempotency_key: string;
  request_hash: string;
  kiosk_id: string | null;
  bundle_id: string | null;
  person_id: string;
  year: number;
  amount_cents: number;
  method: 'bankAccount' | 'qr';
  account_id: string | null;
  masked_account: string | null;
  paid_through: string;
  status: PaymentRowStatus;
  reason: string | null;
  decline_code: string | null;
  upstream_ref: string | null;
  upstream_at: Date | null;
  settlement_date: string | null;
  qr_content: string | null;
  qr_expires_at: Date | null;
  refund_due: boolean;
  checks: number;
  created_at: Date;
  updated_at: Date;
  checked_at: Date | null;
  posted_at: Date | null;
}

export interface NewPayment {
  paymentId: string;
  idempotencyKey: string;
  requestHash: string;
  kioskId: string | null;
  bundleId: string | null;
  personId: string;
  year: number;
  amountCents: number;
  method: 'bankAccount' | 'qr';
  accountId: string | null;
  maskedAccount: string | null;
  paidThrough: string;
  at: Date;
}

export async function findPaymentById(q: Queryable, paymentId: string): Promise<PaymentRow | null> {
  const { rows } = await q.query<PaymentRow>('SELECT * FROM payments WHERE payment_id = $1', [paymentId]);
  return rows[0] ?? null;
}

export async function findPaymentByKey(q: Queryable, idempotencyKey: string): Promise<PaymentRow | null> {
  const { rows } = await q.query<PaymentRow>('SELECT * FROM payments WHERE idempotency_key = $1', [
    idempotencyKey,
  ]);
  return rows[0] ?? null;
}

/**
 * Inserts a 'pending' payment. The unique key and the one-per-person-and-year index decide races: 'keyTaken'
 * when the idempotency key exists, 'personYearTaken' when another payment of the year is under way or posted.
 */
export async function insertPayment(
  q: Queryable,
  p: NewPayment,
): Promise<PaymentRow | 'keyTaken' | 'personYearTaken'> {
  const { rows } = await q.query<PaymentRow>(
    `INSERT INTO payments (payment_id, idempotency_key, request_hash, kiosk_id, bundle_id, person_id, year,
       amount_cents, method, account_id, masked_account, paid_through, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $13)
     ON CONFLICT DO NOTHING
     RETURNING *`,
    [
      p.paymentId,
      p.idempotencyKey,
      p.requestHash,
      p.kioskId,
      p.bundleId,
      p.personId,
      p.year,
      p.amountCents,
      p.method,
      p.accountId,
      p.maskedAccount,
      p.paidThrough,
      p.at.toISOString(),
    ],
  );
  const inserted = rows[0];
  if (inserted) return inserted;
  return (await findPaymentByKey(q, p.idempotencyKey)) ? 'keyTaken' : 'personYearTaken';
}

/** Ends an open payment without money moving; false when it was no longer open (someone else ended it). */
export async function closePayment(
  q: Queryable,
  paymentId: string,
  change: { status: 'declined' | 'failed'; reason: string; declineCode?: string; at: Date },
): Promise<boolean> {
  const { rows } = await q.query<{ payment_id: string }>(
    `UPDATE payments SET status = $2, reason = $3, decline_code = $4, updated_at = $5, checked_at = $5
     WHERE payment_id = $1 AND status IN ('pending', 'awaitingQr')
     RETURNING payment_id`,
    [paymentId, change.status, change.reason, change.declineCode ?? null, change.at.toISOString()],
  );
  return rows.length > 0;
}

export async function markAwaitingQr(
  q: Queryable,
  paymentId: string,
  qr: { content: string; expiresAt: string; at: Date },
): Promise<boolean> {
  const { rows } = await q.query<{ payment_id: string }>(
    `UPDATE payments SET status = 'awaitingQr', qr_content = $2, qr_expires_at = $3, updated_at = $4, checked_at = $4
     WHERE payment_id = $1 AND status = 'pending'
     RETURNING payment_id`,
    [paymentId, qr.content, qr.expiresAt, qr.at.toISOString()],
  );
  return rows.length > 0;
}

export async function markChecked(q: Queryable, paymentId: string, at: Date): Promise<void> {
  await q.query('UPDATE payments SET checks = checks + 1, checked_at = $2 WHERE payment_id = $1', [
    paymentId,
    at.toISOString(),
  ]);
}

export interface UpstreamDebit {
  upstreamRef: string;
  upstreamAt: string;
  settlementDate: string;
}

/**
 * Posts an open payment inside the caller's transaction: the payment becomes 'posted' and the year's contribution
 * row is written, linked to it. 'notOpen': it was already posted or ended (nothing done). 'yearTaken': the year
 * already has a contribution (paid another way): the payment is failed with refund_due, since money arrived.
 */
export async function postPaymentInTransaction(
  tx: Queryable,
  paymentId: string,
  debit: UpstreamDebit,
  at: Date,
): Promise<{ result: 'posted' | 'yearTaken'; row: PaymentRow } | { result: 'notOpen' }> {
  const { rows } = await tx.query<PaymentRow>(
    `SELECT * FROM payments WHERE payment_id = $1 AND status IN ('pending', 'awaitingQr') FOR UPDATE`,
    [paymentId],
  );
  const payment = rows[0];
  if (!payment) return { result: 'notOpen' };
  const inserted = await tx.query(
    `INSERT INTO contributions (person_id, type, year, months, base_cents, amount_cents, payment_id)
     VALUES ($1, 'pension', $2, 12, $3, $3, $4)
     ON CONFLICT (person_id, type, year) DO NOTHING
     RETURNING payment_id`,
    [payment.person_id, payment.year, payment.amount_cents, paymentId],
  );
  const when = at.toISOString();
  if (inserted.rows.length === 0) {
    const failed = await tx.query<PaymentRow>(
      `UPDATE payments SET status = 'failed', refund_due = true, reason = $2, upstream_ref = $3, upstream_at = $4,
         settlement_date = $5, updated_at = $6, checked_at = $6
       WHERE payment_id = $1 RETURNING *`,
      [paymentId, YEAR_TAKEN_REASON, debit.upstreamRef, debit.upstreamAt, debit.settlementDate, when],
    );
    return { result: 'yearTaken', row: failed.rows[0] ?? payment };
  }
  const posted = await tx.query<PaymentRow>(
    `UPDATE payments SET status = 'posted', reason = NULL, upstream_ref = $2, upstream_at = $3, settlement_date = $4,
       posted_at = $5, updated_at = $5, checked_at = $5
     WHERE payment_id = $1 RETURNING *`,
    [paymentId, debit.upstreamRef, debit.upstreamAt, debit.settlementDate, when],
  );
  return { result: 'posted', row: posted.rows[0] ?? payment };
}

export const YEAR_TAKEN_REASON = '该年度已有缴费记录，本次款项将退回原账户';

/** Money arrived for a payment that had already ended: it is given back. */
export async function markRefundDue(
  q: Queryable,
  paymentId: string,
  debit: UpstreamDebit,
  at: Date,
): Promise<void> {
  await q.query(
    `UPDATE payments SET refund_due = true, upstream_ref = COALESCE(upstream_ref, $2),
       upstream_at = COALESCE(upstream_at, $3), settlement_date = COALESCE(settlement_date, $4), updated_at = $5
     WHERE payment_id = $1 AND status <> 'posted'`,
    [paymentId, debit.upstreamRef, debit.upstreamAt, debit.settlementDate, at.toISOString()],
  );
}

export async function openPaymentOf(
  q: Queryable,
  personId: string,
  year: number,
): Promise<PaymentRow | null> {
  const { rows } = await q.query<PaymentRow>(
    `SELECT * FROM payments WHERE person_id = $1 AND year = $2 AND status IN ('pending', 'awaitingQr')`,
    [personId, year],
  );
  return rows[0] ?? null;
}

/** Open payments nobody has asked the bank or gateway about since `before`, oldest first. */
export async function openPaymentsToCheck(q: Queryable, before: Date, limit: number): Promise<PaymentRow[]> {
  const { rows } = await q.query<PaymentRow>(
    `SELECT * FROM payments
     WHERE status IN ('pending', 'awaitingQr') AND COALESCE(checked_at, updated_at) < $1
     ORDER BY updated_at LIMIT $2`,
    [before.toISOString(), limit],
  );
  return rows;
}

/** Posted payments of a business day (the bank's settlement date), through one channel. */
export async function postedPaymentsOn(
  q: Queryable,
  date: string,
  method: 'bankAccount' | 'qr',
): Promise<PaymentRow[]> {
  const { rows } = await q.query<PaymentRow>(
    `SELECT * FROM payments WHERE settlement_date = $1 AND method = $2 AND status = 'posted'
     ORDER BY payment_id`,
    [date, method],
  );
  return rows;
}

export async function paymentsByUpstreamIds(
  q: Queryable,
  column: 'payment_id' | 'idempotency_key',
  ids: readonly string[],
): Promise<PaymentRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<PaymentRow>(`SELECT * FROM payments WHERE ${column} = ANY($1::text[])`, [
    [...ids],
  ]);
  return rows;
}

// --- What the payment rules read about a person ---

export interface PaymentPersonFacts {
  exists: boolean;
  /** The residents' pension insurance, when the person has one. */
  residentPension: { status: string } | null;
  /** Enrolled in the employees' pension instead. */
  employeePension: boolean;
  receivingPension: boolean;
  /** What was paid for the year (fen), null when nothing. */
  paidCents: number | null;
  linkedAccount: { accountId: string; accountNumber: string; bankId: string; bankName: string } | null;
  /** A payment of the year under way (pending, or a QR shown). */
  openPayment: { paymentId: string; method: string; status: string } | null;
}

export async function paymentPersonFacts(
  q: Queryable,
  personId: string,
  year: number,
): Promise<PaymentPersonFacts> {
  const { rows } = await q.query<{
    person_exists: boolean;
    pension_scheme: string | null;
    pension_status: string | null;
    receiving: boolean;
    paid_cents: number | null;
    account_id: string | null;
    account_number: string | null;
    bank_id: string | null;
    bank_name: string | null;
    open_payment: string | null;
  }>(
    `SELECT
       EXISTS (SELECT 1 FROM people WHERE person_id = $1) AS person_exists,
       i.scheme AS pension_scheme, i.status AS pension_status,
       EXISTS (SELECT 1 FROM pensions WHERE person_id = $1 AND status <> 'terminated') AS receiving,
       (SELECT amount_cents FROM contributions WHERE person_id = $1 AND type = 'pension' AND year = $2) AS paid_cents,
       a.account_id, a.account_number, a.bank_id, b.name AS bank_name,
       (SELECT payment_id || ' ' || method || ' ' || status FROM payments
        WHERE person_id = $1 AND year = $2 AND status IN ('pending', 'awaitingQr')) AS open_payment
     FROM (SELECT 1) AS one
     LEFT JOIN insurances i ON i.person_id = $1 AND i.type = 'pension'
     LEFT JOIN bank_accounts a ON a.person_id = $1 AND a.linked
     LEFT JOIN banks b ON b.bank_id = a.bank_id`,
    [personId, year],
  );
  const r = rows[0];
  if (!r) throw new Error('facts query returned no row');
  const [openId, openMethod, openStatus] = (r.open_payment ?? '').split(' ');
  return {
    exists: r.person_exists,
    residentPension: r.pension_scheme === 'resident' ? { status: r.pension_status ?? '' } : null,
    employeePension: r.pension_scheme === 'employee',
    receivingPension: r.receiving,
    paidCents: r.paid_cents,
    linkedAccount:
      r.account_id && r.account_number && r.bank_id
        ? {
            accountId: r.account_id,
            accountNumber: r.account_number,
            bankId: r.bank_id,
            bankName: r.bank_name ?? r.bank_id,
          }
        : null,
    openPayment:
      openId && openMethod && openStatus
        ? { paymentId: openId, method: openMethod, status: openStatus }
        : null,
  };
}

// --- Reconciliation ---

export type DifferenceKind = 'missingAtUpstream' | 'missingHere' | 'amountDiffers';

export interface ReconciliationDifference {
  kind: DifferenceKind;
  requestId: string;
  paymentId: string | null;
  upstreamRef: string | null;
  ourStatus: string | null;
  ourAmountCents: number | null;
  theirAmountCents: number | null;
}

export interface ReconciliationRunRecord {
  businessDate: string;
  source: 'bankHost' | 'gateway';
  startedAt: Date;
  finishedAt: Date;
  status: 'matched' | 'differences' | 'failed';
  oursCount: number;
  theirsCount: number;
  matchedCount: number;
  oursTotalCents: number;
  theirsTotalCents: number;
  error: string | null;
  differences: ReconciliationDifference[];
}

export async function insertReconciliationRun(tx: Queryable, run: ReconciliationRunRecord): Promise<number> {
  const { rows } = await tx.query<{ run_id: number }>(
    `INSERT INTO reconciliation_runs (business_date, source, started_at, finished_at, status, ours_count,
       theirs_count, matched_count, ours_total_cents, theirs_total_cents, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING run_id`,
    [
      run.businessDate,
      run.source,
      run.startedAt.toISOString(),
      run.finishedAt.toISOString(),
      run.status,
      run.oursCount,
      run.theirsCount,
      run.matchedCount,
      run.oursTotalCents,
      run.theirsTotalCents,
      run.error,
    ],
  );
  const runId = Number(rows[0]?.run_id);
  let seq = 0;
  for (const d of run.differences) {
    seq += 1;
    await tx.query(
      `INSERT INTO reconciliation_differences (run_id, seq, kind, request_id, payment_id, upstream_ref, our_status,
         our_amount_cents, their_amount_cents)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        runId,
        seq,
        d.kind,
        d.requestId,
        d.paymentId,
        d.upstreamRef,
        d.ourStatus,
        d.ourAmountCents,
        d.theirAmountCents,
      ],
    );
  }
  return runId;
}

export async function hasReconciliationRun(
  q: Queryable,
  date: string,
  source: 'bankHost' | 'gateway',
): Promise<boolean> {
  const { rows } = await q.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM reconciliation_runs WHERE business_date = $1 AND source = $2 AND status <> 'failed')
       AS found`,
    [date, source],
  );
  return rows[0]?.found ?? false;
}

export async function differencesOf(q: Queryable, runId: number): Promise<ReconciliationDifference[]> {
  const { rows } = await q.query<{
    kind: DifferenceKind;
    request_id: string;
    payment_id: string | null;
    upstream_ref: string | null;
    our_status: string | null;
    our_amount_cents: number | null;
    their_amount_cents: number | null;
  }>('SELECT * FROM reconciliation_differences WHERE run_id = $1 ORDER BY seq', [runId]);
  return rows.map((r) => ({
    kind: r.kind,
    requestId: r.request_id,
    paymentId: r.payment_id,
    upstreamRef: r.upstream_ref,
    ourStatus: r.our_status,
    ourAmountCents: r.our_amount_cents,
    theirAmountCents: r.their_amount_cents,
  }));
}
