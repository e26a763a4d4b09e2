import { createPublicKey, verify } from 'node:crypto';
import { canonicalJson, type FaceOutcome, type FaceOutcomeResponse, maskIdNumber } from '@sik/contract';
import type { Queryable } from '../../db/db.ts';
import { AuthError, InvalidInputError, NotFoundError } from '../../errors.ts';
import { type AuditEntry, appendAuditInTransaction } from '../../repositories/audit.ts';
import {
  consentPurposeOf,
  type FacePurpose,
  findConsent,
  insertFaceAttempt,
  insertLockout,
  pensionAuthState,
} from '../../repositories/authentication.ts';
import { findKiosk } from '../../repositories/kiosks.ts';
import { type PersonBasics, personBasics } from '../../repositories/records.ts';
import type { AuthenticationDeps, AuthenticationRules } from '../authentication.ts';
import { nowOf } from '../cases.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { actorOf, refuser } from './audit.ts';
import { consentProblem, consentRefused } from './consent.ts';
import { decideOnce, keyedRequest, storedAnswer } from './idempotency.ts';
import { type LockState, lockStateOf } from './lockout.ts';
import { notPensioner } from './person.ts';
import { faceEvidence, newAuthentication, recordedDetails, writeAuthentication } from './recording.ts';

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

/** A refusal that is audited and thrown (audit.ts refuser). */
export type Refuse = (result: string, error: Error, extra?: Record<string, string>) => Promise<never>;

export const COUNTS_TOWARD_LOCKOUT = new Set<FaceOutcome['decision']>(['mismatch', 'livenessFailed']);

/** What a signed outcome that passed the checks is: its times, the person, and whether it is a match. */
export interface CheckedOutcome {
  at: Date;
  decidedAt: Date;
  person: PersonBasics;
  isMatch: boolean;
}

/**
 * The checks every signed outcome passes, whatever it is for, in this order: the kiosk's signature, then (in
 * the caller, between the two) the stored answer, then the person, the consent (given at this kiosk for this
 * purpose, still holding, decided after it), a match that is live and within a threshold no looser than the
 * server allows. Refusals are audited through `refuse`.
 */
export async function verifySignature(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { outcome: FaceOutcome; signature: string },
  refuse: Refuse,
): Promise<void> {
  if (!(await outcomeSignedBy(deps.db, kiosk.kioskId, request.outcome, request.signature))) {
    await refuse(
      'SIGNATURE_INVALID',
      new AuthError('SIGNATURE_INVALID', 'signature does not match the outcome'),
    );
  }
}

export async function checkOutcome(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  outcome: FaceOutcome,
  purpose: FacePurpose,
  refuse: Refuse,
): Promise<CheckedOutcome> {
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
      : null) ??
    // A consent is given for one purpose: its text said what the check was for.
    ((await consentPurposeOf(deps.db, outcome.consentId)) !== purpose ? 'otherPurpose' : null);
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
  return { at, decidedAt, person, isMatch };
}

/** The audit details of an outcome (scores and ids, never an image). */
export const outcomeDetails = (outcome: FaceOutcome, idempotencyKey: string) => ({
  personId: outcome.personId,
  consentId: outcome.consentId,
  decision: outcome.decision,
  distance: outcome.distance,
  threshold: outcome.threshold,
  livenessMethod: outcome.liveness.method,
  livenessResult: outcome.liveness.result,
  modelVersion: outcome.modelVersion,
  idempotencyKey,
});

/**
 * In the deciding transaction, an outcome that is not recorded as a success (not a match, or a match refused
 * because the face check is locked): the attempt with its purpose, the lockout it may start, the audit entry.
 */
export async function recordFailedOutcome(
  tx: Queryable,
  rules: AuthenticationRules,
  kiosk: AuthenticatedKiosk,
  request: { outcome: FaceOutcome; idempotencyKey: string; purpose: FacePurpose },
  checked: CheckedOutcome,
  lock: LockState,
  audit: (result: string, extra: AuditEntry['details']) => AuditEntry,
  remember: (answer: { lockedUntil: string | null; mismatchesLeft: number }) => Promise<void>,
): Promise<{ lockedUntil: string | null; mismatchesLeft: number }> {
  const { outcome, idempotencyKey } = request;
  const { at, decidedAt, isMatch } = checked;
  const counts = COUNTS_TOWARD_LOCKOUT.has(outcome.decision) && !lock.lockedUntil;
  const failures = lock.failures + (counts ? 1 : 0);
  const locksNow = counts && failures >= rules.lockout.maxMismatches;
  const lockedUntil = locksNow
    ? new Date(at.getTime() + rules.lockout.lockMinutes * 60_000)
    : lock.lockedUntil;
  const answer = {
    lockedUntil: lockedUntil?.toISOString() ?? null,
    mismatchesLeft: lockedUntil ? 0 : Math.max(0, rules.lockout.maxMismatches - failures),
  };
  await remember(answer);
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
    purpose: request.purpose,
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
  await appendAuditInTransaction(tx, audit(result, answer), at);
  return answer;
}

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
  const keyed = keyedRequest('faceOutcome', idempotencyKey, kiosk, { outcome, signature });
  const base = { ...actorOf(kiosk), action };
  const details = outcomeDetails(outcome, idempotencyKey);
  const refuse = refuser(deps.db, base, details);
  await verifySignature(deps, kiosk, request, refuse);
  const stored = await storedAnswer<FaceOutcomeResponse>(deps.db, keyed);
  if (stored) return stored;
  const checked = await checkOutcome(deps, kiosk, outcome, 'qualification', refuse);
  const { at, decidedAt, person, isMatch } = checked;
  const notEligible = notPensioner(await pensionAuthState(deps.db, outcome.personId));
  if (notEligible) return refuse('NOT_ELIGIBLE', notEligible);

  return decideOnce<FaceOutcomeResponse>(
    deps.db,
    keyed,
    outcome.personId,
    at,
    async (tx, pension, remember) => {
      const lock = await lockStateOf(tx, rules, outcome.personId, at);
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
          faceEvidence(outcome, signature, decidedAt),
          withDetails('authenticated', recordedDetails(record)),
          at,
        );
        return response;
      }
      const failed = await recordFailedOutcome(
        tx,
        rules,
        kiosk,
        { outcome, idempotencyKey, purpose: 'qualification' },
        checked,
        lock,
        withDetails,
        (answer) => remember({ authentication: null, ...answer }),
      );
      return { authentication: null, ...failed };
    },
  );
}
