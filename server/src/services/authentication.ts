import { createPublicKey, randomUUID, verify } from 'node:crypto';
import {
  type AssistReason,
  type AuthenticationRecord,
  type AuthenticationStatus,
  canonicalJson,
  type FaceOutcome,
  type FaceOutcomeResponse,
  maskIdNumber,
  maskName,
} from '@sik/contract';
import type { Db, Queryable } from '../db/db.ts';
import { AuthError, ConflictError, InvalidInputError, NotEligibleError, NotFoundError } from '../errors.ts';
import { chinaDate } from '../integrations/china-time.ts';
import { type AuditEntry, appendAudit, appendAuditInTransaction } from '../repositories/audit.ts';
import {
  type ConsentRecord,
  countLockoutFailures,
  duePensioners,
  findAuthenticationRequest,
  findConsent,
  hasRegistryPhoto,
  insertAuthentication,
  insertAuthenticationRequest,
  insertConsent,
  insertFaceAttempt,
  insertLockout,
  latestLockoutEnd,
  lockPersonRow,
  markPensionAuthenticated,
  markPhotoServed,
  type PensionAuthState,
  pensionAuthState,
  registryPhoto,
  type StoredRequest,
} from '../repositories/authentication.ts';
import { findKiosk } from '../repositories/kiosks.ts';
import { type PersonBasics, personBasics } from '../repositories/records.ts';
import { businessDay, type Clock, fingerprint, nowOf } from './cases.ts';
import { isUniqueViolation } from './enrollment.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';
import { requireStaff, type StaffAuthDeps } from './staff-auth.ts';

/**
 * Benefit qualification authentication (待遇领取资格认证). A pensioner proves once per validity period that they
 * are alive and entitled: by the kiosk's face check (the kiosk decides on the device and sends a signed outcome,
 * never an image) or confirmed by a bank staff member (assisted; flagged for the bureau's spot check). An
 * authentication moves the pension's due date and lifts a suspension at once; the daily job suspends lapsed ones.
 */

export interface AuthenticationRules {
  validityMonths: number;
  dueSoonDays: number;
  consentMinutes: number;
  lockout: { maxMismatches: number; windowMinutes: number; lockMinutes: number };
  staffSessionMinutes: number;
  staffThrottle: { maxFailures: number; windowMinutes: number };
}

export interface AuthenticationDeps extends Clock, StaffAuthDeps {
  db: Db;
  config: { authentication: AuthenticationRules; signature: { maxSkewSec: number } };
}

/** What the kiosk shows (and reads aloud) before any capture; the version is recorded with the answer. */
export const FACE_CONSENT = {
  version: 'face-consent/2026-1',
  text:
    '为确认您本人领取养老金的资格，本机将用摄像头拍摄您的面部，与社保部门留存的您的照片比对。' +
    '拍摄的画面只在这台机器上临时处理，不会上传，也不会保存，比对结束立即删除；社保部门只收到比对结果。' +
    '您可以不同意：不同意也能办理，请点“不同意，由工作人员协助认证”，银行工作人员会当面为您核实身份。',
} as const;

