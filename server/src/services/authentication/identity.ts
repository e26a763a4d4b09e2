import { randomUUID } from 'node:crypto';
import {
  type AssistReason,
  type FaceOutcome,
  type IdentityCheckPurpose,
  type IdentityCheckStatus,
  type IdentityFaceOutcomeResponse,
  type IdentityVerification,
  maskIdNumber,
} from '@sik/contract';
import type { Queryable } from '../../db/db.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { type AuditEntry, appendAudit, appendAuditInTransaction } from '../../repositories/audit.ts';
import {
  hasRegistryPhoto,
  insertIdentityVerification,
  latestIdentityVerification,
  type NewIdentityVerification,
} from '../../repositories/authentication.ts';
import { personBasics } from '../../repositories/records.ts';
import type { AuthenticationDeps } from '../authentication.ts';
import { nowOf } from '../cases.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { requireStaff } from '../staff-auth.ts';
import { actorOf, personDetails, refuser } from './audit.ts';
import { consentAudit, saveConsent } from './consent.ts';
import { checkOutcome, outcomeDetails, recordFailedOutcome, verifySignature } from './face-outcome.ts';
import { decideOnceForPerson, keyedRequest, storedAnswer } from './idempotency.ts';
import { lockStateOf } from './lockout.ts';
import { findPersonAudited } from './person.ts';
import { faceEvidence, staffEvidence } from './recording.ts';

/**
 * Identity verification for a service other than qualification authentication (issue 4: the face check before a
 * social security card application). The same face check and the same rules as qualification: a consent of its
 * own purpose before the reference photo, the kiosk's signed outcome, the one lockout per person (a mismatch
 * counts whatever it was for), one answer per idempotency key, staff confirmation flagged for the spot check.
 * What it records is different: an identity verification of the person at that kiosk (identity_verifications),
 * never an authentication, and never a pension's due date or resumption. The reference photo itself is served
 * by consent.ts's referencePhotoFor, which only asks for a granted consent of this person at this kiosk.
 */

/** The consent shown before a face check for a card; its version is recorded with the answer. */
export const CARD_FACE_CONSENT = {
  version: 'face-consent-card/2026-1',
  text:
    '为确认是您本人申领社保卡，本机将用摄像头拍摄您的面部，与社保部门留存的您的照片比对。' +
    '拍摄的画面只在这台机器上临时处理，不会上传，也不会保存，比对结束立即删除；社保部门只收到比对结果。' +
    '您可以不同意：不同意也能办理，请点“不同意，由工作人员协助核验”，银行工作人员会当面为您核实身份。',
} as const;

const CONSENTS: Record<IdentityCheckPurpose, { version: string; text: string }> = {
  cardIssuance: CARD_FACE_CONSENT,
};

/** How long a verification counts for each purpose (minutes); the card rule is config cards.identityCheckMinutes. */
export type VerificationWindows = Record<IdentityCheckPurpose, number>;

export interface IdentityDeps extends AuthenticationDeps {
  /** Minutes a verification counts for, per purpose (15 for a card by default). */
  identityWindows?: Partial<VerificationWindows>;
}

export const DEFAULT_IDENTITY_MINUTES = 15;
const windowOf = (deps: IdentityDeps, purpose: IdentityCheckPurpose): number =>
  deps.identityWindows?.[purpose] ?? DEFAULT_IDENTITY_MINUTES;

/** The verification of the person at this kiosk for this purpose still counting at `at`; null when none. */
export async function currentVerification(
  q: Queryable,
  personId: string,
  kioskId: string,
  purpose: IdentityCheckPurpose,
  minutes: number,
  at: Date,
): Promise<{ verificationId: string; method: 'face' | 'staff'; verifiedAt: Date; until: Date } | null> {
  const found = await latestIdentityVerification(
    q,
    personId,
    kioskId,
    purpose,
    new Date(at.getTime() - minutes * 60_000),
  );
  return found ? { ...found, until: new Date(found.verifiedAt.getTime() + minutes * 60_000) } : null;
}

/** What the kiosk shows first: the lockout, whether there is a photo to compare, the consent, a recent check. */
export async function identityCheckStatus(
  deps: IdentityDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; purpose: IdentityCheckPurpose },
): Promise<IdentityCheckStatus> {
  const { personId, purpose } = request;
  const action = 'identity.status';
  const person = await findPersonAudited(deps, kiosk, action, personId);
  const now = nowOf(deps);
  const [photo, lock, current] = await Promise.all([
    hasRegistryPhoto(deps.db, personId),
    lockStateOf(deps.db, deps.config.authentication, personId, now),
    currentVerification(deps.db, personId, kiosk.kioskId, purpose, windowOf(deps, purpose), now),
  ]);
  await appendAudit(deps.db, {
    ...actorOf(kiosk),
    action,
    result: 'ok',
    details: { ...personDetails(person, personId), purpose, locked: lock.lockedUntil !== null },
  });
  return {
    lockedUntil: lock.lockedUntil?.toISOString() ?? null,
    mismatchesLeft: lock.mismatchesLeft,
    referencePhoto: photo,
    consent: { ...CONSENTS[purpose] },
    verifiedUntil: current?.until.toISOString() ?? null,
  };
}

/** Consent (or its refusal) to a face check for this purpose; anyone with a record may give it. */
export async function recordIdentityConsent(
  deps: IdentityDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; purpose: IdentityCheckPurpose; version: string; granted: boolean },
): Promise<{ consentId: string; expiresAt: string }> {
  const action = 'identity.consent';
  const { details, refuse } = await consentAudit(deps, kiosk, action, request, { purpose: request.purpose });
  const expected = CONSENTS[request.purpose].version;
  if (request.version !== expected)
    return refuse('INVALID_INPUT', new InvalidInputError(`version: 授权书版本应为 ${expected}`, 'version'));
  return saveConsent(deps, kiosk, request, { action, details });
}

