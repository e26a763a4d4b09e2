import {
  maskIdNumber,
  maskName,
  type RecordsContributionsQuery,
  type RecordsContributionsResponse,
  type RecordsPensionPaymentsQuery,
  type RecordsPensionPaymentsResponse,
  type RecordsSummaryResponse,
} from '@sik/contract';
import type { Db } from '../db/db.ts';
import { NotFoundError } from '../errors.ts';
import { appendAudit } from '../repositories/audit.ts';
import {
  type ContributionRecord,
  contributionsOf,
  insuranceRecordsOf,
  type PersonBasics,
  pensionOf,
  pensionPaymentsOf,
  personBasics,
} from '../repositories/records.ts';
import { validUntilOf } from './authentication.ts';
import { businessDay, type Clock } from './cases.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';

/**
 * Records query (参保查询). The summary comes first, in the words an elderly citizen needs; the details (by year,
 * by month) on request. Every query is audited with the ID number masked.
 */

export interface RecordsDeps extends Clock {
  db: Db;
  /** The validity of a benefit qualification authentication (12 months by default). */
  config: { authentication: { validityMonths: number } };
}

/**
 * The personal account, estimated from the contributions (PERSONAL_ACCOUNT_RULE below says how, in Chinese):
 * employees' pension: the personal 8% of the monthly base for each month paid (the employer's 16% goes to the
 * pooled fund); residents' pension: the whole yearly contribution. No interest, no government subsidy, nothing
 * drawn is subtracted: the response names the figure for what it is.
 */
export const EMPLOYEE_PERSONAL_RATE_PERCENT = 8;
export const PERSONAL_ACCOUNT_RULE =
  '按缴费记录估算：职工养老保险按缴费基数的8%（个人缴费部分）乘以缴费月数计入，城乡居民养老保险按个人缴费全额计入；不含记账利息和政府补贴，未扣除已领取的养老金。实际余额以社保经办机构记录为准。';

export function personalAccountCents(c: ContributionRecord): number {
  if (c.type !== 'pension') return 0;
  if (c.scheme === 'resident') return c.amountCents;
  return Math.round((c.baseCents * c.months * EMPLOYEE_PERSONAL_RATE_PERCENT) / 100);
}

async function audited(
  deps: RecordsDeps,
  kiosk: AuthenticatedKiosk,
  action: string,
  personId: string,
  details: Record<string, string | number | null> = {},
): Promise<PersonBasics> {
  const person = await personBasics(deps.db, personId);
  await appendAudit(deps.db, {
    actor: `kiosk:${kiosk.kioskId}`,
    kioskId: kiosk.kioskId,
    action,
    result: person ? 'ok' : 'PERSON_NOT_FOUND',
    details: {
      personId,
      ...(person ? { idNumberMasked: maskIdNumber(person.idNumber) } : {}),
      ...details,
    },
  });
  if (!person) throw new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId');
  return person;
}

export async function recordsSummary(
  deps: RecordsDeps,
  kiosk: AuthenticatedKiosk,
  personId: string,
): Promise<RecordsSummaryResponse> {
  const person = await audited(deps, kiosk, 'records.summary', personId);
  const today = businessDay(deps);
  const [insurances, pension, pensionContributions] = await Promise.all([
    insuranceRecordsOf(deps.db, personId),
    pensionOf(deps.db, personId),
    contributionsOf(deps.db, personId, { type: 'pension' }),
  ]);
  const byScheme = { employee: 0, resident: 0 };
  let months = 0;
  for (const c of pensionContributions) {
    byScheme[c.scheme] += personalAccountCents(c);
    months += c.months;
  }
  let pensionView: RecordsSummaryResponse['pension'] = null;
  if (pension) {
    // The last day the latest authentication is valid (its day in China plus the configured months).
    const due = validUntilOf(pension.lastAuthenticatedAt, deps.config.authentication.validityMonths);
    pensionView = {
      scheme: pension.scheme,
      status: pension.status,
      startDate: pension.startDate,
      monthlyAmountCents: pension.monthlyAmountCents,
      lastAuthenticatedAt: pension.lastAuthenticatedAt.toISOString(),
      nextAuthenticationDue: due,
      authenticationOverdue: due < today,
      lastPaidMonth: pension.lastPaidMonth?.slice(0, 7) ?? null,
    };
  }
  return {
    personId,
    maskedName: maskName(person.name),
    asOf: today,
    insurances,
    pension: pensionView,
    personalAccount: {
      basis: 'contributionsWithoutInterest',
      creditedCents: byScheme.employee + byScheme.resident,
      byScheme,
      explanation: PERSONAL_ACCOUNT_RULE,
    },
    contribution: { months, years: Math.floor(months / 12), remainderMonths: months % 12 },
  };
}

export async function recordsContributions(
  deps: RecordsDeps,
  kiosk: AuthenticatedKiosk,
  query: RecordsContributionsQuery,
): Promise<RecordsContributionsResponse> {
  await audited(deps, kiosk, 'records.contributions', query.personId, {
    type: query.type ?? null,
    fromYear: query.fromYear ?? null,
    toYear: query.toYear ?? null,
  });
  const rows = await contributionsOf(deps.db, query.personId, query);
  const years: RecordsContributionsResponse['years'] = [];
  for (const c of rows) {
    let year = years.at(-1);
    if (year?.year !== c.year) {
      year = { year: c.year, totalCents: 0, entries: [] };
      years.push(year);
    }
    year.totalCents += c.amountCents;
    year.entries.push({
      type: c.type,
      scheme: c.scheme,
      months: c.months,
      baseCents: c.baseCents,
      amountCents: c.amountCents,
      personalAccountCents: personalAccountCents(c),
    });
  }
  return {
    personId: query.personId,
    years,
    totalCents: years.reduce((sum, y) => sum + y.totalCents, 0),
  };
}

export async function recordsPensionPayments(
  deps: RecordsDeps,
  kiosk: AuthenticatedKiosk,
  query: RecordsPensionPaymentsQuery,
): Promise<RecordsPensionPaymentsResponse> {
  await audited(deps, kiosk, 'records.pensionPayments', query.personId, {
    from: query.from ?? null,
    to: query.to ?? null,
  });
  const pension = await pensionOf(deps.db, query.personId);
  const rows = pension
    ? await pensionPaymentsOf(deps.db, query.personId, {
        from: query.from ? `${query.from}-01` : undefined,
        to: query.to ? `${query.to}-01` : undefined,
      })
    : [];
  const months = rows.map((r) => ({
    month: r.month.slice(0, 7),
    amountCents: r.amountCents,
    status: r.status,
    paidAt: r.paidAt?.toISOString() ?? null,
  }));
  const total = (status: 'paid' | 'withheld') =>
    rows.filter((r) => r.status === status).reduce((sum, r) => sum + r.amountCents, 0);
  return {
    personId: query.personId,
    pensioner: pension !== null,
    months,
    paidCents: total('paid'),
    withheldCents: total('withheld'),
  };
}