/** The day `months` later (YYYY-MM-DD); the 31st becomes the month's last day, as in PostgreSQL. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The last day (China) an authentication made at `at` is valid. */
export function validUntilOf(at: Date, months: number): string {
  return addMonths(chinaDate(at), months);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface LockState {
  lockedUntil: Date | null;
  mismatchesLeft: number;
  failures: number;
}

/**
 * Mismatches and liveness failures count within the window, after the last lockout ended and after the last
 * authentication; at maxMismatches the face check locks for lockMinutes.
 */
export async function lockStateOf(
  q: Queryable,
  rules: AuthenticationRules,
  personId: string,
  lastAuthenticatedAt: Date | null,
  now: Date,
): Promise<LockState> {
  const lastEnd = await latestLockoutEnd(q, personId);
  if (lastEnd && lastEnd.getTime() > now.getTime()) {
    return { lockedUntil: lastEnd, mismatchesLeft: 0, failures: rules.lockout.maxMismatches };
  }
  const since = Math.max(
    now.getTime() - rules.lockout.windowMinutes * 60_000,
    lastEnd?.getTime() ?? 0,
    lastAuthenticatedAt?.getTime() ?? 0,
  );
  const failures = await countLockoutFailures(q, personId, new Date(since));
  return { lockedUntil: null, mismatchesLeft: Math.max(0, rules.lockout.maxMismatches - failures), failures };
}

const actorOf = (kiosk: AuthenticatedKiosk) => ({ actor: `kiosk:${kiosk.kioskId}`, kioskId: kiosk.kioskId });

function personDetails(person: PersonBasics | null, personId: string) {
  return { personId, ...(person ? { idNumberMasked: maskIdNumber(person.idNumber) } : {}) };
}

async function findPersonAudited(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  action: string,
  personId: string,
): Promise<PersonBasics> {
  const person = await personBasics(deps.db, personId);
  if (!person) {
    await appendAudit(deps.db, {
      ...actorOf(kiosk),
      action,
      result: 'PERSON_NOT_FOUND',
      details: { personId },
    });
    throw new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId');
  }
  return person;
}

function notPensioner(pension: PensionAuthState | null): NotEligibleError | null {
  if (!pension) return new NotEligibleError('您没有领取养老金，无需进行待遇领取资格认证', 'pensioner');
  if (pension.status === 'terminated') {
    return new NotEligibleError('您的养老金待遇已终止，请到社保服务窗口咨询', 'pensionStatus');
  }
  return null;
}

export async function authenticationStatus(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  personId: string,
): Promise<AuthenticationStatus> {
  const person = await findPersonAudited(deps, kiosk, 'authentication.status', personId);
  const now = nowOf(deps);
  const today = businessDay(deps);
  const rules = deps.config.authentication;
  const [pension, photo] = await Promise.all([
    pensionAuthState(deps.db, personId),
    hasRegistryPhoto(deps.db, personId),
  ]);
  const lock = await lockStateOf(deps.db, rules, personId, pension?.lastAuthenticatedAt ?? null, now);
  const validUntil = pension ? validUntilOf(pension.lastAuthenticatedAt, rules.validityMonths) : null;
  const status: AuthenticationStatus = {
    pensioner: pension !== null,
    pensionStatus: pension?.status ?? null,
    lastAuthenticatedAt: pension?.lastAuthenticatedAt.toISOString() ?? null,
    validUntil,
    daysLeft: validUntil ? daysBetween(today, validUntil) : null,
    lockedUntil: lock.lockedUntil?.toISOString() ?? null,
    mismatchesLeft: lock.mismatchesLeft,
    referencePhoto: photo,
    consent: { version: FACE_CONSENT.version, text: FACE_CONSENT.text },
  };
  await appendAudit(deps.db, {
    ...actorOf(kiosk),
    action: 'authentication.status',
    result: 'ok',
    details: {
      ...personDetails(person, personId),
      pensionStatus: status.pensionStatus,
      validUntil,
      locked: lock.lockedUntil !== null,
    },
  });
  return status;
}

export async function recordConsent(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; version: string; granted: boolean },
): Promise<{ consentId: string; expiresAt: string }> {
  const action = 'authentication.consent';
  const person = await findPersonAudited(deps, kiosk, action, request.personId);
  const details = {
    ...personDetails(person, request.personId),
    version: request.version,
    granted: request.granted,
  };
  const refuse = async (result: string, error: Error): Promise<never> => {
    await appendAudit(deps.db, { ...actorOf(kiosk), action, result, details });
    throw error;
  };
  if (request.version !== FACE_CONSENT.version) {
    return refuse(
      'INVALID_INPUT',
      new InvalidInputError(`version: 授权书版本应为 ${FACE_CONSENT.version}`, 'version'),
    );
  }
  const refusal = notPensioner(await pensionAuthState(deps.db, request.personId));
  if (refusal) return refuse('NOT_ELIGIBLE', refusal);
  const at = nowOf(deps);
  const consent: ConsentRecord = {
    consentId: randomUUID(),
    personId: request.personId,
    kioskId: kiosk.kioskId,
    granted: request.granted,
    textVersion: request.version,
    recordedAt: at,
    expiresAt: new Date(at.getTime() + deps.config.authentication.consentMinutes * 60_000),
  };
  await deps.db.transaction(async (tx) => {
    await insertConsent(tx, consent);
    await appendAuditInTransaction(
      tx,
      {
        ...actorOf(kiosk),
        action,
        result: request.granted ? 'granted' : 'declined',
        details: { ...details, consentId: consent.consentId },
      },
      at,
    );
  });
  return { consentId: consent.consentId, expiresAt: consent.expiresAt.toISOString() };
}

