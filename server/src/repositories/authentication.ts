import type { Queryable } from '../db/db.ts';

/**
 * Rows of benefit qualification authentication and identity verification: the photo registry, consents (with
 * their purpose), idempotent requests, authentications, identity verifications (migration 008), failed face
 * attempts and lockouts, and the pensions they keep payable.
 */

/** China date (UTC+8, no daylight saving) of a timestamptz column, in SQL that runs on PGlite and PostgreSQL. */
const chinaDay = (column: string) => `((${column} AT TIME ZONE 'UTC') + interval '8 hours')::date`;

/** SQL for the last valid day of the pension's last authentication; `$n` is the validity in months. */
export const validUntilSql = (column: string, monthsParam: string) =>
  `(${chinaDay(column)} + make_interval(months => ${monthsParam}::int))::date`;

// --- the photo registry -------------------------------------------------------------------------------------

export interface RegistryPhoto {
  jpeg: Uint8Array;
  source: string;
  capturedOn: string;
}

export async function hasRegistryPhoto(q: Queryable, personId: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM photo_registry WHERE person_id = $1', [personId]);
  return rows.length > 0;
}

export async function registryPhoto(q: Queryable, personId: string): Promise<RegistryPhoto | null> {
  const { rows } = await q.query<{ jpeg: Uint8Array; source: string; captured_on: string }>(
    'SELECT jpeg, source, captured_on FROM photo_registry WHERE person_id = $1',
    [personId],
  );
  const row = rows[0];
  return row ? { jpeg: new Uint8Array(row.jpeg), source: row.source, capturedOn: row.captured_on } : null;
}

export async function putRegistryPhoto(
  q: Queryable,
  p: {
    personId: string;
    jpeg: Uint8Array;
    source: 'publicSecurity' | 'cardApplication' | 'demoFixture';
    capturedOn: string;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO photo_registry (person_id, jpeg, source, captured_on) VALUES ($1, $2, $3, $4)
     ON CONFLICT (person_id) DO UPDATE SET jpeg = excluded.jpeg, source = excluded.source, captured_on = excluded.captured_on`,
    [p.personId, Buffer.from(p.jpeg.buffer, p.jpeg.byteOffset, p.jpeg.byteLength), p.source, p.capturedOn],
  );
}

// --- pensions -----------------------------------------------------------------------------------------------

export interface PensionAuthState {
  personId: string;
  status: 'active' | 'suspended' | 'terminated';
  lastAuthenticatedAt: Date;
}

/** The pension's status and last authentication; `forUpdate` locks the row for the rest of the transaction. */
export async function pensionAuthState(
  q: Queryable,
  personId: string,
  forUpdate = false,
): Promise<PensionAuthState | null> {
  const { rows } = await q.query<{
    person_id: string;
    status: PensionAuthState['status'];
    last_authenticated_at: Date;
  }>(
    `SELECT person_id, status, last_authenticated_at FROM pensions WHERE person_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [personId],
  );
  const row = rows[0];
  return row
    ? { personId: row.person_id, status: row.status, lastAuthenticatedAt: row.last_authenticated_at }
    : null;
}

/** Records an authentication on the pension: the latest one counts; a suspended pension becomes active. */
export async function markPensionAuthenticated(tx: Queryable, personId: string, at: Date): Promise<void> {
  await tx.query(
    `UPDATE pensions SET last_authenticated_at = GREATEST(last_authenticated_at, $2::timestamptz),
            status = CASE WHEN status = 'suspended' THEN 'active' ELSE status END
      WHERE person_id = $1`,
    [personId, at.toISOString()],
  );
}

/** Active pensions whose authentication lapsed before `today` (China): suspended; their ids. */
export async function suspendLapsedPensions(tx: Queryable, today: string, months: number): Promise<string[]> {
  const { rows } = await tx.query<{ person_id: string }>(
    `UPDATE pensions SET status = 'suspended'
      WHERE status = 'active' AND ${validUntilSql('last_authenticated_at', '$2')} < $1::date
      RETURNING person_id`,
    [today, months],
  );
  return rows.map((r) => r.person_id).sort();
}

/** Suspended pensions whose authentication is valid on `today`: active again; their ids. */
export async function resumeAuthenticatedPensions(
  tx: Queryable,
  today: string,
  months: number,
): Promise<string[]> {
  const { rows } = await tx.query<{ person_id: string }>(
    `UPDATE pensions SET status = 'active'
      WHERE status = 'suspended' AND ${validUntilSql('last_authenticated_at', '$2')} >= $1::date
      RETURNING person_id`,
    [today, months],
  );
  return rows.map((r) => r.person_id).sort();
}

export interface DueRow {
  personId: string;
  name: string;
  idNumber: string;
  validUntil: string;
  status: 'active' | 'suspended';
}

