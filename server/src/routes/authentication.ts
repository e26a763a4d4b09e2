import {
  type IdentityDeps,
  identityCheckStatus,
  recordIdentityAssisted,
  recordIdentityConsent,
  recordIdentityFaceOutcome,
} from '../services/authentication/identity.ts';
import {
  assistedAuthentication,
  authenticationStatus,
  dueList,
  recordConsent,
  recordFaceOutcome,
  referencePhotoFor,
} from '../services/authentication.ts';
import { staffSignIn } from '../services/staff-auth.ts';
import type { RouteModuleContext } from './route-module.ts';

/**
 * Benefit qualification authentication (待遇领取资格认证) and staff sign-in at a kiosk; all signed. The face
 * check itself runs on the kiosk: these routes hand out the reference photo for one consented check and record
 * the kiosk's signed outcome, or a staff member's confirmation. The identity-check routes do the same for another
 * purpose (the face check before a card application): they record an identity verification, not an
 * authentication.
 */
export function authenticationRoutes({ mount, deps }: RouteModuleContext): void {
  mount('authenticationStatus', ({ kiosk, body }) => authenticationStatus(deps, kiosk, body.personId));
  mount('authenticationConsent', ({ kiosk, body }) => recordConsent(deps, kiosk, body));
  mount('authenticationReferencePhoto', ({ kiosk, body }) => referencePhotoFor(deps, kiosk, body));
  mount('authenticationFaceOutcome', ({ kiosk, body }) => recordFaceOutcome(deps, kiosk, body));
  mount('staffSignIn', ({ kiosk, body }) => staffSignIn(deps, kiosk, body));
  mount('authenticationAssisted', ({ kiosk, body }) => assistedAuthentication(deps, kiosk, body));
  mount('authenticationDueList', ({ kiosk, body }) => dueList(deps, kiosk, body));
  const identity: IdentityDeps = {
    ...deps,
    identityWindows: { cardIssuance: deps.config.cards.identityCheckMinutes },
  };
  mount('identityCheckStatus', ({ kiosk, body }) => identityCheckStatus(identity, kiosk, body));
  mount('identityCheckConsent', ({ kiosk, body }) => recordIdentityConsent(identity, kiosk, body));
  mount('identityCheckReferencePhoto', ({ kiosk, body }) => referencePhotoFor(identity, kiosk, body));
  mount('identityCheckFaceOutcome', ({ kiosk, body }) => recordIdentityFaceOutcome(identity, kiosk, body));
  mount('identityCheckAssisted', ({ kiosk, body }) => recordIdentityAssisted(identity, kiosk, body));
}
