import { createPublicKey, verify } from 'node:crypto';
import { canonicalJson, type FaceOutcome, type FaceOutcomeResponse, maskIdNumber } from '@sik/contract';
import type { Queryable } from '../../db/db.ts';
import { AuthError, InvalidInputError, NotFoundError } from '../../errors.ts';
import { type AuditEntry, appendAuditInTransaction } from '../../repositories/audit.ts';
import {
  findConsent,
  insertFaceAttempt,
  insertLockout,
  pensionAuthState,
} from '../../repositories/authentication.ts';
import { findKiosk } from '../../repositories/kiosks.ts';
import { personBasics } from '../../repositories/records.ts';
import type { AuthenticationDeps } from '../authentication.ts';
import { fingerprint, nowOf } from '../cases.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { actorOf, refuser } from './audit.ts';
import { consentProblem, consentRefused } from './consent.ts';
import { decideOnce, type KeyedRequest, storedAnswer } from './idempotency.ts';
import { lockStateOf } from './lockout.ts';
import { notPensioner } from './person.ts';
import { newAuthentication, recordedDetails, writeAuthentication } from './recording.ts';

/** Whether the kiosk's registered Ed25519 key signed canonicalJson(outcome). */
async function outcomeSignedBy(
  q: Queryable,
  kioskId: string,
  outcome: FaceOutcome,
  signature: string,
): Promise<boolean> {
  const kiosk = await findKiosk(q, kioskId);
  if (!kiosk?.publicKeyPem) return false;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  try {
    return verify(
      null,
      Buffer.from(canonicalJson(outcome), 'utf8'),
      createPublicKey(kiosk.publicKeyPem),
      bytes,
    );
  } catch {
    return false;
  }
}

const COUNTS_TOWARD_LOCKOUT = new Set<FaceOutcome['decision']>(['mismatch', 'livenessFailed']);

/**
 * Records the kiosk's signed face-check outcome. A match (live, within the threshold) records the
 * authentication, moves the due date and resumes a suspended pension in one transaction; anything else is a
 * failed attempt, and mismatches and liveness failures count toward the lockout. Idempotent by key.
 */
