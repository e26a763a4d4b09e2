import type { Queryable } from '../../db/db.ts';
import { chinaClock } from '../../documents/content.ts';
import { NotEligibleError } from '../../errors.ts';
import {
  countLockoutFailures,
  lastIdentityVerifiedAt,
  latestLockoutEnd,
  pensionAuthState,
} from '../../repositories/authentication.ts';
import type { AuthenticationRules } from '../authentication.ts';

export interface LockState {
  lockedUntil: Date | null;
  mismatchesLeft: number;
  failures: number;
}

/**
 * Mismatches and liveness failures count within the window, after the last lockout ended and after the last
 * authentication or identity verification (whatever the check was for: one lockout per person); at
 * maxMismatches the face check locks for lockMinutes.
 */
export async function lockStateOf(
  q: Queryable,
  rules: AuthenticationRules,
  personId: string,
  now: Date,
): Promise<LockState> {
  const lastEnd = await latestLockoutEnd(q, personId);
  if (lastEnd && lastEnd.getTime() > now.getTime()) {
    return { lockedUntil: lastEnd, mismatchesLeft: 0, failures: rules.lockout.maxMismatches };
  }
  // Whatever the purpose of the check asking, the same restarts count: the last authentication and the last
  // identity verification of the person.
  const verifiedAt = await lastIdentityVerifiedAt(q, personId);
  const lastAuthenticatedAt = (await pensionAuthState(q, personId))?.lastAuthenticatedAt ?? null;
  const since = Math.max(
    now.getTime() - rules.lockout.windowMinutes * 60_000,
    lastEnd?.getTime() ?? 0,
    lastAuthenticatedAt?.getTime() ?? 0,
    verifiedAt?.getTime() ?? 0,
  );
  const failures = await countLockoutFailures(q, personId, new Date(since));
  return { lockedUntil: null, mismatchesLeft: Math.max(0, rules.lockout.maxMismatches - failures), failures };
}

export const lockedRefused = (until: Date) =>
  new NotEligibleError(
    `人脸识别比对失败次数过多，已暂停至${chinaClock(until).text}（北京时间），请由工作人员协助认证`,
    'lockedUntil',
  );
