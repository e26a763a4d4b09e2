import type { BundleConfig, BundleItemConfig } from '@sik/config';
import {
  type BundleDefinitionResponse,
  type BundleItemResult,
  type BundlePayment,
  type BundleSubmitRequest,
  type BundleSubmitResponse,
  type FailedRule,
  maskAccountNumber,
  maskIdNumber,
  maskName,
} from '@sik/contract';
import type { AppDeps } from '../app.ts';
import type { Queryable } from '../db/db.ts';
import { ConflictError, InvalidInputError, NotEligibleError, ServiceNotAuthorisedError } from '../errors.ts';
import { appendAudit, appendAuditInTransaction } from '../repositories/audit.ts';
import { linkedAccountOf } from '../repositories/bank-accounts.ts';
import { answerSubmission, findSubmissionByKey, insertSubmission } from '../repositories/bundles.ts';
import { nextReference } from '../repositories/cases.ts';
import { latestPhoneOf, lockPerson } from '../repositories/enrollment.ts';
import { contributionOfYear, insuranceRecordsOf, type PersonBasics } from '../repositories/records.ts';
import { contributionError, contributionResult } from './bundles/contribution.ts';
import { bundleForm, checkFields, type FieldValues } from './bundles/fields.ts';
import { cardApplicationRuleFailures, writeCardApplication } from './card-applications.ts';
import { businessDay, fingerprint, nowOf } from './cases.ts';
import {
  enrollmentRuleFailures,
  findPersonOrThrow,
  isUniqueViolation,
  suggestHousehold,
  writeEnrollment,
} from './enrollment.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';
import { createPaymentDeps, payContribution } from './payments.ts';

/**
 * The bundle engine (一件事: 打包受理 -> 拆包分办 -> 综合反馈). A bundle from config is one form (the union of its
 * items' fields) and one submission, which is:
 *
 * 1. checked whole before anything is written: every field (400 naming it), every item's rules (422 naming
 *    them), the bank's authorisation for every item's service (403);
 * 2. written in one transaction: the items that are records (enrollment with its case, card application) and
 *    the submission itself, so either all of them exist or none;
 * 3. paid: the contribution goes to the payment service after the commit (a bank must not be called inside a
 *    database transaction); its outcome, good or bad, does not undo the items already written;
 * 4. answered once, with every item's result, and the answer stored: the same idempotency key gets it again.
 *
 * A submission that crashed between 2 and 4 is finished by the next request with its key: the payment service's
 * own idempotency key (`<key>-contribution`) makes sure it is paid at most once.
 */

export type BundleDeps = AppDeps;

interface Written {
  /** The contribution year, fixed when the submission was accepted. */
  year: number;
  results: BundleItemResult[];
}

function bundleOf(deps: BundleDeps, bundleId: string): BundleConfig {
  const bundle = deps.config.bundles.find((b) => b.id === bundleId);
  if (!bundle) throw new InvalidInputError(`bundleId: 没有这个一件事事项（${bundleId}）`, 'bundleId');
  return bundle;
}

/** The route checks the service it carries; a bundle needs the bank to be authorised for every item's. */
function checkAuthorised(kiosk: AuthenticatedKiosk, bundle: BundleConfig): void {
  const missing = [...new Set(bundle.items.map((i) => i.service))].filter((s) => !kiosk.services.includes(s));
  if (missing.length > 0) {
    throw new ServiceNotAuthorisedError(`${kiosk.bankName} is not authorised for ${missing.join(', ')}`);
  }
}

interface RuleContext {
  deps: BundleDeps;
  bundle: BundleConfig;
  person: PersonBasics;
  today: string;
  year: number;
  /** Null when the method is not chosen yet (the definition). */
  payment: BundlePayment | null;
}

