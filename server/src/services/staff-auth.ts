import { createHash, randomBytes } from 'node:crypto';
import type { StaffSession } from '@sik/contract';
import { argon2id, argon2Verify } from 'hash-wasm';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../db/db.ts';
import { ApiError } from '../errors.ts';
import { appendAudit, appendAuditInTransaction } from '../repositories/audit.ts';
import {
  findStaff,
  findStaffSession,
  insertStaffSession,
  recentSignInFailures,
  recordSignInFailure,
  type SignInFailure,
  type StaffSessionRecord,
  useTotpStep,
} from '../repositories/staff.ts';
import { type Clock, nowOf } from './cases.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';

/**
 * Bank staff sign in at a kiosk for the assisted path: password (argon2id) plus a TOTP code (RFC 6238), staff of
 * the kiosk's own bank only, failures throttled per staff number. The answer is an opaque bearer token; only its
 * SHA-256 is stored, and it is good at this kiosk for a few minutes.
 */

/** argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane): ~0.1 s in WebAssembly on this machine. */
const ARGON2 = { parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32 } as const;

export function hashStaffPassword(password: string): Promise<string> {
  return argon2id({ password, salt: randomBytes(16), ...ARGON2, outputType: 'encoded' });
}

export function verifyStaffPassword(password: string, hash: string): Promise<boolean> {
  return argon2Verify({ password, hash }).catch(() => false);
}

let dummyHash: Promise<string> | undefined;
/** An unknown staff number costs the same argon2 work as a known one, so numbers cannot be probed by timing. */
function spendPasswordCheck(password: string): Promise<boolean> {
  dummyHash ??= hashStaffPassword(randomBytes(16).toString('hex'));
  return dummyHash.then((hash) => verifyStaffPassword(password, hash));
}

const TOTP_PERIOD_SEC = 30;

function totpOf(secretBase32: string): TOTP {
  return new TOTP({
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SEC,
  });
}

/** The TOTP time step a code belongs to (one step either side allowed for clock drift), or null. */
export function totpStep(secretBase32: string, code: string, at: number): number | null {
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: at, window: 1 });
  return delta === null ? null : Math.floor(at / 1000 / TOTP_PERIOD_SEC) + delta;
}

/** The current code (tests, the simulator dock). */
export function totpCode(secretBase32: string, at: number): string {
  return totpOf(secretBase32).generate({ timestamp: at });
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export class UnauthorizedError extends ApiError {
  override readonly name = 'UnauthorizedError';
  constructor(message: string, field?: string) {
    super('UNAUTHORIZED', 401, message, field);
  }
}

export interface StaffAuthDeps extends Clock {
  db: Db;
  config: {
    authentication: {
      staffSessionMinutes: number;
      staffThrottle: { maxFailures: number; windowMinutes: number };
    };
  };
}

const BAD_CREDENTIALS = '工号、密码或动态验证码不正确';

export async function staffSignIn(
  deps: StaffAuthDeps,
  kiosk: AuthenticatedKiosk,
  request: { staffNumber: string; password: string; otp: string },
): Promise<StaffSession> {
  const at = nowOf(deps);
  const { staffNumber } = request;
  const audit = (result: string, details: Record<string, string | number | boolean | null> = {}) => ({
    actor: `staff:${staffNumber}`,
    kioskId: kiosk.kioskId,
    action: 'staff.signIn',
    result,
    details: { staffNumber, bankId: kiosk.bankId, ...details },
  });
  const fail = async (reason: SignInFailure, message = BAD_CREDENTIALS): Promise<never> => {
    await deps.db.transaction(async (tx) => {
      await recordSignInFailure(tx, { staffNumber, kioskId: kiosk.kioskId, reason, at });
      await appendAuditInTransaction(tx, audit('UNAUTHORIZED', { reason }), at);
    });
    throw new UnauthorizedError(message);
  };
  const throttle = deps.config.authentication.staffThrottle;
  const since = new Date(at.getTime() - throttle.windowMinutes * 60_000);
  if ((await recentSignInFailures(deps.db, staffNumber, since)) >= throttle.maxFailures) {
    return fail('throttled', `登录失败次数过多，请${throttle.windowMinutes}分钟后再试`);
  }
  const staff = await findStaff(deps.db, staffNumber);
  if (!staff) {
    await spendPasswordCheck(request.password);
    return fail('unknownStaff');
  }
  if (!(await verifyStaffPassword(request.password, staff.passwordHash))) return fail('password');
  const step = totpStep(staff.totpSecret, request.otp, at.getTime());
  if (step === null) return fail('otp');
  if (!staff.enabled) return fail('disabled', '该工号已停用');
  if (
    staff.bankId === null ||
    staff.bankId !== kiosk.bankId ||
    !['bankStaff', 'bankSupervisor'].includes(staff.role)
  ) {
    return fail('otherBank', '只有本网点所属银行的工作人员可以在此登录');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(at.getTime() + deps.config.authentication.staffSessionMinutes * 60_000);
  const accepted = await deps.db.transaction(async (tx) => {
    // A code is good once: a second sign-in with the same code (shoulder-surfed, replayed) is refused.
    if (!(await useTotpStep(tx, staffNumber, step))) return false;
    await insertStaffSession(tx, {
      tokenHash: hashToken(token),
      staffNumber,
      kioskId: kiosk.kioskId,
      createdAt: at,
      expiresAt,
    });
    await appendAuditInTransaction(
      tx,
      audit('ok', { role: staff.role, expiresAt: expiresAt.toISOString() }),
      at,
    );
    return true;
  });
  if (!accepted) return fail('otp', '动态验证码已使用过，请等待下一个验证码');
  return { staffToken: token, staffName: staff.name, role: staff.role, expiresAt: expiresAt.toISOString() };
}

/**
 * The staff member behind a bearer token, when the token is live, was issued at this kiosk, and its holder is
 * still enabled staff of the kiosk's bank; otherwise UNAUTHORIZED (audited).
 */
export async function requireStaff(
  deps: Clock & { db: Db },
  kiosk: AuthenticatedKiosk,
  token: string,
  action: string,
): Promise<StaffSessionRecord> {
  const session = await findStaffSession(deps.db, hashToken(token));
  const at = nowOf(deps);
  const problem = !session
    ? 'unknownToken'
    : session.expiresAt.getTime() <= at.getTime()
      ? 'expired'
      : session.kioskId !== kiosk.kioskId
        ? 'otherKiosk'
        : !session.enabled || session.bankId !== kiosk.bankId
          ? 'notBankStaff'
          : null;
  if (problem || !session) {
    await appendAudit(deps.db, {
      actor: session ? `staff:${session.staffNumber}` : `kiosk:${kiosk.kioskId}`,
      kioskId: kiosk.kioskId,
      action,
      result: 'UNAUTHORIZED',
      details: { reason: problem ?? 'unknownToken' },
    });
    throw new UnauthorizedError('工作人员登录已失效，请重新登录', 'staffToken');
  }
  return session;
}
