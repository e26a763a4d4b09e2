import type { FailedRule } from '@sik/contract';
import type { Queryable } from '../db/db.ts';
import { insertCardApplication, openCardApplicationOf } from '../repositories/card-applications.ts';
import { nextReference } from '../repositories/cases.ts';

/**
 * Social security card applications (社保卡申领). For now only the first application from a bundle, queued:
 * instant issuance at the kiosk does not exist yet (issue 4 builds it and extends the table).
 */

export async function cardApplicationRuleFailures(q: Queryable, personId: string): Promise<FailedRule[]> {
  const open = await openCardApplicationOf(q, personId);
  return open
    ? [{ rule: 'noOpenCardApplication', message: `您已有一份正在办理的社保卡申请（${open}），无需重复申请` }]
    : [];
}

/** Records a queued first application inside the caller's transaction; answers its id (CA + day + sequence). */
export async function writeCardApplication(
  tx: Queryable,
  a: { personId: string; source: 'bundle' | 'kiosk'; at: Date; today: string },
): Promise<string> {
  const applicationId = await nextReference(tx, 'CA', a.today);
  await insertCardApplication(tx, {
    applicationId,
    personId: a.personId,
    kind: 'first',
    status: 'queued',
    source: a.source,
    at: a.at,
  });
  return applicationId;
}
