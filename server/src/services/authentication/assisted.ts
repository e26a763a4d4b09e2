import type { AssistReason, AuthenticationRecord } from '@sik/contract';
import { NotFoundError } from '../../errors.ts';
import { pensionAuthState } from '../../repositories/authentication.ts';
import { personBasics } from '../../repositories/records.ts';
import type { AuthenticationDeps } from '../authentication.ts';
import { nowOf } from '../cases.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { requireStaff } from '../staff-auth.ts';
import { personDetails, refuser } from './audit.ts';
import { decideOnce, keyedRequest, storedAnswer } from './idempotency.ts';
import { notPensioner } from './person.ts';
import { newAuthentication, recordedDetails, staffEvidence, writeAuthentication } from './recording.ts';

/**
 * A bank staff member signed in at this kiosk confirms the person in front of them: recorded with the staff
 * member and the reason, flagged for the bureau's spot check; the same validity and resumption as a face match.
 * Allowed while the face check is locked: the lockout guards against faces, not against a person seen by staff.
 */
export async function assistedAuthentication(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { idempotencyKey: string; personId: string; staffToken: string; reason: AssistReason },
): Promise<AuthenticationRecord> {
  const action = 'authentication.assisted';
  const staff = await requireStaff(deps, kiosk, request.staffToken, action);
  const { idempotencyKey } = request;
  const keyed = keyedRequest('assisted', idempotencyKey, kiosk, {
    personId: request.personId,
    reason: request.reason,
    staffNumber: staff.staffNumber,
  });
  const stored = await storedAnswer<AuthenticationRecord>(deps.db, keyed);
  if (stored) return stored;
  const base = { actor: `staff:${staff.staffNumber}`, kioskId: kiosk.kioskId, action };
  const person = await personBasics(deps.db, request.personId);
  const details = {
    ...personDetails(person, request.personId),
    staffNumber: staff.staffNumber,
    reason: request.reason,
    idempotencyKey,
  };
  const refuse = refuser(deps.db, base, details);
  if (!person)
    return refuse('PERSON_NOT_FOUND', new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId'));
  const refusal = notPensioner(await pensionAuthState(deps.db, request.personId));
  if (refusal) return refuse('NOT_ELIGIBLE', refusal);
  const at = nowOf(deps);
  const rules = deps.config.authentication;
  return decideOnce<AuthenticationRecord>(
    deps.db,
    keyed,
    request.personId,
    at,
    async (tx, pension, remember) => {
      const record = newAuthentication('assisted', at, pension, rules.validityMonths);
      await remember(record);
      await writeAuthentication(
        tx,
        record,
        { personId: request.personId, kioskId: kiosk.kioskId, idempotencyKey },
        staffEvidence(staff.staffNumber, request.reason, at),
        {
          ...base,
          result: 'authenticated',
          details: { ...details, ...recordedDetails(record), spotCheck: true },
        },
        at,
      );
      return record;
    },
  );
}
