import type { AuthenticationStatus } from '@sik/contract';
import { appendAudit } from '../../repositories/audit.ts';
import { hasRegistryPhoto, pensionAuthState } from '../../repositories/authentication.ts';
import type { AuthenticationDeps } from '../authentication.ts';
import { businessDay, nowOf } from '../cases.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { actorOf, personDetails } from './audit.ts';
import { FACE_CONSENT } from './consent.ts';
import { lockStateOf } from './lockout.ts';
import { findPersonAudited } from './person.ts';
import { daysBetween, validUntilOf } from './validity.ts';

/** What the kiosk shows first: whether the person is due, locked out, has a photo to compare, and the consent. */
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
  const lock = await lockStateOf(deps.db, rules, personId, now);
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
