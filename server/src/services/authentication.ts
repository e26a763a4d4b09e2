import type { Db } from '../db/db.ts';
import type { Clock } from './cases.ts';
import type { StaffAuthDeps } from './staff-auth.ts';

/**
 * Benefit qualification authentication (待遇领取资格认证). A pensioner proves once per validity period that they
 * are alive and entitled: by the kiosk's face check (the kiosk decides on the device and sends a signed outcome,
 * never an image) or confirmed by a bank staff member (assisted; flagged for the bureau's spot check). An
 * authentication moves the pension's due date and lifts a suspension at once; the daily job suspends lapsed ones.
 *
 * One module a step, in `authentication/`: status, consent (and the reference photo it allows), face outcome,
 * assisted, due list; what they share beside them (validity dates, the lockout, the person checks, answering
 * once per idempotency key, recording an authentication).
 */

export interface AuthenticationRules {
  validityMonths: number;
  dueSoonDays: number;
  consentMinutes: number;
  maxThreshold: number;
  lockout: { maxMismatches: number; windowMinutes: number; lockMinutes: number };
  staffSessionMinutes: number;
  staffThrottle: { maxFailures: number; windowMinutes: number };
}

export interface AuthenticationDeps extends Clock, StaffAuthDeps {
  db: Db;
  config: { authentication: AuthenticationRules; signature: { maxSkewSec: number } };
}

export { assistedAuthentication } from './authentication/assisted.ts';
export { FACE_CONSENT, recordConsent, referencePhotoFor } from './authentication/consent.ts';
export { DUE_LIST_LIMIT, dueList } from './authentication/due-list.ts';
export { recordFaceOutcome } from './authentication/face-outcome.ts';
export { type LockState, lockStateOf } from './authentication/lockout.ts';
export { authenticationStatus } from './authentication/status.ts';
export { addMonths, daysBetween, validUntilOf } from './authentication/validity.ts';