async function itemRuleFailures(
  q: Queryable,
  item: BundleItemConfig,
  ctx: RuleContext,
): Promise<FailedRule[]> {
  const { person } = ctx;
  switch (item.kind) {
    case 'enrollment':
      return enrollmentRuleFailures(q, {
        person,
        today: ctx.today,
        minAge: ctx.deps.config.residentPension.minAge,
      });
    case 'contribution': {
      const failed: FailedRule[] = [];
      // With an enrollment item in the bundle, its rules decide whether the person may join; alone, the person
      // must be enrolled already.
      if (!ctx.bundle.items.some((i) => i.kind === 'enrollment')) {
        const pension = (await insuranceRecordsOf(q, person.personId)).find((i) => i.type === 'pension');
        if (pension?.scheme !== 'resident' || pension.status === 'terminated') {
          failed.push({ rule: 'enrolled', message: '尚未参加城乡居民养老保险，请先办理参保登记' });
        }
      }
      if ((await contributionOfYear(q, person.personId, 'pension', ctx.year)) !== null) {
        failed.push({ rule: 'notAlreadyPaid', message: `${ctx.year}年度已缴费，无需重复缴纳` });
      }
      if (ctx.payment?.kind === 'bankAccount' && !(await linkedAccountOf(q, person.personId))) {
        failed.push({ rule: 'linkedAccount', message: '您没有绑定的银行账户，请改用扫码缴费' });
      }
      return failed;
    }
    case 'cardApplication':
      return cardApplicationRuleFailures(q, person.personId);
  }
}

async function allRuleFailures(
  q: Queryable,
  ctx: RuleContext,
): Promise<{ item: BundleItemConfig; failed: FailedRule[] }[]> {
  const results = [];
  for (const item of ctx.bundle.items) results.push({ item, failed: await itemRuleFailures(q, item, ctx) });
  return results;
}

function refusal(failures: { item: BundleItemConfig; failed: FailedRule[] }[]): NotEligibleError | null {
  const failed = failures.filter((f) => f.failed.length > 0);
  if (failed.length === 0) return null;
  const message = failed
    .map((f) => `${f.item.title}：${f.failed.map((r) => r.message).join('；')}`)
    .join('。');
  return new NotEligibleError(message, failed[0]?.failed[0]?.rule);
}

export async function bundleDefinition(
  deps: BundleDeps,
  kiosk: AuthenticatedKiosk,
  query: { bundleId: string; personId: string },
): Promise<BundleDefinitionResponse> {
  const bundle = bundleOf(deps, query.bundleId);
  checkAuthorised(kiosk, bundle);
  const person = await findPersonOrThrow(deps.db, query.personId);
  const today = businessDay(deps);
  const year = Number(today.slice(0, 4));
  const failures = await allRuleFailures(deps.db, { deps, bundle, person, today, year, payment: null });
  const [phone, account] = await Promise.all([
    latestPhoneOf(deps.db, person.personId),
    linkedAccountOf(deps.db, person.personId),
  ]);
  const eligible = failures.every((f) => f.failed.length === 0);
  await appendAudit(deps.db, {
    actor: `kiosk:${kiosk.kioskId}`,
    kioskId: kiosk.kioskId,
    action: 'bundle.definition',
    result: eligible ? 'eligible' : 'NOT_ELIGIBLE',
    details: {
      bundleId: bundle.id,
      personId: person.personId,
      idNumberMasked: maskIdNumber(person.idNumber),
    },
  });
  const prefill: Record<string, string | number | boolean> = {
    personId: person.personId,
    householdType: suggestHousehold(person.address),
  };
  if (phone) prefill.phone = phone;
  return {
    bundleId: bundle.id,
    title: bundle.title,
    personId: person.personId,
    maskedName: maskName(person.name),
    eligible,
    items: failures.map(({ item, failed }) => ({
      item: item.id,
      kind: item.kind,
      service: item.service,
      title: item.title,
      eligible: failed.length === 0,
      failedRules: failed,
    })),
    fields: bundleForm(bundle, deps.config.residentPension.gradesYuan),
    prefill,
    payment: {
      amountYear: year,
      linkedAccount: account
        ? { bankName: account.bankName, maskedAccount: maskAccountNumber(account.accountNumber) }
        : null,
      methods: account ? ['bankAccount', 'qr'] : ['qr'],
    },
  };
}

/** The submission's meaning, for the idempotency key: everything but the key itself and the PIN block. */
function submissionHash(request: BundleSubmitRequest): string {
  const { idempotencyKey: _key, payment, ...rest } = request;
  return fingerprint({ ...rest, payment: payment.kind });
}

function stringField(values: FieldValues, id: string): string {
  const value = values[id];
  if (typeof value !== 'string') throw new InvalidInputError(`fields.${id}: 请填写`, `fields.${id}`);
  return value;
}

interface WriteContext extends RuleContext {
  kiosk: AuthenticatedKiosk;
  values: FieldValues;
  bundleKey: string;
  at: Date;
}

