import { type InsuranceType, idCheckCharacter } from '@sik/contract';
import type { ContributionRecord, Holder, InsuranceRecord, PensionPaymentRecord } from './content.ts';

/**
 * For tests: one person with a long record, the same in the renderer's tests (no database) and the routes'
 * tests (inserted into the test database). Amounts differ per year and type, so a misplaced row shows.
 */

const first17 = '51010419620315072';
export const FIXTURE_HOLDER: Holder = {
  personId: 'P99990001',
  name: '司马文静',
  idNumber: first17 + idCheckCharacter(first17),
  cardType: 'resident',
};

export const FIXTURE_TYPES: readonly InsuranceType[] = [
  'pension',
  'medical',
  'unemployment',
  'workInjury',
  'maternity',
];

export const FIXTURE_INSURANCES: InsuranceRecord[] = [
  { type: 'pension', scheme: 'employee', status: 'active', since: '1995-07-01' },
  { type: 'medical', scheme: 'employee', status: 'active', since: '1999-01-01' },
  { type: 'unemployment', scheme: 'employee', status: 'active', since: '1999-01-01' },
  { type: 'workInjury', scheme: 'employee', status: 'suspended', since: '2004-01-01' },
  { type: 'maternity', scheme: 'employee', status: 'terminated', since: '2004-01-01' },
];

/** Rates in per mille of the base, per month. */
const RATES: Readonly<Record<InsuranceType, number>> = {
  pension: 240,
  medical: 100,
  unemployment: 15,
  workInjury: 6,
  maternity: 8,
};

/** Every type for every year from..to; the first year has 6 months. */
export function fixtureContributions(fromYear: number, toYear: number): ContributionRecord[] {
  const out: ContributionRecord[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    const baseCents = 300_000 + (year - 2000) * 21_537;
    const months = year === fromYear ? 6 : 12;
    for (const type of FIXTURE_TYPES) {
      out.push({
        type,
        year,
        months,
        baseCents,
        amountCents: Math.round((baseCents * RATES[type] * months) / 1000),
      });
    }
  }
  return out;
}

export const FIXTURE_PENSION_MONTHLY_CENTS = 412_356;

/** Monthly payments from..to (YYYY-MM); the months listed in `withheld` were withheld. */
export function fixturePensionPayments(
  fromMonth: string,
  toMonth: string,
  withheld: readonly string[] = [],
): PensionPaymentRecord[] {
  const out: PensionPaymentRecord[] = [];
  let [year, month] = fromMonth.split('-').map(Number) as [number, number];
  for (;;) {
    const ym = `${year}-${String(month).padStart(2, '0')}`;
    if (ym > toMonth) break;
    const isWithheld = withheld.includes(ym);
    out.push({
      month: ym,
      amountCents: FIXTURE_PENSION_MONTHLY_CENTS + (year - 2020) * 1_234,
      status: isWithheld ? 'withheld' : 'paid',
      // The 10th at 09:00 in China.
      paidAt: isWithheld ? null : new Date(`${ym}-10T01:00:00.000Z`),
    });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return out;
}
