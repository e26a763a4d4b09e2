import { z } from 'zod';
import { API_PREFIX, InsuranceStatus, InsuranceType } from './core.ts';
import type { RouteTable } from './route.ts';

/**
 * Enrollment query (参保查询): status per insurance type, contributions by year, personal account, pension payments.
 * Signed kiosk routes carry `service: 'recordsQuery'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 *
 * The agent names the person by the personId the identity lookup returned. Money is in fen (CNY cents).
 */

const personId = z.string().regex(/^P[0-9]{8}$/, 'personId must be P and 8 digits');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const YearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');
/** Query strings carry text; a year is 4 digits. */
const QueryYear = z.coerce.number().int().min(1950, 'year must be 1950 or later').max(2200);

export const InsuranceScheme = z.enum(['employee', 'resident']);
export type InsuranceScheme = z.infer<typeof InsuranceScheme>;

export const RecordsPersonQuery = z.object({ personId });
export type RecordsPersonQuery = z.infer<typeof RecordsPersonQuery>;

export const RecordsInsurance = z.object({
  type: InsuranceType,
  scheme: InsuranceScheme,
  status: InsuranceStatus,
  since: IsoDate,
  /** The latest year with a recorded contribution; null when none is recorded. */
  lastYearPaid: z.number().int().nullable(),
});
export type RecordsInsurance = z.infer<typeof RecordsInsurance>;

export const RecordsPension = z.object({
  scheme: InsuranceScheme,
  status: z.enum(['active', 'suspended', 'terminated']),
  startDate: IsoDate,
  monthlyAmountCents: z.number().int(),
  /** ISO timestamp of the last benefit qualification authentication (待遇领取资格认证). */
  lastAuthenticatedAt: z.string(),
  /** 12 months after the last authentication. */
  nextAuthenticationDue: IsoDate,
  /** True when the due date has passed: the payment is withheld until the pensioner authenticates. */
  authenticationOverdue: z.boolean(),
  /** The latest month paid (YYYY-MM); null when none is recorded. */
  lastPaidMonth: YearMonth.nullable(),
});
export type RecordsPension = z.infer<typeof RecordsPension>;

/**
 * An estimate, named as one: the contributions that went into the pension's personal account (employees: the
 * personal 8% of the base for each month paid; residents: the whole yearly contribution), summed without
 * interest (记账利息), without government subsidies and without what a pensioner has already drawn. The
 * bureau's account, with interest, is the authority.
 */
export const PersonalAccountEstimate = z.object({
  basis: z.literal('contributionsWithoutInterest'),
  /** Sum of the parts credited to the personal account, in fen. */
  creditedCents: z.number().int(),
  /** Employees' scheme part and residents' scheme part. */
  byScheme: z.object({ employee: z.number().int(), resident: z.number().int() }),
  /** The rule in plain Chinese, to show and read aloud beside the figure. */
  explanation: z.string(),
});
export type PersonalAccountEstimate = z.infer<typeof PersonalAccountEstimate>;

export const RecordsSummaryResponse = z.object({
  personId: z.string(),
  maskedName: z.string(),
  /** The day the summary was made (China time). */
  asOf: IsoDate,
  insurances: z.array(RecordsInsurance),
  pension: RecordsPension.nullable(),
  personalAccount: PersonalAccountEstimate,
  /** Pension contribution recorded (累计缴费), from the records since 1996; deemed years (视同缴费) are not in them. */
  contribution: z.object({
    months: z.number().int(),
    years: z.number().int(),
    remainderMonths: z.number().int(),
  }),
});
export type RecordsSummaryResponse = z.infer<typeof RecordsSummaryResponse>;

export const RecordsContributionsQuery = z
  .object({
    personId,
    type: InsuranceType.optional(),
    fromYear: QueryYear.optional(),
    toYear: QueryYear.optional(),
  })
  .refine((q) => q.fromYear === undefined || q.toYear === undefined || q.fromYear <= q.toYear, {
    message: 'fromYear must not be after toYear',
    path: ['fromYear'],
  });
export type RecordsContributionsQuery = z.infer<typeof RecordsContributionsQuery>;

export const RecordsContributionEntry = z.object({
  type: InsuranceType,
  scheme: InsuranceScheme,
  months: z.number().int(),
  /** Monthly contribution base (employees) or the yearly grade (residents). */
  baseCents: z.number().int(),
  /** Employer and personal parts together for the year (employees); the yearly contribution (residents). */
  amountCents: z.number().int(),
  /** The part credited to the pension's personal account (pension only; 0 for the other types). */
  personalAccountCents: z.number().int(),
});
export type RecordsContributionEntry = z.infer<typeof RecordsContributionEntry>;

export const RecordsContributionsResponse = z.object({
  personId: z.string(),
  /** Newest year first. */
  years: z.array(
    z.object({
      year: z.number().int(),
      totalCents: z.number().int(),
      entries: z.array(RecordsContributionEntry),
    }),
  ),
  totalCents: z.number().int(),
});
export type RecordsContributionsResponse = z.infer<typeof RecordsContributionsResponse>;

export const RecordsPensionPaymentsQuery = z
  .object({ personId, from: YearMonth.optional(), to: YearMonth.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  });
export type RecordsPensionPaymentsQuery = z.infer<typeof RecordsPensionPaymentsQuery>;

export const RecordsPensionPaymentsResponse = z.object({
  personId: z.string(),
  /** False for a person who receives no pension: months is then empty. */
  pensioner: z.boolean(),
  /** Newest month first. */
  months: z.array(
    z.object({
      month: YearMonth,
      amountCents: z.number().int(),
      status: z.enum(['paid', 'withheld']),
      paidAt: z.string().nullable(),
    }),
  ),
  paidCents: z.number().int(),
  withheldCents: z.number().int(),
});
export type RecordsPensionPaymentsResponse = z.infer<typeof RecordsPensionPaymentsResponse>;

export const RecordsRoutes = {
  /** The elder-friendly first screen: every insurance, the pension, the personal account, years paid. */
  recordsSummary: {
    method: 'get',
    path: `${API_PREFIX}/kiosk/records/summary`,
    signed: true,
    service: 'recordsQuery',
    query: RecordsPersonQuery,
    response: RecordsSummaryResponse,
  },
  /** Contributions by year, optionally of one type and within a range of years. */
  recordsContributions: {
    method: 'get',
    path: `${API_PREFIX}/kiosk/records/contributions`,
    signed: true,
    service: 'recordsQuery',
    query: RecordsContributionsQuery,
    response: RecordsContributionsResponse,
  },
  /** Pension payments by month (YYYY-MM range, both ends included). */
  recordsPensionPayments: {
    method: 'get',
    path: `${API_PREFIX}/kiosk/records/pension-payments`,
    signed: true,
    service: 'recordsQuery',
    query: RecordsPensionPaymentsQuery,
    response: RecordsPensionPaymentsResponse,
  },
} as const satisfies RouteTable;
