import { DEMO_STAFF } from '@sik/seeds';
import type { Queryable } from '../../../server/src/db/db.ts';
import { putRegistryPhoto } from '../../../server/src/repositories/authentication.ts';
import { recordIdentityVerification } from '../../../server/src/testing/identity-verification.ts';
import type { Person } from './types.ts';

/**
 * The people card issuance is run for, shared by the crash harness and bench/issuance.ts: adults with a resident
 * card type and neither a card nor an application (their first card comes first), given a registry photo (only
 * people with one can get a card at the kiosk) and a recent identity verification at the kiosk.
 */

/** Adults without any card or application, in person id order (at most `limit` of them). */
export async function peopleWithoutCard(db: Queryable, limit?: number): Promise<Person[]> {
  const { rows } = await db.query<{ person_id: string; name: string; id_number: string }>(
    `SELECT p.person_id, p.name, p.id_number FROM people p
     WHERE p.card_type = 'resident' AND p.birth_date < '2006-01-01'
       AND NOT EXISTS (SELECT 1 FROM card_applications a WHERE a.person_id = p.person_id)
       AND NOT EXISTS (SELECT 1 FROM social_security_cards c WHERE c.person_id = p.person_id)
     ORDER BY p.person_id${limit === undefined ? '' : ' LIMIT $1'}`,
    limit === undefined ? [] : [limit],
  );
  return rows.map((r) => ({ personId: r.person_id, name: r.name, idNumber: r.id_number }));
}

/** A JPEG for people the demo registry has no photo of (a copy of a demo card holder's). */
export async function anyRegistryPhoto(db: Queryable): Promise<Uint8Array> {
  const { rows } = await db.query<{ jpeg: Uint8Array }>('SELECT jpeg FROM photo_registry LIMIT 1');
  const jpeg = rows[0]?.jpeg;
  if (!jpeg) throw new Error('the demo seed has no registry photo');
  return new Uint8Array(jpeg);
}

/** Gives the person a registry photo (a demo fixture). */
export async function giveRegistryPhoto(db: Queryable, personId: string, jpeg: Uint8Array): Promise<void> {
  await putRegistryPhoto(db, { personId, jpeg, source: 'demoFixture', capturedOn: '2024-03-15' });
}

/**
 * Identity -> face check -> application: the server wants the person verified at this kiosk minutes ago. The
 * face check is not what is measured or tested here: a staff confirmation (by the demo staff member) is recorded
 * straight into the database. Real clock: call it before each application.
 */
export async function staffVerified(db: Queryable, personId: string, kioskId: string): Promise<void> {
  await recordIdentityVerification(db, { personId, kioskId, staffNumber: DEMO_STAFF.staffNumber });
}
