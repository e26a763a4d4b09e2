import type { Queryable } from '../db/db.ts';

/** Rows of residents' pension enrollment: student records, enrollments with their answers, commitments. */

/** Whether the education records make the person a full-time student on `day` (YYYY-MM-DD). */
export async function isFullTimeStudent(q: Queryable, personId: string, day: string): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT 1 FROM student_enrollments
      WHERE person_id = $1 AND full_time AND from_date <= $2 AND (to_date IS NULL OR to_date >= $2)
      LIMIT 1`,
    [personId, day],
  );
  return rows.length > 0;
}

/** The phone given with the person's latest enrollment, if any. */
export async function latestPhoneOf(q: Queryable, personId: string): Promise<string | null> {
  const { rows } = await q.query<{ phone: string }>(
    'SELECT phone FROM enrollments WHERE person_id = $1 ORDER BY created_at DESC LIMIT 1',
    [personId],
  );
  return rows[0]?.phone ?? null;
}

export interface StoredSubmission<T> {
  requestHash: string;
  response: T;
}

export async function findEnrollmentByKey<T>(
  q: Queryable,
  idempotencyKey: string,
): Promise<StoredSubmission<T> | null> {
  const { rows } = await q.query<{ request_hash: string; response: T }>(
    'SELECT request_hash, response FROM enrollments WHERE idempotency_key = $1',
    [idempotencyKey],
  );
  const row = rows[0];
  return row ? { requestHash: row.request_hash, response: row.response } : null;
}

export interface NewEnrollment {
  caseNumber: string;
  personId: string;
  kioskId: string | null;
  gradeCents: number;
  phone: string;
  householdType: 'urban' | 'rural';
  residenceProof: 'provided' | 'commitment';
  idempotencyKey: string;
  requestHash: string;
  response: unknown;
  at: Date;
}

export async function insertEnrollment(tx: Queryable, e: NewEnrollment): Promise<void> {
  await tx.query(
    `INSERT INTO enrollments (case_number, person_id, kiosk_id, grade_cents, phone, household_type,
                              residence_proof, idempotency_key, request_hash, response, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)`,
    [
      e.caseNumber,
      e.personId,
      e.kioskId,
      e.gradeCents,
      e.phone,
      e.householdType,
      e.residenceProof,
      e.idempotencyKey,
      e.requestHash,
      JSON.stringify(e.response),
      e.at.toISOString(),
    ],
  );
}

/** The insurance row of an approved enrollment: pension, residents' scheme, active from `since`. */
export async function insertResidentPension(tx: Queryable, personId: string, since: string): Promise<void> {
  await tx.query(
    "INSERT INTO insurances (person_id, type, scheme, status, since) VALUES ($1, 'pension', 'resident', 'active', $2)",
    [personId, since],
  );
}

export interface NewCommitment {
  commitmentId: string;
  caseNumber: string;
  personId: string;
  subject: 'residenceProof';
  textVersion: string;
  signedAt: Date;
  checkDue: string;
}

export async function insertCommitment(tx: Queryable, c: NewCommitment): Promise<void> {
  await tx.query(
    `INSERT INTO commitments (commitment_id, case_number, person_id, subject, text_version, signed_at, check_due)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      c.commitmentId,
      c.caseNumber,
      c.personId,
      c.subject,
      c.textVersion,
      c.signedAt.toISOString(),
      c.checkDue,
    ],
  );
}

/** Locks the person's row for the rest of the transaction: one matter of a person is decided at a time. */
export async function lockPerson(tx: Queryable, personId: string): Promise<boolean> {
  const { rows } = await tx.query('SELECT 1 FROM people WHERE person_id = $1 FOR UPDATE', [personId]);
  return rows.length > 0;
}