export async function recordFaceOutcome(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { idempotencyKey: string; outcome: FaceOutcome; signature: string },
): Promise<FaceOutcomeResponse> {
  const { idempotencyKey, outcome, signature } = request;
  const action = 'authentication.faceOutcome';
  const rules = deps.config.authentication;
  const keyed: KeyedRequest = {
    key: idempotencyKey,
    kind: 'faceOutcome',
    kioskId: kiosk.kioskId,
    requestHash: fingerprint({ kioskId: kiosk.kioskId, outcome, signature }),
  };
  const base = {
    ...actorOf(kiosk),
    action,
  };
  const details = {
    personId: outcome.personId,
    consentId: outcome.consentId,
    decision: outcome.decision,
    distance: outcome.distance,
    threshold: outcome.threshold,
    livenessMethod: outcome.liveness.method,
    livenessResult: outcome.liveness.result,
    modelVersion: outcome.modelVersion,
    idempotencyKey,
  };
  const refuse = refuser(deps.db, base, details);
  if (!(await outcomeSignedBy(deps.db, kiosk.kioskId, outcome, signature))) {
    return refuse(
      'SIGNATURE_INVALID',
      new AuthError('SIGNATURE_INVALID', 'signature does not match the outcome'),
    );
  }
  const stored = await storedAnswer<FaceOutcomeResponse>(deps.db, keyed);
  if (stored) return stored;

  const at = nowOf(deps);
  const skewMs = deps.config.signature.maxSkewSec * 1000;
  const decidedAt = new Date(outcome.decidedAt);
  const person = await personBasics(deps.db, outcome.personId);
  if (!person)
    return refuse('PERSON_NOT_FOUND', new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId'));
  const consent = await findConsent(deps.db, outcome.consentId);
  // The outcome must arrive while its consent holds (a clock skew's grace), and be decided after it was given.
  const problem =
    consentProblem(consent, outcome.personId, kiosk, new Date(at.getTime() - skewMs)) ??
    (consent &&
    (decidedAt.getTime() < consent.recordedAt.getTime() - skewMs ||
      decidedAt.getTime() > at.getTime() + skewMs)
      ? 'decidedOutsideConsent'
      : null);
  if (problem) return refuse('NOT_ELIGIBLE', consentRefused(), { reason: problem });
  const isMatch =
    outcome.decision === 'match' &&
    outcome.distance !== null &&
    outcome.distance <= outcome.threshold &&
    outcome.liveness.result === 'live';
  if (outcome.decision === 'match' && !isMatch) {
    return refuse(
      'INVALID_INPUT',
      new InvalidInputError('outcome: a match needs a live face within the threshold', 'outcome'),
    );
  }
  const maxThreshold = deps.config.authentication.maxThreshold;
  if (isMatch && outcome.threshold > maxThreshold) {
    return refuse(
      'INVALID_INPUT',
      new InvalidInputError(
        `outcome.threshold: a match must be decided with a threshold of at most ${maxThreshold}`,
        'outcome.threshold',
      ),
    );
  }
  const notEligible = notPensioner(await pensionAuthState(deps.db, outcome.personId));
  if (notEligible) return refuse('NOT_ELIGIBLE', notEligible);

  return decideOnce<FaceOutcomeResponse>(
    deps.db,
    keyed,
    outcome.personId,
    at,
    async (tx, pension, remember) => {
      const lock = await lockStateOf(tx, rules, outcome.personId, pension.lastAuthenticatedAt, at);
      const withDetails = (result: string, extra: AuditEntry['details'] = {}): AuditEntry => ({
        ...base,
        result,
        details: { ...details, idNumberMasked: maskIdNumber(person.idNumber), ...extra },
      });
      if (isMatch && !lock.lockedUntil) {
        const authenticatedAt = decidedAt.getTime() > at.getTime() ? at : decidedAt;
        const record = newAuthentication('face', authenticatedAt, pension, rules.validityMonths);
        const response: FaceOutcomeResponse = {
          authentication: record,
          lockedUntil: null,
          mismatchesLeft: rules.lockout.maxMismatches,
        };
        await remember(response);
        await writeAuthentication(
          tx,
          record,
          { personId: outcome.personId, kioskId: kiosk.kioskId, idempotencyKey },
          {
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
          },
          withDetails('authenticated', recordedDetails(record)),
          at,
        );
        return response;
      }
      const counts = COUNTS_TOWARD_LOCKOUT.has(outcome.decision) && !lock.lockedUntil;
      const failures = lock.failures + (counts ? 1 : 0);
      const locksNow = counts && failures >= rules.lockout.maxMismatches;
      const lockedUntil = locksNow
        ? new Date(at.getTime() + rules.lockout.lockMinutes * 60_000)
        : lock.lockedUntil;
      const response: FaceOutcomeResponse = {
        authentication: null,
        lockedUntil: lockedUntil?.toISOString() ?? null,
        mismatchesLeft: lockedUntil ? 0 : Math.max(0, rules.lockout.maxMismatches - failures),
      };
      await remember(response);
      await insertFaceAttempt(tx, {
        personId: outcome.personId,
        kioskId: kiosk.kioskId,
        consentId: outcome.consentId,
        decision: outcome.decision,
        refusedLocked: outcome.decision === 'match',
        countsTowardLockout: COUNTS_TOWARD_LOCKOUT.has(outcome.decision),
        distance: outcome.distance,
        threshold: outcome.threshold,
        livenessMethod: outcome.liveness.method,
        livenessResult: outcome.liveness.result,
        modelVersion: outcome.modelVersion,
        decidedAt,
        at,
        idempotencyKey,
      });
      if (locksNow && lockedUntil) {
        await insertLockout(tx, {
          personId: outcome.personId,
          kioskId: kiosk.kioskId,
          lockedAt: at,
          lockedUntil,
          failures,
        });
      }
      const result = isMatch ? 'LOCKED' : locksNow ? 'lockedOut' : 'notAuthenticated';
      await appendAuditInTransaction(
        tx,
        withDetails(result, { lockedUntil: response.lockedUntil, mismatchesLeft: response.mismatchesLeft }),
        at,
      );
      return response;
    },
  );
}
