import type { Queryable } from '../../db/db.ts';
import type { ConsentRecord, NewFaceAttempt } from '../../repositories/authentication.ts';

/**
 * Rows of identity verifications (migration 008): consents and failed attempts with their purpose, and the
 * verifications themselves. Kept beside the services that use them until the repositories folder takes them.
 */

/** 'qualification' for a qualification authentication, or the purpose of an identity verification. */
export type FacePurpose = 'qualification' | 'cardIssuance';

export async function insertPurposeConsent(
  q: Queryable,
  c: ConsentRecord & { purpose: FacePurpose },
): Promise<void> {
  await q.query(
    `INSERT INTO face_consents (consent_id, person_id, kiosk_id, granted, text_version, recorded_at, expires_at, purpose)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      c.consentId,
      c.personId,
      c.kioskId,
      c.granted,
      c.textVersion,
      c.recordedAt.toISOString(),
      c.expiresAt.toISOString(),
      c.purpose,
    ],
  );
}

/** What the consent was given for; null when there is no such consent. */
export async function consentPurposeOf(q: Queryable, consentId: string): Promise<FacePurpose | null> {
  const { rows } = await q.query<{ purpose: FacePurpose }>(
    'SELECT purpose FROM face_consents WHERE consent_id = $1',
    [consentId],
  );
  return rows[0]?.purpose ?? null;
}

/** A failed face check with its purpose; it counts toward the person's one lockout whatever the purpose. */
export async function insertPurposeFaceAttempt(
  tx: Queryable,
  a: NewFaceAttempt & { purpose: FacePurpose },
): Promise<void> {
  await tx.query(
    `INSERT INTO face_attempts (person_id, kiosk_id, consent_id, decision, refused_locked, counts_toward_lockout,
        distance, threshold, liveness_method, liveness_result, model_version, decided_at, at, idempotency_key, purpose)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      a.personId,
      a.kioskId,
      a.consentId,
      a.decision,
      a.refusedLocked,
      a.countsTowardLockout,
      a.distance,
      a.threshold,
      a.livenessMethod,
      a.livenessResult,
      a.modelVersion,
      a.decidedAt.toISOString(),
      a.at.toISOString(),
      a.idempotencyKey,
      a.purpose,
    ],
  );
}

export interface NewIdentityVerification {
  verificationId: string;
  personId: string;
  kioskId: string;
  purpose: Exclude<FacePurpose, 'qualification'>;
  method: 'face' | 'staff';
  consentId: string | null;
  decision: 'match' | null;
  distance: number | null;
  threshold: number | null;
  framesUsed: number | null;
  livenessMethod: string | null;
  livenessResult: string | null;
  modelVersion: string | null;
  signedOutcome: string | null;
  signature: string | null;
  staffNumber: string | null;
  reason: string | null;
  decidedAt: Date;
  verifiedAt: Date;
  spotCheck: boolean;
  idempotencyKey: string;
}

export async function insertIdentityVerification(tx: Queryable, v: NewIdentityVerification): Promise<void> {
  await tx.query(
    `INSERT INTO identity_verifications (verification_id, person_id, kiosk_id, purpose, method, consent_id, decision,
        distance, threshold, frames_used, liveness_method, liveness_result, model_version, signed_outcome, signature,
        staff_number, reason, decided_at, verified_at, spot_check, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
    [
      v.verificationId,
      v.personId,
      v.kioskId,
      v.purpose,
      v.method,
      v.consentId,
      v.decision,
      v.distance,
      v.threshold,
      v.framesUsed,
      v.livenessMethod,
      v.livenessResult,
      v.modelVersion,
      v.signedOutcome,
      v.signature,
      v.staffNumber,
      v.reason,
      v.decidedAt.toISOString(),
      v.verifiedAt.toISOString(),
      v.spotCheck,
      v.idempotencyKey,
    ],
  );
}

/** The latest verification of the person at this kiosk for this purpose at or after `since`; null when none. */
export async function latestIdentityVerification(
  q: Queryable,
  personId: string,
  kioskId: string,
  purpose: NewIdentityVerification['purpose'],
  since: Date,
): Promise<{ verificationId: string; method: 'face' | 'staff'; verifiedAt: Date } | null> {
  const { rows } = await q.query<{ verification_id: string; method: 'face' | 'staff'; verified_at: Date }>(
    `SELECT verification_id, method, verified_at FROM identity_verifications
      WHERE person_id = $1 AND kiosk_id = $2 AND purpose = $3 AND verified_at >= $4
      ORDER BY verified_at DESC LIMIT 1`,
    [personId, kioskId, purpose, since.toISOString()],
  );
  const r = rows[0];
  return r
    ? { verificationId: r.verification_id, method: r.method, verifiedAt: new Date(r.verified_at) }
    : null;
}

/** When the person's identity was last verified (any purpose, any kiosk); a run of face failures ends there. */
export async function lastIdentityVerifiedAt(q: Queryable, personId: string): Promise<Date | null> {
  const { rows } = await q.query<{ at: Date | null }>(
    'SELECT max(verified_at) AS at FROM identity_verifications WHERE person_id = $1',
    [personId],
  );
  const at = rows[0]?.at;
  return at ? new Date(at) : null;
}
