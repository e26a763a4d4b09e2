import { maskIdNumber } from '@sik/contract';
import type { Db } from '../../db/db.ts';
import { type AuditEntry, appendAudit } from '../../repositories/audit.ts';
import type { PersonBasics } from '../../repositories/records.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';

/** What the audit log says of each step: who acted, the person by id and masked ID number, and refusals. */

export const actorOf = (kiosk: AuthenticatedKiosk) => ({
  actor: `kiosk:${kiosk.kioskId}`,
  kioskId: kiosk.kioskId,
});

export function personDetails(person: PersonBasics | null, personId: string) {
  return { personId, ...(person ? { idNumberMasked: maskIdNumber(person.idNumber) } : {}) };
}

/** A step's refusal: audited with the step's details (and any extra), then thrown. */
export function refuser(
  db: Db,
  base: Omit<AuditEntry, 'result' | 'details'>,
  details: AuditEntry['details'],
) {
  return async (result: string, error: Error, extra: Record<string, string> = {}): Promise<never> => {
    await appendAudit(db, { ...base, result, details: { ...details, ...extra } });
    throw error;
  };
}