/** Pensioners whose authentication ends by `until` (China date), and every suspended one; soonest first. */
export async function duePensioners(
  q: Queryable,
  until: string,
  months: number,
  limit: number,
): Promise<DueRow[]> {
  const { rows } = await q.query<{
    person_id: string;
    name: string;
    id_number: string;
    valid_until: string;
    status: 'active' | 'suspended';
  }>(
    `SELECT p.person_id, pe.name, pe.id_number, p.status, ${validUntilSql('p.last_authenticated_at', '$2')} AS valid_until
       FROM pensions p JOIN people pe ON pe.person_id = p.person_id
      WHERE p.status = 'suspended'
         OR (p.status = 'active' AND ${validUntilSql('p.last_authenticated_at', '$2')} <= $1::date)
      ORDER BY valid_until, p.person_id
      LIMIT $3`,
    [until, months, limit],
  );
  return rows.map((r) => ({
    personId: r.person_id,
    name: r.name,
    idNumber: r.id_number,
    validUntil: r.valid_until,
    status: r.status,
  }));
}

// --- consents -----------------------------------------------------------------------------------------------

export interface ConsentRecord {
  consentId: string;
  personId: string;
  kioskId: string;
  granted: boolean;
  textVersion: string;
  recordedAt: Date;
  expiresAt: Date;
}

/** 'qualification' for a qualification authentication, or the purpose of an identity verification. */
export type FacePurpose = 'qualification' | 'cardIssuance';