type ConsentProblem = 'unknownConsent' | 'otherPerson' | 'otherKiosk' | 'declined' | 'expired';

function consentProblem(
  consent: ConsentRecord | null,
  personId: string,
  kiosk: AuthenticatedKiosk,
  at: Date,
): ConsentProblem | null {
  if (!consent) return 'unknownConsent';
  if (consent.personId !== personId) return 'otherPerson';
  if (consent.kioskId !== kiosk.kioskId) return 'otherKiosk';
  if (!consent.granted) return 'declined';
  if (consent.expiresAt.getTime() < at.getTime()) return 'expired';
  return null;
}

const consentRefused = () =>
  new NotEligibleError('人脸识别授权无效或已过期，请重新确认授权后再进行人脸识别', 'consentId');
const lockedRefused = (until: Date) =>
  new NotEligibleError(
    `人脸识别比对失败次数过多，已暂停至${until.toISOString()}，请由工作人员协助认证`,
    'lockedUntil',
  );

/** The registry photo for one consented check; the kiosk keeps it in memory and drops it after. */
export async function referencePhotoFor(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; consentId: string },
): Promise<{ jpegBase64: string; source: 'registry' | 'idCard' }> {
  const action = 'authentication.referencePhoto';
  const person = await findPersonAudited(deps, kiosk, action, request.personId);
  const at = nowOf(deps);
  const details = { ...personDetails(person, request.personId), consentId: request.consentId };
  const refuse = async (result: string, error: Error, extra: Record<string, string> = {}): Promise<never> => {
    await appendAudit(deps.db, { ...actorOf(kiosk), action, result, details: { ...details, ...extra } });
    throw error;
  };
  const problem = consentProblem(await findConsent(deps.db, request.consentId), request.personId, kiosk, at);
  if (problem) return refuse('NOT_ELIGIBLE', consentRefused(), { reason: problem });
  const pension = await pensionAuthState(deps.db, request.personId);
  const lock = await lockStateOf(
    deps.db,
    deps.config.authentication,
    request.personId,
    pension?.lastAuthenticatedAt ?? null,
    at,
  );
  if (lock.lockedUntil) return refuse('LOCKED', lockedRefused(lock.lockedUntil));
  const photo = await registryPhoto(deps.db, request.personId);
  if (!photo)
    return refuse('NOT_FOUND', new NotFoundError('NOT_FOUND', '照片库中没有您的照片，请由工作人员协助认证'));
  await deps.db.transaction(async (tx) => {
    await markPhotoServed(tx, request.consentId, at);
    await appendAuditInTransaction(
      tx,
      {
        ...actorOf(kiosk),
        action,
        result: 'ok',
        details: { ...details, source: photo.source, capturedOn: photo.capturedOn },
      },
      at,
    );
  });
  return { jpegBase64: Buffer.from(photo.jpeg).toString('base64'), source: 'registry' };
}

