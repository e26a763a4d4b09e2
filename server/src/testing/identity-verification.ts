import { createHash, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { insertAuthenticationRequest, insertIdentityVerification } from '../repositories/authentication.ts';
import { staffEvidence } from '../services/authentication/recording.ts';

/**
 * For tests and harnesses that apply for cards without a kiosk's face check: records, directly in the database,
 * a staff confirmation of the person at the kiosk for a card application (what POST identity-checks/assisted
 * records), so that cardApply accepts the application for cards.identityCheckMinutes (15 by default) from `at`.
 * The staff member is `staffNumber`, or the first enabled staff member of the database (the demo seed has one).
 * Answers the verification's id. Real clock: a verification recorded now expires 15 minutes later; call it again
 * before each application (it is cheap).
 */
export async function recordIdentityVerification(
  db: Queryable,
  request: { personId: string; kioskId: string; at?: Date; staffNumber?: string },
): Promise<string> {
  const at = request.at ?? new Date();
  const staffNumber = request.staffNumber ?? (await firstStaff(db));
  const verificationId = randomUUID();
  const idempotencyKey = `test-${verificationId}`;
  await insertAuthenticationRequest(db, {
    key: idempotencyKey,
    kind: 'assisted',
    kioskId: request.kioskId,
    requestHash: createHash('sha256').update(idempotencyKey).digest('hex'),
    response: { verificationId },
    at,
  });
  await insertIdentityVerification(db, {
    verificationId,
    personId: request.personId,
    kioskId: request.kioskId,
    purpose: 'cardIssuance',
    method: 'staff',
    decision: null,
    ...staffEvidence(staffNumber, 'cannotUseCamera', at),
    verifiedAt: at,
    spotCheck: true,
    idempotencyKey,
  });
  return verificationId;
}

async function firstStaff(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ staff_number: string }>(
    'SELECT staff_number FROM staff WHERE enabled ORDER BY staff_number LIMIT 1',
  );
  const staff = rows[0]?.staff_number;
  if (!staff)
    throw new Error('recordIdentityVerification: no staff in the database (seed the demo staff first)');
  return staff;
}
