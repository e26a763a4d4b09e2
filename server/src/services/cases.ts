import { createHash } from 'node:crypto';
import type { CaseProgressResponse } from '@sik/contract';
import type { Db } from '../db/db.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { chinaDate } from '../integrations/china-time.ts';
import { appendAudit } from '../repositories/audit.ts';
import { type CaseRecord, findCase } from '../repositories/cases.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';

/**
 * Cases (办件): every matter accepted from a citizen gets a case number and a trail of events the citizen can
 * follow. Also the two things every submission needs: the business day, and a fingerprint of the request for
 * idempotency keys.
 */

/** The clock of the services; tests move it (AppDeps.now). */
export interface Clock {
  now?: (() => number) | undefined;
}

export function nowOf(deps: Clock): Date {
  return new Date((deps.now ?? Date.now)());
}

/** Today in China (YYYY-MM-DD): ages, due dates and contribution years are counted by the local day. */
export function businessDay(deps: Clock): string {
  return chinaDate(nowOf(deps));
}

/** JSON with the keys of every object sorted, so that the same request always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the canonical JSON: what "the same body" means for an idempotency key. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

const CASE_NUMBER = /^[A-Z]{2}[0-9]{8}[0-9]{4,12}$/;

export function caseView(c: CaseRecord): CaseProgressResponse {
  return {
    caseNumber: c.caseNumber,
    kind: c.kind,
    status: c.status,
    spotCheck: c.spotCheck,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    events: c.events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, note: e.note })),
  };
}

/**
 * A case's status and events, for the person it belongs to only: another person's case number answers the same
 * NOT_FOUND as a number that does not exist, so numbers cannot be probed at a kiosk.
 */
export async function caseProgress(
  db: Db,
  kiosk: AuthenticatedKiosk,
  caseNumber: string,
  personId: string,
): Promise<CaseProgressResponse> {
  if (!CASE_NUMBER.test(caseNumber)) {
    throw new InvalidInputError('caseNumber: 办件编号格式不正确', 'caseNumber');
  }
  const found = await findCase(db, caseNumber);
  const mine = found !== null && found.personId === personId;
  await appendAudit(db, {
    actor: `kiosk:${kiosk.kioskId}`,
    kioskId: kiosk.kioskId,
    action: 'case.progress',
    result: mine ? 'ok' : 'NOT_FOUND',
    details: { caseNumber, personId },
  });
  if (!found || !mine) throw new NotFoundError('NOT_FOUND', '没有查到这个办件');
  return caseView(found);
}