/** An item that is a record, written in the submission's transaction; null for the items done afterwards. */
async function writeItem(
  tx: Queryable,
  item: BundleItemConfig,
  ctx: WriteContext,
): Promise<BundleItemResult | null> {
  switch (item.kind) {
    case 'enrollment': {
      const body = {
        personId: ctx.person.personId,
        gradeYuan: Number(ctx.values.gradeYuan),
        phone: stringField(ctx.values, 'phone'),
        householdType: stringField(ctx.values, 'householdType') as 'urban' | 'rural',
        residenceProof: stringField(ctx.values, 'residenceProof') as 'provided' | 'commitment',
        ...(ctx.values.commitmentSigned === true ? { commitmentSigned: true as const } : {}),
      };
      const enrolled = await writeEnrollment(tx, {
        kioskId: ctx.kiosk.kioskId,
        person: ctx.person,
        request: body,
        idempotencyKey: `${ctx.bundleKey}-enrollment`,
        requestHash: fingerprint(body),
        at: ctx.at,
        today: ctx.today,
      });
      const spotCheck = enrolled.commitment
        ? `；您签署了告知承诺，将在${enrolled.commitment.checkDue}前核查`
        : '';
      return {
        item: item.id,
        kind: 'enrollment',
        status: 'done',
        message: `城乡居民养老保险参保登记已办结（秒批），办件编号${enrolled.caseNumber}${spotCheck}`,
        reference: enrolled.caseNumber,
      };
    }
    case 'cardApplication': {
      const applicationId = await writeCardApplication(tx, {
        personId: ctx.person.personId,
        source: 'bundle',
        at: ctx.at,
        today: ctx.today,
      });
      return {
        item: item.id,
        kind: 'cardApplication',
        status: 'queued',
        message: `社保卡申领已受理，申请编号${applicationId}，排队制卡中；本机暂不能即时制卡`,
        reference: applicationId,
      };
    }
    case 'contribution':
      return null;
  }
}

type Accepted =
  | { kind: 'accepted'; submissionId: string; written: Written }
  | { kind: 'answered'; response: BundleSubmitResponse };

function storedOrConflict(
  stored: {
    requestHash: string;
    status: string;
    response: BundleSubmitResponse | null;
    submissionId: string;
    written: Written;
  },
  requestHash: string,
): Accepted {
  if (stored.requestHash !== requestHash) {
    throw new ConflictError('idempotencyKey: 这个编号已用于另一份不同的申请', 'idempotencyKey');
  }
  if (stored.status === 'answered' && stored.response) return { kind: 'answered', response: stored.response };
  return { kind: 'accepted', submissionId: stored.submissionId, written: stored.written };
}

/** Splits the submission, runs every item, answers once. See the module comment for the order and guarantees. */
export async function submitBundle(
  deps: BundleDeps,
  kiosk: AuthenticatedKiosk,
  request: BundleSubmitRequest,
): Promise<BundleSubmitResponse> {
  const bundle = bundleOf(deps, request.bundleId);
  checkAuthorised(kiosk, bundle);
  const requestHash = submissionHash(request);
  const bundleKey = request.idempotencyKey;

  let accepted: Accepted;
  const stored = await findSubmissionByKey<Written, BundleSubmitResponse>(deps.db, bundleKey);
  if (stored) {
    accepted = storedOrConflict(stored, requestHash);
  } else {
    accepted = await accept(deps, kiosk, bundle, request, requestHash);
  }
  if (accepted.kind === 'answered') return accepted.response;
  return finish(deps, kiosk, bundle, request, accepted.submissionId, accepted.written);
}