function sameOrConflict<T>(stored: StoredRequest<T>, kind: StoredRequest<T>['kind'], requestHash: string): T {
  if (stored.kind !== kind || stored.requestHash !== requestHash) {
    throw new ConflictError('idempotencyKey: 这个编号已用于另一次不同的认证', 'idempotencyKey');
  }
  return stored.response;
}

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
  const requestHash = fingerprint({ kioskId: kiosk.kioskId, outcome, signature });
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
  const refuse = async (result: string, error: Error, extra: Record<string, string> = {}): Promise<never> => {
    await appendAudit(deps.db, { ...base, result, details: { ...details, ...extra } });
    throw error;
  };
  if (!(await outcomeSignedBy(deps.db, kiosk.kioskId, outcome, signature))) {
    return refuse(
      'SIGNATURE_INVALID',
      new AuthError('SIGNATURE_INVALID', 'signature does not match the outcome'),
    );
  }
  const stored = await findAuthenticationRequest<FaceOutcomeResponse>(deps.db, idempotencyKey);
  if (stored) return sameOrConflict(stored, 'faceOutcome', requestHash);

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
  const notEligible = notPensioner(await pensionAuthState(deps.db, outcome.personId));
  if (notEligible) return refuse('NOT_ELIGIBLE', notEligible);

  try {
    return await deps.db.transaction(async (tx) => {
      await lockPersonRow(tx, outcome.personId);
      const again = await findAuthenticationRequest<FaceOutcomeResponse>(tx, idempotencyKey);
      if (again) return sameOrConflict(again, 'faceOutcome', requestHash);
      const pension = await pensionAuthState(tx, outcome.personId, true);
      if (!pension) throw notPensioner(null);
      const lock = await lockStateOf(tx, rules, outcome.personId, pension.lastAuthenticatedAt, at);
      const withDetails = (result: string, extra: AuditEntry['details'] = {}): AuditEntry => ({
        ...base,
        result,
        details: { ...details, idNumberMasked: maskIdNumber(person.idNumber), ...extra },
      });
      if (isMatch && !lock.lockedUntil) {
        const authenticatedAt = decidedAt.getTime() > at.getTime() ? at : decidedAt;
        const record: AuthenticationRecord = {
          authenticationId: randomUUID(),
          method: 'face',
          authenticatedAt: authenticatedAt.toISOString(),
          validUntil: validUntilOf(authenticatedAt, rules.validityMonths),
          pensionResumed: pension.status === 'suspended',
          spotCheck: false,
        };
        const response: FaceOutcomeResponse = {
          authentication: record,
          lockedUntil: null,
          mismatchesLeft: rules.lockout.maxMismatches,
        };
        await insertAuthenticationRequest(tx, {
          key: idempotencyKey,
          kind: 'faceOutcome',
          kioskId: kiosk.kioskId,
          requestHash,
          response,
          at,
        });
        await insertAuthentication(tx, {
          authenticationId: record.authenticationId,
          personId: outcome.personId,
          method: 'face',
          kioskId: kiosk.kioskId,
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
          authenticatedAt,
          validUntil: record.validUntil,
          spotCheck: false,
          pensionResumed: record.pensionResumed,
          idempotencyKey,
        });
        await markPensionAuthenticated(tx, outcome.personId, authenticatedAt);
        await appendAuditInTransaction(
          tx,
          withDetails('authenticated', {
            authenticationId: record.authenticationId,
            validUntil: record.validUntil,
            pensionResumed: record.pensionResumed,
          }),
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
      await insertAuthenticationRequest(tx, {
        key: idempotencyKey,
        kind: 'faceOutcome',
        kioskId: kiosk.kioskId,
        requestHash,
        response,
        at,
      });
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
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const winner = await findAuthenticationRequest<FaceOutcomeResponse>(deps.db, idempotencyKey);
      if (winner) return sameOrConflict(winner, 'faceOutcome', requestHash);
    }
    throw error;
  }
}

/**
 * A bank staff member signed in at this kiosk confirms the person in front of them: recorded with the staff
 * member and the reason, flagged for the bureau's spot check; the same validity and resumption as a face match.
 * Allowed while the face check is locked: the lockout guards against faces, not against a person seen by staff.
 */
export async function assistedAuthentication(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { idempotencyKey: string; personId: string; staffToken: string; reason: AssistReason },
): Promise<AuthenticationRecord> {
  const action = 'authentication.assisted';
  const staff = await requireStaff(deps, kiosk, request.staffToken, action);
  const { idempotencyKey } = request;
  const requestHash = fingerprint({
    kioskId: kiosk.kioskId,
    personId: request.personId,
    reason: request.reason,
    staffNumber: staff.staffNumber,
  });
  const stored = await findAuthenticationRequest<AuthenticationRecord>(deps.db, idempotencyKey);
  if (stored) return sameOrConflict(stored, 'assisted', requestHash);
  const base = { actor: `staff:${staff.staffNumber}`, kioskId: kiosk.kioskId, action };
  const person = await personBasics(deps.db, request.personId);
  const details = {
    ...personDetails(person, request.personId),
    staffNumber: staff.staffNumber,
    reason: request.reason,
    idempotencyKey,
  };
  if (!person) {
    await appendAudit(deps.db, { ...base, result: 'PERSON_NOT_FOUND', details });
    throw new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId');
  }
  const refusal = notPensioner(await pensionAuthState(deps.db, request.personId));
  if (refusal) {
    await appendAudit(deps.db, { ...base, result: 'NOT_ELIGIBLE', details });
    throw refusal;
  }
  const at = nowOf(deps);
  const rules = deps.config.authentication;
  try {
    return await deps.db.transaction(async (tx) => {
      await lockPersonRow(tx, request.personId);
      const again = await findAuthenticationRequest<AuthenticationRecord>(tx, idempotencyKey);
      if (again) return sameOrConflict(again, 'assisted', requestHash);
      const pension = await pensionAuthState(tx, request.personId, true);
      if (!pension) throw notPensioner(null);
      const record: AuthenticationRecord = {
        authenticationId: randomUUID(),
        method: 'assisted',
        authenticatedAt: at.toISOString(),
        validUntil: validUntilOf(at, rules.validityMonths),
        pensionResumed: pension.status === 'suspended',
        spotCheck: true,
      };
      await insertAuthenticationRequest(tx, {
        key: idempotencyKey,
        kind: 'assisted',
        kioskId: kiosk.kioskId,
        requestHash,
        response: record,
        at,
      });
      await insertAuthentication(tx, {
        authenticationId: record.authenticationId,
        personId: request.personId,
        method: 'assisted',
        kioskId: kiosk.kioskId,
        consentId: null,
        staffNumber: staff.staffNumber,
        reason: request.reason,
        distance: null,
        threshold: null,
        framesUsed: null,
        livenessMethod: null,
        livenessResult: null,
        modelVersion: null,
        signedOutcome: null,
        signature: null,
        decidedAt: at,
        authenticatedAt: at,
        validUntil: record.validUntil,
        spotCheck: true,
        pensionResumed: record.pensionResumed,
        idempotencyKey,
      });
      await markPensionAuthenticated(tx, request.personId, at);
      await appendAuditInTransaction(
        tx,
        {
          ...base,
          result: 'authenticated',
          details: {
            ...details,
            authenticationId: record.authenticationId,
            validUntil: record.validUntil,
            pensionResumed: record.pensionResumed,
            spotCheck: true,
          },
        },
        at,
      );
      return record;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const winner = await findAuthenticationRequest<AuthenticationRecord>(deps.db, idempotencyKey);
      if (winner) return sameOrConflict(winner, 'assisted', requestHash);
    }
    throw error;
  }
}

/** The due list cannot be longer than this in one answer. */
export const DUE_LIST_LIMIT = 500;

/** Pensioners due within `withinDays` (masked), and every suspended one, for staff at this kiosk. */
export async function dueList(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { staffToken: string; withinDays: number },
): Promise<{
  asOf: string;
  pensioners: {
    personId: string;
    maskedName: string;
    maskedIdNumber: string;
    validUntil: string;
    pensionStatus: 'active' | 'suspended';
  }[];
}> {
  const action = 'authentication.dueList';
  const staff = await requireStaff(deps, kiosk, request.staffToken, action);
  const today = businessDay(deps);
  const rows = await duePensioners(
    deps.db,
    addDaysTo(today, request.withinDays),
    deps.config.authentication.validityMonths,
    DUE_LIST_LIMIT,
  );
  await appendAudit(deps.db, {
    actor: `staff:${staff.staffNumber}`,
    kioskId: kiosk.kioskId,
    action,
    result: 'ok',
    details: { staffNumber: staff.staffNumber, withinDays: request.withinDays, count: rows.length },
  });
  return {
    asOf: today,
    pensioners: rows.map((r) => ({
      personId: r.personId,
      maskedName: maskName(r.name),
      maskedIdNumber: maskIdNumber(r.idNumber),
      validUntil: r.validUntil,
      pensionStatus: r.status,
    })),
  };
}

function addDaysTo(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
