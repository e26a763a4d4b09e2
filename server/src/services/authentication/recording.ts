import { randomUUID } from 'node:crypto';
import { type AssistReason, type AuthenticationRecord, canonicalJson, type FaceOutcome } from '@sik/contract';
import type { Queryable } from '../../db/db.ts';
import { type AuditEntry, appendAuditInTransaction } from '../../repositories/audit.ts';
import {
  type CheckEvidence,
  insertAuthentication,
  markPensionAuthenticated,
  type PensionAuthState,
} from '../../repositories/authentication.ts';
import { validUntilOf } from './validity.ts';

/** What a face match and a staff confirmation both do: record the authentication and move the pension on. */

/** The new authentication; assisted ones are flagged for the bureau's spot check. */
export function newAuthentication(
  method: AuthenticationRecord['method'],
  authenticatedAt: Date,
  pension: PensionAuthState,
  validityMonths: number,
): AuthenticationRecord {
  return {
    authenticationId: randomUUID(),
    method,
    authenticatedAt: authenticatedAt.toISOString(),
    validUntil: validUntilOf(authenticatedAt, validityMonths),
    pensionResumed: pension.status === 'suspended',
    spotCheck: method === 'assisted',
  };
}

/** How the face check or the staff member decided: the columns that differ between the two methods. */
export type Evidence = CheckEvidence;

/** The evidence of the kiosk's signed face-check outcome (kept as the canonical JSON it signed). */
export const faceEvidence = (outcome: FaceOutcome, signature: string, decidedAt: Date): Evidence => ({
  consentId: outcome.consentId,
  staffNumber: null,
  reason: null,
  distance: outcome.distance,
  threshold: outcome.threshold,
  framesUsed: outcome.framesUsed,
  livenessMethod: outcome.liveness.method,
  livenessResult: outcome.liveness.result,
  modelVersion: outcome.modelVersion,
  signedOutcome: canonicalJson(outcome),
  signature,
  decidedAt,
});

/** The evidence of a staff member's confirmation at `at`: who and why, no face check. */
export const staffEvidence = (staffNumber: string, reason: AssistReason, at: Date): Evidence => ({
  consentId: null,
  staffNumber,
  reason,
  distance: null,
  threshold: null,
  framesUsed: null,
  livenessMethod: null,
  livenessResult: null,
  modelVersion: null,
  signedOutcome: null,
  signature: null,
  decidedAt: at,
});

/** The audit details every recorded authentication has. */
export const recordedDetails = (record: AuthenticationRecord) => ({
  authenticationId: record.authenticationId,
  validUntil: record.validUntil,
  pensionResumed: record.pensionResumed,
});

/**
 * In the deciding transaction: the authentication, the pension's new due date (a suspended pension resumes at
 * once), and the audit entry.
 */
export async function writeAuthentication(
  tx: Queryable,
  record: AuthenticationRecord,
  key: { personId: string; kioskId: string; idempotencyKey: string },
  evidence: Evidence,
  audit: AuditEntry,
  at: Date,
): Promise<void> {
  const authenticatedAt = new Date(record.authenticatedAt);
  await insertAuthentication(tx, {
    authenticationId: record.authenticationId,
    personId: key.personId,
    method: record.method,
    kioskId: key.kioskId,
    ...evidence,
    authenticatedAt,
    validUntil: record.validUntil,
    spotCheck: record.spotCheck,
    pensionResumed: record.pensionResumed,
    idempotencyKey: key.idempotencyKey,
  });
  await markPensionAuthenticated(tx, key.personId, authenticatedAt);
  await appendAuditInTransaction(tx, audit, at);
}
