import { NotEligibleError, NotFoundError } from '../../errors.ts';
import { appendAudit } from '../../repositories/audit.ts';
import type { PensionAuthState } from '../../repositories/authentication.ts';
import { type PersonBasics, personBasics } from '../../repositories/records.ts';
import type { AuthenticationDeps } from '../authentication.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { actorOf } from './audit.ts';

/** Who may authenticate: a known person who draws a pension that has not ended. */

export async function findPersonAudited(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  action: string,
  personId: string,
): Promise<PersonBasics> {
  const person = await personBasics(deps.db, personId);
  if (!person) {
    await appendAudit(deps.db, {
      ...actorOf(kiosk),
      action,
      result: 'PERSON_NOT_FOUND',
      details: { personId },
    });
    throw new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId');
  }
  return person;
}

export function notPensioner(pension: PensionAuthState | null): NotEligibleError | null {
  if (!pension) return new NotEligibleError('您没有领取养老金，无需进行待遇领取资格认证', 'pensioner');
  if (pension.status === 'terminated') {
    return new NotEligibleError('您的养老金待遇已终止，请到社保服务窗口咨询', 'pensionStatus');
  }
  return null;
}
