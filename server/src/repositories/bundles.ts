import type { Queryable } from '../db/db.ts';

export interface SubmissionRecord<W, R> {
  submissionId: string;
  bundleId: string;
  personId: string;
  requestHash: string;
  status: 'processing' | 'answered';
  /** What the transaction wrote (the items' results so far). */
  written: W;
  response: R | null;
}

interface Row<W, R> {
  submission_id: string;
  bundle_id: string;
  person_id: string;
  request_hash: string;
  status: 'processing' | 'answered';
  written: W;
  response: R | null;
}

export async function findSubmissionByKey<W, R>(
  q: Queryable,
  idempotencyKey: string,
): Promise<SubmissionRecord<W, R> | null> {
  const { rows } = await q.query<Row<W, R>>(
    `SELECT submission_id, bundle_id, person_id, request_hash, status, written, response
       FROM bundle_submissions WHERE idempotency_key = $1`,
    [idempotencyKey],
  );
  const row = rows[0];
  return row
    ? {
        submissionId: row.submission_id,
        bundleId: row.bundle_id,
        personId: row.person_id,
        requestHash: row.request_hash,
        status: row.status,
        written: row.written,
        response: row.response,
      }
    : null;
}

export interface NewSubmission {
  submissionId: string;
  bundleId: string;
  personId: string;
  kioskId: string | null;
  idempotencyKey: string;
  requestHash: string;
  written: unknown;
  at: Date;
}

export async function insertSubmission(tx: Queryable, s: NewSubmission): Promise<void> {
  await tx.query(
    `INSERT INTO bundle_submissions (submission_id, bundle_id, person_id, kiosk_id, idempotency_key, request_hash,
                                     status, written, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'processing', $7::jsonb, $8)`,
    [
      s.submissionId,
      s.bundleId,
      s.personId,
      s.kioskId,
      s.idempotencyKey,
      s.requestHash,
      JSON.stringify(s.written),
      s.at.toISOString(),
    ],
  );
}

/**
 * Stores the combined answer once: false when another request answered the submission first (the caller then
 * returns the stored answer, so both callers give the same one).
 */
export async function answerSubmission(
  q: Queryable,
  submissionId: string,
  response: unknown,
  at: Date,
): Promise<boolean> {
  const { rows } = await q.query(
    `UPDATE bundle_submissions SET status = 'answered', response = $2::jsonb, answered_at = $3
      WHERE submission_id = $1 AND status = 'processing' RETURNING submission_id`,
    [submissionId, JSON.stringify(response), at.toISOString()],
  );
  return rows.length > 0;
}