/** Steps 1 and 2: every check, then one transaction. */
async function accept(
  deps: BundleDeps,
  kiosk: AuthenticatedKiosk,
  bundle: BundleConfig,
  request: BundleSubmitRequest,
  requestHash: string,
): Promise<Accepted> {
  const values = checkFields(
    bundle,
    deps.config.residentPension.gradesYuan,
    request.personId,
    request.fields,
  );
  const person = await findPersonOrThrow(deps.db, request.personId);
  const today = businessDay(deps);
  const at = nowOf(deps);
  const ctx: WriteContext = {
    deps,
    bundle,
    person,
    today,
    year: Number(today.slice(0, 4)),
    payment: request.payment,
    kiosk,
    values,
    bundleKey: request.idempotencyKey,
    at,
  };
  const audit = { actor: `kiosk:${kiosk.kioskId}`, kioskId: kiosk.kioskId, action: 'bundle.submit' };
  const details = {
    bundleId: bundle.id,
    personId: person.personId,
    idNumberMasked: maskIdNumber(person.idNumber),
  };
  const refused = refusal(await allRuleFailures(deps.db, ctx));
  if (refused) {
    await appendAudit(deps.db, {
      ...audit,
      result: 'NOT_ELIGIBLE',
      details: { ...details, rule: refused.field ?? null },
    });
    throw refused;
  }
  try {
    return await deps.db.transaction(async (tx): Promise<Accepted> => {
      await lockPerson(tx, person.personId);
      // Under the lock: the same submission sent twice at once is decided here, once.
      const again = await findSubmissionByKey<Written, BundleSubmitResponse>(tx, request.idempotencyKey);
      if (again) return storedOrConflict(again, requestHash);
      const refusedNow = refusal(await allRuleFailures(tx, ctx));
      if (refusedNow) throw refusedNow;
      const submissionId = await nextReference(tx, 'BS', today);
      const results: BundleItemResult[] = [];
      for (const item of bundle.items) {
        const result = await writeItem(tx, item, ctx);
        if (result) results.push(result);
      }
      const written: Written = { year: ctx.year, results };
      await insertSubmission(tx, {
        submissionId,
        bundleId: bundle.id,
        personId: person.personId,
        kioskId: kiosk.kioskId,
        idempotencyKey: request.idempotencyKey,
        requestHash,
        written,
        at,
      });
      await appendAuditInTransaction(
        tx,
        {
          ...audit,
          result: 'accepted',
          details: { ...details, submissionId, references: results.map((r) => r.reference).join(',') },
        },
        at,
      );
      return { kind: 'accepted', submissionId, written };
    });
  } catch (error) {
    // The same key used at once for another person's submission: the other request won the key.
    if (isUniqueViolation(error)) {
      const winner = await findSubmissionByKey<Written, BundleSubmitResponse>(
        deps.db,
        request.idempotencyKey,
      );
      if (winner) return storedOrConflict(winner, requestHash);
    }
    throw error;
  }
}

/** Steps 3 and 4: the payment, then the one answer, stored. */
async function finish(
  deps: BundleDeps,
  kiosk: AuthenticatedKiosk,
  bundle: BundleConfig,
  request: BundleSubmitRequest,
  submissionId: string,
  written: Written,
): Promise<BundleSubmitResponse> {
  const items: BundleItemResult[] = [];
  for (const item of bundle.items) {
    const done = written.results.find((r) => r.item === item.id);
    if (done) {
      items.push(done);
      continue;
    }
    // Only the contribution is done after the transaction.
    const amountCents = Number(request.fields.gradeYuan) * 100;
    try {
      const outcome = await payContribution(createPaymentDeps(deps), {
        kioskId: kiosk.kioskId,
        personId: request.personId,
        year: written.year,
        amountCents,
        method: request.payment,
        idempotencyKey: `${request.idempotencyKey}-contribution`,
        bundleId: bundle.id,
      });
      items.push(contributionResult(item.id, written.year, outcome));
    } catch (error) {
      deps.log.warn(
        { err: { name: (error as Error).name, message: (error as Error).message }, submissionId },
        'bundle contribution item failed',
      );
      items.push(contributionError(item.id, error));
    }
  }
  const at = nowOf(deps);
  const response: BundleSubmitResponse = {
    submissionId,
    bundleId: bundle.id,
    personId: request.personId,
    items,
    answeredAt: at.toISOString(),
  };
  if (!(await answerSubmission(deps.db, submissionId, response, at))) {
    // Another request with the same key answered first: both give that answer.
    const stored = await findSubmissionByKey<Written, BundleSubmitResponse>(deps.db, request.idempotencyKey);
    if (stored?.response) return stored.response;
  }
  await appendAudit(deps.db, {
    actor: `kiosk:${kiosk.kioskId}`,
    kioskId: kiosk.kioskId,
    action: 'bundle.answer',
    result: items.map((i) => `${i.item}:${i.status}`).join(','),
    details: { bundleId: bundle.id, personId: request.personId, submissionId },
  });
  return response;
}
