import { randomUUID } from 'node:crypto';
import { InvalidInputError, NotEligibleError, NotFoundError } from '../../errors.ts';
import { type AuditEntry, appendAuditInTransaction } from '../../repositories/audit.ts';
import {
  type ConsentRecord,
  type FacePurpose,
  findConsent,
  insertConsent,
  markPhotoServed,
  pensionAuthState,
  registryPhoto,
} from '../../repositories/authentication.ts';
import type { AuthenticationDeps } from '../authentication.ts';
import { nowOf } from '../cases.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { actorOf, personDetails, refuser } from './audit.ts';
import { lockedRefused, lockStateOf } from './lockout.ts';
import { findPersonAudited, notPensioner } from './person.ts';

/**
 * Consent to the face check, given on one kiosk for a short while, and what it allows: the registry photo for one
 * check, and (in face-outcome.ts) the outcome of that check.
 */

/** What the kiosk shows (and reads aloud) before any capture; the version is recorded with the answer. */
export const FACE_CONSENT = {
  version: 'face-consent/2026-2',
  text:
    '为确认您本人领取养老金的资格，本机将用摄像头拍摄您的面部，与社保部门留存的您的照片（照片库中没有时，用您身份证芯片中的照片）比对。' +
    '拍摄的画面只在这台机器上临时处理，不会上传，也不会保存，比对结束立即删除；社保部门只收到比对结果。' +
    '您可以不同意：不同意也能办理，请点“不同意，由工作人员协助认证”，银行工作人员会当面为您核实身份。',
} as const;

export async function recordConsent(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; version: string; granted: boolean },
): Promise<{ consentId: string; expiresAt: string }> {
  const action = 'authentication.consent';
  const { details, refuse } = await consentAudit(deps, kiosk, action, request);
  if (request.version !== FACE_CONSENT.version) {
    return refuse(
      'INVALID_INPUT',
      new InvalidInputError(`version: 授权书版本应为 ${FACE_CONSENT.version}`, 'version'),
    );
  }
  const refusal = notPensioner(await pensionAuthState(deps.db, request.personId));
  if (refusal) return refuse('NOT_ELIGIBLE', refusal);
  return saveConsent(deps, kiosk, { ...request, purpose: 'qualification' }, { action, details });
}

/** A consent request's audit details (the person found or not, audited) and its refusal. */
export async function consentAudit(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  action: string,
  request: { personId: string; version: string; granted: boolean },
  extra: AuditEntry['details'] = {},
) {
  const person = await findPersonAudited(deps, kiosk, action, request.personId);
  const details = {
    ...personDetails(person, request.personId),
    ...extra,
    version: request.version,
    granted: request.granted,
  };
  return { details, refuse: refuser(deps.db, { ...actorOf(kiosk), action }, details) };
}

/**
 * Records the consent (or its refusal) for its purpose, given now at this kiosk and valid for
 * authentication.consentMinutes, with its audit entry; what the kiosk is told.
 */
export async function saveConsent(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; version: string; granted: boolean; purpose: FacePurpose },
  audit: { action: string; details: AuditEntry['details'] },
): Promise<{ consentId: string; expiresAt: string }> {
  const at = nowOf(deps);
  const consent = {
    consentId: randomUUID(),
    personId: request.personId,
    kioskId: kiosk.kioskId,
    granted: request.granted,
    textVersion: request.version,
    recordedAt: at,
    expiresAt: new Date(at.getTime() + deps.config.authentication.consentMinutes * 60_000),
    purpose: request.purpose,
  };
  await deps.db.transaction(async (tx) => {
    await insertConsent(tx, consent);
    await appendAuditInTransaction(
      tx,
      {
        ...actorOf(kiosk),
        action: audit.action,
        result: request.granted ? 'granted' : 'declined',
        details: { ...audit.details, consentId: consent.consentId },
      },
      at,
    );
  });
  return { consentId: consent.consentId, expiresAt: consent.expiresAt.toISOString() };
}

type ConsentProblem = 'unknownConsent' | 'otherPerson' | 'otherKiosk' | 'declined' | 'expired';

export function consentProblem(
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

export const consentRefused = () =>
  new NotEligibleError('人脸识别授权无效或已过期，请重新确认授权后再进行人脸识别', 'consentId');

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
  const refuse = refuser(deps.db, { ...actorOf(kiosk), action }, details);
  const problem = consentProblem(await findConsent(deps.db, request.consentId), request.personId, kiosk, at);
  if (problem) return refuse('NOT_ELIGIBLE', consentRefused(), { reason: problem });
  const lock = await lockStateOf(deps.db, deps.config.authentication, request.personId, at);
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
