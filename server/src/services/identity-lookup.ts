import {
  type IdentityLookupRequest,
  type IdentityLookupResponse,
  maskIdNumber,
  maskName,
} from '@sik/contract';
import type { Db } from '../db/db.ts';
import { NotFoundError } from '../errors.ts';
import { appendAudit } from '../repositories/audit.ts';
import { findPersonByCard, insurancesOf, isPensioner } from '../repositories/people.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';

/**
 * Who is at the kiosk: the person holding the card just read, with the name masked for bystanders. Every lookup
 * is audited, found or not, with the ID number masked (the audit log is read by more people than the records).
 */
export async function lookupIdentity(
  db: Db,
  kiosk: AuthenticatedKiosk,
  request: IdentityLookupRequest,
): Promise<IdentityLookupResponse> {
  const person = await findPersonByCard(db, request.cardType, request.idNumber);
  const entry = {
    actor: `kiosk:${kiosk.kioskId}`,
    kioskId: kiosk.kioskId,
    action: 'identity.lookup',
  };
  const details = { cardType: request.cardType, idNumberMasked: maskIdNumber(request.idNumber) };
  if (!person) {
    await appendAudit(db, { ...entry, result: 'PERSON_NOT_FOUND', details });
    throw new NotFoundError('PERSON_NOT_FOUND', 'no person holds this card');
  }
  const [insurances, pensioner] = await Promise.all([
    insurancesOf(db, person.personId),
    isPensioner(db, person.personId),
  ]);
  await appendAudit(db, { ...entry, result: 'ok', details: { ...details, personId: person.personId } });
  return { personId: person.personId, maskedName: maskName(person.name), insurances, pensioner };
}
