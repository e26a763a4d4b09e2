import type { InsuranceStatus, InsuranceType } from '@sik/contract';
import type { Queryable } from '../db/db.ts';

/** What the records query reads: a person's insurances, contributions, pension and its monthly payments. */

export type Scheme = 'employee' | 'resident';

export interface PersonBasics {
  personId: string;
  name: string;
  idNumber: string;
  cardType: string;
  birthDate: string;
  address: string | null;
}

export async function personBasics(q: Queryable, personId: string): Promise<PersonBasics | null> {
  const { rows } = await q.query<{
    person_id: string;
    name: string;
    id_number: string;
    card_type: string;
    birth_date: string;
    address: string | null;
  }>('SELECT person_id, name, id_number, card_type, birth_date, address FROM people WHERE person_id = $1', [
    personId,
  ]);
  const row = rows[0];
  return row
    ? {
        personId: row.person_id,
        name: row.name,
        idNumber: row.id_number,
        cardType: row.card_type,
        birthDate: row.birth_date,
        address: row.address,
      }
    : null;
}

export interface InsuranceRecord {
  type: InsuranceType;
  scheme: Scheme;
  status: InsuranceStatus;
  since: string;
  lastYearPaid: number | null;
}

const INSURANCE_ORDER =
  "array_position(ARRAY['pension','medical','unemployment','workInjury','maternity'], i.type)";

/** Every insurance of the person with the latest year a contribution is recorded for. */
export async function insuranceRecordsOf(q: Queryable, personId: string): Promise<InsuranceRecord[]> {
  const { rows } = await q.query<{
    type: InsuranceType;
    scheme: Scheme;
    status: InsuranceStatus;
    since: string;
    last_year: number | null;
  }>(
    `SELECT i.type, i.scheme, i.status, i.since,
            (SELECT max(c.year)::int FROM contributions c WHERE c.person_id = i.person_id AND c.type = i.type) AS last_year
       FROM insurances i
      WHERE i.person_id = $1
      ORDER BY ${INSURANCE_ORDER}`,
    [personId],
  );
  return rows.map((r) => ({
    type: r.type,
    scheme: r.scheme,
    status: r.status,
    since: r.since,
    lastYearPaid: r.last_year,
  }));
}

export interface ContributionRecord {
  year: number;
  type: InsuranceType;
  /** The scheme of the person's insurance of this type. */
  scheme: Scheme;
  months: number;
  baseCents: number;
  amountCents: number;
}

export interface ContributionFilter {
  type?: InsuranceType | undefined;
  fromYear?: number | undefined;
  toYear?: number | undefined;
}

/** Contributions, newest year first, then in the usual order of the insurance types. */
export async function contributionsOf(
  q: Queryable,
  personId: string,
  filter: ContributionFilter = {},
): Promise<ContributionRecord[]> {
  const { rows } = await q.query<{
    year: number;
    type: InsuranceType;
    scheme: Scheme;
    months: number;
    base_cents: number;
    amount_cents: number;
  }>(
    `SELECT c.year, c.type, i.scheme, c.months, c.base_cents, c.amount_cents
       FROM contributions c
       JOIN insurances i ON i.person_id = c.person_id AND i.type = c.type
      WHERE c.person_id = $1
        AND ($2::text IS NULL OR c.type = $2)
        AND ($3::int IS NULL OR c.year >= $3)
        AND ($4::int IS NULL OR c.year <= $4)
      ORDER BY c.year DESC, ${INSURANCE_ORDER}`,
    [personId, filter.type ?? null, filter.fromYear ?? null, filter.toYear ?? null],
  );
  return rows.map((r) => ({
    year: r.year,
    type: r.type,
    scheme: r.scheme,
    months: r.months,
    baseCents: r.base_cents,
    amountCents: r.amount_cents,
  }));
}

export interface PensionRecord {
  scheme: Scheme;
  status: 'active' | 'suspended' | 'terminated';
  startDate: string;
  monthlyAmountCents: number;
  lastAuthenticatedAt: Date;
  /** YYYY-MM-DD of the latest month paid. */
  lastPaidMonth: string | null;
}

export async function pensionOf(q: Queryable, personId: string): Promise<PensionRecord | null> {
  const { rows } = await q.query<{
    scheme: Scheme;
    status: PensionRecord['status'];
    start_date: string;
    monthly_amount_cents: number;
    last_authenticated_at: Date;
    last_paid: string | null;
  }>(
    `SELECT p.scheme, p.status, p.start_date, p.monthly_amount_cents, p.last_authenticated_at,
            (SELECT max(m.month) FROM pension_payments m WHERE m.person_id = p.person_id AND m.status = 'paid') AS last_paid
       FROM pensions p WHERE p.person_id = $1`,
    [personId],
  );
  const row = rows[0];
  return row
    ? {
        scheme: row.scheme,
        status: row.status,
        startDate: row.start_date,
        monthlyAmountCents: row.monthly_amount_cents,
        lastAuthenticatedAt: row.last_authenticated_at,
        lastPaidMonth: row.last_paid,
      }
    : null;
}

export interface PensionPaymentRecord {
  /** YYYY-MM-01 */
  month: string;
  amountCents: number;
  status: 'paid' | 'withheld';
  paidAt: Date | null;
}

/** Monthly payments, newest first, between two firsts of the month (both included, either open). */
export async function pensionPaymentsOf(
  q: Queryable,
  personId: string,
  range: { from?: string | undefined; to?: string | undefined } = {},
): Promise<PensionPaymentRecord[]> {
  const { rows } = await q.query<{
    month: string;
    amount_cents: number;
    status: 'paid' | 'withheld';
    paid_at: Date | null;
  }>(
    `SELECT month, amount_cents, status, paid_at FROM pension_payments
      WHERE person_id = $1 AND ($2::date IS NULL OR month >= $2) AND ($3::date IS NULL OR month <= $3)
      ORDER BY month DESC`,
    [personId, range.from ?? null, range.to ?? null],
  );
  return rows.map((r) => ({
    month: r.month,
    amountCents: r.amount_cents,
    status: r.status,
    paidAt: r.paid_at,
  }));
}

/** What the person paid for a year of one insurance, in fen; null when nothing is recorded. */
export async function contributionOfYear(
  q: Queryable,
  personId: string,
  type: InsuranceType,
  year: number,
): Promise<number | null> {
  const { rows } = await q.query<{ amount_cents: number }>(
    'SELECT amount_cents FROM contributions WHERE person_id = $1 AND type = $2 AND year = $3',
    [personId, type, year],
  );
  return rows[0]?.amount_cents ?? null;
}
