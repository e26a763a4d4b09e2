import type { Queryable } from '../db/db.ts';

/** Bank and bureau staff, their short sessions at a kiosk, and failed sign-ins (for the throttle). */

export type StaffRoleId = 'bankStaff' | 'bankSupervisor' | 'bureauOperator' | 'auditor';

export interface StaffRecord {
  staffNumber: string;
  name: string;
  role: StaffRoleId;
  bankId: string | null;
  passwordHash: string;
  totpSecret: string;
  enabled: boolean;
  lastTotpStep: number | null;
}

interface StaffRow {
  staff_number: string;
  name: string;
  role: StaffRoleId;
  bank_id: string | null;
  password_hash: string;
  totp_secret: string;
  enabled: boolean;
  last_totp_step: number | null;
}

const fromRow = (r: StaffRow): StaffRecord => ({
  staffNumber: r.staff_number,
  name: r.name,
  role: r.role,
  bankId: r.bank_id,
  passwordHash: r.password_hash,
  totpSecret: r.totp_secret,
  enabled: r.enabled,
  lastTotpStep: r.last_totp_step,
});

export async function findStaff(
  q: Queryable,
  staffNumber: string,
  forUpdate = false,
): Promise<StaffRecord | null> {
  const { rows } = await q.query<StaffRow>(
    `SELECT * FROM staff WHERE staff_number = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [staffNumber],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export interface NewStaff {
  staffNumber: string;
  name: string;
  role: StaffRoleId;
  bankId: string | null;
  passwordHash: string;
  totpSecret: string;
}

export async function insertStaff(q: Queryable, s: NewStaff): Promise<void> {
  await q.query(
    `INSERT INTO staff (staff_number, name, role, bank_id, password_hash, totp_secret)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [s.staffNumber, s.name, s.role, s.bankId, s.passwordHash, s.totpSecret],
  );
}

export async function countStaff(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM staff');
  return rows[0]?.n ?? 0;
}

/** Accepts a TOTP step once: false when this step (or a later one) was already used. */
export async function useTotpStep(tx: Queryable, staffNumber: string, step: number): Promise<boolean> {
  const { rows } = await tx.query(
    `UPDATE staff SET last_totp_step = $2
      WHERE staff_number = $1 AND (last_totp_step IS NULL OR last_totp_step < $2)
      RETURNING staff_number`,
    [staffNumber, step],
  );
  return rows.length > 0;
}

export type SignInFailure = 'unknownStaff' | 'disabled' | 'password' | 'otp' | 'otherBank' | 'throttled';

export async function recordSignInFailure(
  q: Queryable,
  f: { staffNumber: string; kioskId: string; reason: SignInFailure; at: Date },
): Promise<void> {
  await q.query(
    'INSERT INTO staff_sign_in_failures (staff_number, kiosk_id, reason, at) VALUES ($1, $2, $3, $4)',
    [f.staffNumber, f.kioskId, f.reason, f.at.toISOString()],
  );
}

/**
 * Failed sign-ins of a staff number after `since` and after its latest successful sign-in (a success starts the
 * count again). Refusals by the throttle itself do not count, so waiting out the window always works.
 */
export async function recentSignInFailures(q: Queryable, staffNumber: string, since: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM staff_sign_in_failures f
      WHERE f.staff_number = $1 AND f.reason <> 'throttled' AND f.at > $2
        AND f.at > COALESCE((SELECT max(s.created_at) FROM staff_sessions s WHERE s.staff_number = $1), '-infinity')`,
    [staffNumber, since.toISOString()],
  );
  return rows[0]?.n ?? 0;
}

export async function insertStaffSession(
  tx: Queryable,
  s: { tokenHash: string; staffNumber: string; kioskId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO staff_sessions (token_hash, staff_number, kiosk_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [s.tokenHash, s.staffNumber, s.kioskId, s.createdAt.toISOString(), s.expiresAt.toISOString()],
  );
}

export interface StaffSessionRecord {
  staffNumber: string;
  name: string;
  role: StaffRoleId;
  bankId: string | null;
  enabled: boolean;
  kioskId: string;
  expiresAt: Date;
}

export async function findStaffSession(q: Queryable, tokenHash: string): Promise<StaffSessionRecord | null> {
  const { rows } = await q.query<{
    staff_number: string;
    name: string;
    role: StaffRoleId;
    bank_id: string | null;
    enabled: boolean;
    kiosk_id: string;
    expires_at: Date;
  }>(
    `SELECT s.staff_number, st.name, st.role, st.bank_id, st.enabled, s.kiosk_id, s.expires_at
       FROM staff_sessions s JOIN staff st ON st.staff_number = s.staff_number
      WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const r = rows[0];
  return r
    ? {
        staffNumber: r.staff_number,
        name: r.name,
        role: r.role,
        bankId: r.bank_id,
        enabled: r.enabled,
        kioskId: r.kiosk_id,
        expiresAt: r.expires_at,
      }
    : null;
}