/** A consent given for its purpose: it serves no other. */
export async function insertConsent(
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

export async function findConsent(q: Queryable, consentId: string): Promise<ConsentRecord | null> {
  const { rows } = await q.query<{
    consent_id: string;
    person_id: string;
    kiosk_id: string;
    granted: boolean;
    text_version: string;
    recorded_at: Date;
    expires_at: Date;
  }>('SELECT * FROM face_consents WHERE consent_id = $1', [consentId]);
  const r = rows[0];
  return r
    ? {
        consentId: r.consent_id,
        personId: r.person_id,
        kioskId: r.kiosk_id,
        granted: r.granted,
        textVersion: r.text_version,
        recordedAt: r.recorded_at,
        expiresAt: r.expires_at,
      }
    : null;
}

/** What the consent was given for; null when there is no such consent. */
export async function consentPurposeOf(q: Queryable, consentId: string): Promise<FacePurpose | null> {
  const { rows } = await q.query<{ purpose: FacePurpose }>(
    'SELECT purpose FROM face_consents WHERE consent_id = $1',
    [consentId],
  );
  return rows[0]?.purpose ?? null;
}

export async function markPhotoServed(q: Queryable, consentId: string, at: Date): Promise<void> {
  await q.query('UPDATE face_consents SET photo_served_at = $2 WHERE consent_id = $1', [
    consentId,
    at.toISOString(),
  ]);
}

// --- idempotent requests --------------------------------------------------------------------------------------

export interface StoredRequest<T> {
  kind: 'faceOutcome' | 'assisted';
  requestHash: string;
  response: T;
}

export async function findAuthenticationRequest<T>(
  q: Queryable,
  key: string,
): Promise<StoredRequest<T> | null> {
  const { rows } = await q.query<{ kind: StoredRequest<T>['kind']; request_hash: string; response: T }>(
    'SELECT kind, request_hash, response FROM authentication_requests WHERE idempotency_key = $1',
    [key],
  );
  const r = rows[0];
  return r ? { kind: r.kind, requestHash: r.request_hash, response: r.response } : null;
}

export async function insertAuthenticationRequest(
  tx: Queryable,
  r: {
    key: string;
    kind: 'faceOutcome' | 'assisted';
    kioskId: string;
    requestHash: string;
    response: unknown;
    at: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO authentication_requests (idempotency_key, kind, kiosk_id, request_hash, response, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [r.key, r.kind, r.kioskId, r.requestHash, JSON.stringify(r.response), r.at.toISOString()],
  );
}

// --- authentications -------------------------------------------------------------------------------------------

/**
 * How the face check or the staff member decided: the columns an authentication and an identity verification
 * share, in EVIDENCE_COLUMNS order.
 */
export interface CheckEvidence {
  consentId: string | null;
  staffNumber: string | null;
  reason: string | null;
  distance: number | null;
  threshold: number | null;
  framesUsed: number | null;
  livenessMethod: string | null;
  livenessResult: string | null;
  modelVersion: string | null;
  signedOutcome: string | null;
  signature: string | null;
  decidedAt: Date;
}

const EVIDENCE_COLUMNS = `consent_id, staff_number, reason, distance, threshold, frames_used, liveness_method,
        liveness_result, model_version, signed_outcome, signature, decided_at`;

const evidenceValues = (e: CheckEvidence): unknown[] => [
  e.consentId,
  e.staffNumber,
  e.reason,
  e.distance,
  e.threshold,
  e.framesUsed,
  e.livenessMethod,
  e.livenessResult,
  e.modelVersion,
  e.signedOutcome,
  e.signature,
  e.decidedAt.toISOString(),
];

/** `$1, $2, … $n` for n values. */
const placeholders = (values: readonly unknown[]) => values.map((_, i) => `$${i + 1}`).join(', ');

export interface NewAuthentication extends CheckEvidence {
  authenticationId: string;
  personId: string;
  method: 'face' | 'assisted';
  kioskId: string;
  authenticatedAt: Date;
  validUntil: string;
  spotCheck: boolean;
  pensionResumed: boolean;
  idempotencyKey: string;
}

export async function insertAuthentication(tx: Queryable, a: NewAuthentication): Promise<void> {
  const values = [
    a.authenticationId,
    a.personId,
    a.method,
    a.kioskId,
    a.authenticatedAt.toISOString(),
    a.validUntil,
    a.spotCheck,
    a.pensionResumed,
    a.idempotencyKey,
    ...evidenceValues(a),
  ];
  await tx.query(
    `INSERT INTO authentications (authentication_id, person_id, method, kiosk_id, authenticated_at, valid_until,
        spot_check, pension_resumed, idempotency_key, ${EVIDENCE_COLUMNS})
     VALUES (${placeholders(values)})`,
    values,
  );
}

// --- identity verifications (migration 008) -----------------------------------------------------------------

export interface NewIdentityVerification extends CheckEvidence {
  verificationId: string;
  personId: string;
  kioskId: string;
  purpose: Exclude<FacePurpose, 'qualification'>;
  method: 'face' | 'staff';
  decision: 'match' | null;
  verifiedAt: Date;
  spotCheck: boolean;
  idempotencyKey: string;
}

export async function insertIdentityVerification(tx: Queryable, v: NewIdentityVerification): Promise<void> {
  const values = [
    v.verificationId,
    v.personId,
    v.kioskId,
    v.purpose,
    v.method,
    v.decision,
    v.verifiedAt.toISOString(),
    v.spotCheck,
    v.idempotencyKey,
    ...evidenceValues(v),
  ];
  await tx.query(
    `INSERT INTO identity_verifications (verification_id, person_id, kiosk_id, purpose, method, decision, verified_at,
        spot_check, idempotency_key, ${EVIDENCE_COLUMNS})
     VALUES (${placeholders(values)})`,
    values,
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

// --- failed attempts and lockouts ---------------------------------------------------------------------------

export interface NewFaceAttempt {
  personId: string;
  kioskId: string;
  consentId: string;
  decision: string;
  refusedLocked: boolean;
  countsTowardLockout: boolean;
  distance: number | null;
  threshold: number;
  livenessMethod: string;
  livenessResult: string;
  modelVersion: string;
  decidedAt: Date;
  at: Date;
  idempotencyKey: string;
  /** What the check was for; it counts toward the person's one lockout whatever the purpose. */
  purpose: FacePurpose;
}

export async function insertFaceAttempt(tx: Queryable, a: NewFaceAttempt): Promise<void> {
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

/** Mismatches and liveness failures of the person after `since`. */
export async function countLockoutFailures(q: Queryable, personId: string, since: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM face_attempts WHERE person_id = $1 AND counts_toward_lockout AND at > $2',
    [personId, since.toISOString()],
  );
  return rows[0]?.n ?? 0;
}

/** The end of the person's latest lockout, if any. */
export async function latestLockoutEnd(q: Queryable, personId: string): Promise<Date | null> {
  const { rows } = await q.query<{ until: Date | null }>(
    'SELECT max(locked_until) AS until FROM face_lockouts WHERE person_id = $1',
    [personId],
  );
  return rows[0]?.until ?? null;
}

export async function insertLockout(
  tx: Queryable,
  l: { personId: string; kioskId: string; lockedAt: Date; lockedUntil: Date; failures: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO face_lockouts (person_id, kiosk_id, locked_at, locked_until, failures) VALUES ($1, $2, $3, $4, $5)`,
    [l.personId, l.kioskId, l.lockedAt.toISOString(), l.lockedUntil.toISOString(), l.failures],
  );
}

/** Locks the person's row: one face outcome (or assisted authentication) of a person is decided at a time. */
export async function lockPersonRow(tx: Queryable, personId: string): Promise<boolean> {
  const { rows } = await tx.query('SELECT 1 FROM people WHERE person_id = $1 FOR UPDATE', [personId]);
  return rows.length > 0;
}
