import type { Db, Queryable } from '../../db/db.ts';
import { ConflictError } from '../../errors.ts';
import {
  findAuthenticationRequest,
  insertAuthenticationRequest,
  lockPersonRow,
  type PensionAuthState,
  pensionAuthState,
  type StoredRequest,
} from '../../repositories/authentication.ts';
import { fingerprint } from '../cases.ts';
import { isUniqueViolation } from '../enrollment.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { notPensioner } from './person.ts';

/**
 * A face outcome or an assisted authentication is answered once per idempotency key: the same request again gets
 * the stored answer, another request with the key is a CONFLICT.
 */

export interface KeyedRequest {
  key: string;
  kind: StoredRequest<unknown>['kind'];
  kioskId: string;
  requestHash: string;
}

/** The request under its key: what the kiosk asked (`request`, with the kiosk's id) is kept as a fingerprint. */
export const keyedRequest = (
  kind: KeyedRequest['kind'],
  key: string,
  kiosk: AuthenticatedKiosk,
  request: Record<string, unknown>,
): KeyedRequest => ({
  key,
  kind,
  kioskId: kiosk.kioskId,
  requestHash: fingerprint({ kioskId: kiosk.kioskId, ...request }),
});

function sameOrConflict<T>(stored: StoredRequest<T>, request: KeyedRequest): T {
  if (stored.kind !== request.kind || stored.requestHash !== request.requestHash) {
    throw new ConflictError('idempotencyKey: 这个编号已用于另一次不同的认证', 'idempotencyKey');
  }
  return stored.response;
}

/** The answer stored under the request's key, when the same request came before; null when the key is new. */
export async function storedAnswer<T>(q: Queryable, request: KeyedRequest): Promise<T | null> {
  const stored = await findAuthenticationRequest<T>(q, request.key);
  return stored ? sameOrConflict(stored, request) : null;
}

/**
 * Decides the request in one transaction, under the person's row lock (one of the person's requests is decided
 * at a time) and with their pension read for update. `decide` stores its answer with `remember` before it writes
 * anything else. When the key was taken meanwhile by a request for another person, that one's answer is given.
 */
export async function decideOnce<T>(
  db: Db,
  request: KeyedRequest,
  personId: string,
  at: Date,
  decide: (tx: Queryable, pension: PensionAuthState, remember: (response: T) => Promise<void>) => Promise<T>,
): Promise<T> {
  return decideOnceForPerson<T>(db, request, personId, at, async (tx, remember) => {
    const pension = await pensionAuthState(tx, personId, true);
    if (!pension) throw notPensioner(null);
    return decide(tx, pension, remember);
  });
}

/**
 * decideOnce without the pension: for an identity verification, which anyone with a record may need (a card
 * applicant need not draw a pension). Same row lock, same one answer per key.
 */
export async function decideOnceForPerson<T>(
  db: Db,
  request: KeyedRequest,
  personId: string,
  at: Date,
  decide: (tx: Queryable, remember: (response: T) => Promise<void>) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      await lockPersonRow(tx, personId);
      const again = await storedAnswer<T>(tx, request);
      if (again) return again;
      const remember = (response: T) => insertAuthenticationRequest(tx, { ...request, response, at });
      return decide(tx, remember);
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const winner = await storedAnswer<T>(db, request);
      if (winner) return winner;
    }
    throw error;
  }
}