function verificationOf(v: NewIdentityVerification): IdentityVerification {
  return {
    verificationId: v.verificationId,
    purpose: v.purpose,
    method: v.method,
    verifiedAt: v.verifiedAt.toISOString(),
    spotCheck: v.spotCheck,
  };
}

/**
 * The kiosk's signed outcome of a face check for this purpose: a match records an identity verification,
 * anything else a failed attempt (mismatches and liveness failures count toward the person's lockout). The
 * same signature, consent and threshold checks as a qualification outcome (face-outcome.ts); idempotent by key.
 */
export async function recordIdentityFaceOutcome(
  deps: IdentityDeps,
  kiosk: AuthenticatedKiosk,
  request: { idempotencyKey: string; purpose: IdentityCheckPurpose; outcome: FaceOutcome; signature: string },
): Promise<IdentityFaceOutcomeResponse> {
  const { idempotencyKey, outcome, signature, purpose } = request;
  const action = 'identity.faceOutcome';
  const rules = deps.config.authentication;
  const keyed = keyedRequest('faceOutcome', idempotencyKey, kiosk, { purpose, outcome, signature });
  const base = { ...actorOf(kiosk), action };
  const details = { ...outcomeDetails(outcome, idempotencyKey), purpose };
  const refuse = refuser(deps.db, base, details);
  await verifySignature(deps, kiosk, request, refuse);
  const stored = await storedAnswer<IdentityFaceOutcomeResponse>(deps.db, keyed);
  if (stored) return stored;
  const checked = await checkOutcome(deps, kiosk, outcome, purpose, refuse);
  const { at, decidedAt, person, isMatch } = checked;
  const withDetails = (result: string, extra: AuditEntry['details'] = {}): AuditEntry => ({
    ...base,
    result,
    details: { ...details, idNumberMasked: maskIdNumber(person.idNumber), ...extra },
  });
  return decideOnceForPerson<IdentityFaceOutcomeResponse>(
    deps.db,
    keyed,
    outcome.personId,
    at,
    async (tx, remember) => {
      const lock = await lockStateOf(tx, rules, outcome.personId, at);
      if (isMatch && !lock.lockedUntil) {
        const verification: NewIdentityVerification = {
          verificationId: randomUUID(),
          personId: outcome.personId,
          kioskId: kiosk.kioskId,
          purpose,
          method: 'face',
          decision: 'match',
          ...faceEvidence(outcome, signature, decidedAt),
          // The kiosk's clock may run ahead: a verification never counts from the future.
          verifiedAt: decidedAt.getTime() > at.getTime() ? at : decidedAt,
          spotCheck: false,
          idempotencyKey,
        };
        const response: IdentityFaceOutcomeResponse = {
          verification: verificationOf(verification),
          lockedUntil: null,
          mismatchesLeft: rules.lockout.maxMismatches,
        };
        await remember(response);
        await insertIdentityVerification(tx, verification);
        await appendAuditInTransaction(
          tx,
          withDetails('verified', { verificationId: verification.verificationId }),
          at,
        );
        return response;
      }
      const failed = await recordFailedOutcome(
        tx,
        rules,
        kiosk,
        { outcome, idempotencyKey, purpose },
        checked,
        lock,
        withDetails,
        (answer) => remember({ verification: null, ...answer }),
      );
      return { verification: null, ...failed };
    },
  );
}

/**
 * A bank staff member signed in at this kiosk confirms the person in front of them for this purpose: recorded
 * with the staff member and the reason, flagged for the bureau's spot check. Allowed while the face check is
 * locked, as for qualification. Idempotent by key.
 */
export async function recordIdentityAssisted(
  deps: IdentityDeps,
  kiosk: AuthenticatedKiosk,
  request: {
    idempotencyKey: string;
    purpose: IdentityCheckPurpose;
    personId: string;
    staffToken: string;
    reason: AssistReason;
  },
): Promise<IdentityVerification> {
  const action = 'identity.assisted';
  const staff = await requireStaff(deps, kiosk, request.staffToken, action);
  const { idempotencyKey, personId, purpose } = request;
  const keyed = keyedRequest('assisted', idempotencyKey, kiosk, {
    personId,
    purpose,
    reason: request.reason,
    staffNumber: staff.staffNumber,
  });
  const stored = await storedAnswer<IdentityVerification>(deps.db, keyed);
  if (stored) return stored;
  const base = { actor: `staff:${staff.staffNumber}`, kioskId: kiosk.kioskId, action };
  const person = await personBasics(deps.db, personId);
  const details = {
    ...personDetails(person, personId),
    purpose,
    staffNumber: staff.staffNumber,
    reason: request.reason,
    idempotencyKey,
  };
  if (!person) {
    return refuser(
      deps.db,
      base,
      details,
    )('PERSON_NOT_FOUND', new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId'));
  }
  const at = nowOf(deps);
  return decideOnceForPerson<IdentityVerification>(deps.db, keyed, personId, at, async (tx, remember) => {
    const verification: NewIdentityVerification = {
      verificationId: randomUUID(),
      personId,
      kioskId: kiosk.kioskId,
      purpose,
      method: 'staff',
      decision: null,
      ...staffEvidence(staff.staffNumber, request.reason, at),
      verifiedAt: at,
      spotCheck: true,
      idempotencyKey,
    };
    const record = verificationOf(verification);
    await remember(record);
    await insertIdentityVerification(tx, verification);
    await appendAuditInTransaction(
      tx,
      {
        ...base,
        result: 'verified',
        details: { ...details, verificationId: verification.verificationId, spotCheck: true },
      },
      at,
    );
    return record;
  });
}
