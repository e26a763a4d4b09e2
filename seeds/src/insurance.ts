import type { InsuranceStatus, InsuranceType } from '@sik/contract';
import {
  addDays,
  addYears,
  ageOn,
  firstOfNextMonth,
  isoDate,
  later,
  monthOf,
  REFERENCE_DATE,
  yearOf,
} from './calendar.ts';
import type { Random } from './prng.ts';
import type { SeedContribution, SeedInsurance, SeedPension, SeedPerson } from './types.ts';

/**
 * Insurance histories. The numbers are plausible, not official: they exist so that queries, certificates and
 * pension authentication have something realistic to show.
 */

/**
 * When each employees' insurance began locally. The pension has no such date: working years before the reform
 * count as deemed contribution years (视同缴费), so a pensioner's pension insurance dates from their first job.
 */
const EMPLOYEE_TYPE_START: Readonly<Record<InsuranceType, string>> = {
  pension: '1900-01-01',
  medical: '1999-01-01',
  unemployment: '1999-01-01',
  workInjury: '2004-01-01',
  maternity: '2005-01-01',
};

/** Employer and personal rates together, as a share of the monthly base. */
const EMPLOYEE_RATE: Readonly<Record<InsuranceType, number>> = {
  pension: 0.24,
  medical: 0.1,
  unemployment: 0.01,
  workInjury: 0.005,
  maternity: 0.008,
};

/** Contribution records were digitised from this year on. */
const FIRST_RECORDED_YEAR = 1996;
const RESIDENT_PENSION_START = '2011-07-01';
const RESIDENT_MEDICAL_START = '2009-01-01';
const RESIDENT_PENSION_GRADES: readonly (readonly [number, number])[] = [
  [200, 30],
  [300, 25],
  [500, 20],
  [1000, 12],
  [2000, 8],
  [3000, 3],
  [5000, 2],
];

/** A rough local average monthly wage in CNY; the shape over time matters here, not the exact figure. */
export function averageMonthlyWage(year: number): number {
  if (year <= 2015) return 700 * 1.11 ** (year - 2000);
  return 700 * 1.11 ** 15 * 1.06 ** (year - 2015);
}

/** Yearly personal contribution of the residents' medical insurance. */
function residentMedicalYearly(year: number): number {
  return 50 + (year - 2009) * 22;
}

const cents = (yuan: number): number => Math.round(yuan * 100);

export interface InsuranceHistory {
  insurances: SeedInsurance[];
  contributions: SeedContribution[];
  pension: SeedPension | null;
}

type Category = 'employee' | 'resident' | 'studentMedical' | 'none';

function category(rng: Random, person: SeedPerson, age: number, birthYear: number): Category {
  if (person.identity.cardType !== 'resident') return 'employee';
  if (age < 22)
    return rng.weighted<Category>([
      ['employee', 25],
      ['studentMedical', 40],
      ['none', 35],
    ]);
  if (birthYear < 1951)
    return rng.weighted<Category>([
      ['employee', 55],
      ['resident', 40],
      ['none', 5],
    ]);
  return rng.weighted<Category>([
    ['employee', 62],
    ['resident', 30],
    ['none', 8],
  ]);
}

/** Months paid in `year` for a span from `from` (inclusive) to `until` (exclusive), both YYYY-MM-DD. */
function monthsIn(year: number, from: string, until: string): number {
  const first = yearOf(from) === year ? monthOf(from) : 1;
  const last = yearOf(until) === year ? monthOf(until) - 1 : 12;
  return Math.max(0, last - first + 1);
}

/**
 * Authentication is due every 12 months. Most pensioners are up to date, some are due within the next 30 days,
 * some are overdue and their payment is suspended until they authenticate again.
 */
function authentication(
  rng: Random,
  startDate: string,
): { lastAuthenticatedAt: string; status: SeedPension['status'] } {
  const daysAgo = rng.weighted<() => number>([
    [() => rng.int(20, 330), 76],
    [() => 365 - rng.int(1, 29), 12],
    [() => rng.int(370, 700), 12],
  ])();
  let day = addDays(REFERENCE_DATE, -daysAgo);
  // Registering for the pension counts as the first authentication.
  day = later(day, startDate);
  const time = `${String(rng.int(1, 8)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00.000Z`;
  return {
    lastAuthenticatedAt: `${day}T${time}`,
    status: addYears(day, 1) < REFERENCE_DATE ? 'suspended' : 'active',
  };
}

function employeeHistory(rng: Random, person: SeedPerson, birthYear: number): InsuranceHistory {
  const { personId, identity } = person;
  const refYear = yearOf(REFERENCE_DATE);
  const insuredAbroadUntil = identity.cardType === 'resident' ? 0 : 2011; // non-mainlanders joined from 2011
  let startYear = Math.min(Math.max(birthYear + rng.int(18, 24), insuredAbroadUntil), refYear);
  if (startYear === refYear) startYear = refYear - 1;
  const start = isoDate(startYear, rng.int(1, 12), 1);
  // Women retire at 55 (staff) or 50 (workers); most in the demo are staff.
  const retirementAge = identity.sex === 'male' ? 60 : rng.chance(0.3) ? 50 : 55;
  const retirement = firstOfNextMonth(addYears(identity.birthDate, retirementAge));
  const retired = retirement <= REFERENCE_DATE;

  // Working people mostly pay now; some stopped (between jobs: suspended) or left the city (terminated).
  let state = (retired ? 'retired' : 'paying') as 'paying' | 'suspended' | 'terminated' | 'retired';
  let until = retired ? retirement : REFERENCE_DATE;
  if (!retired && startYear < refYear - 2) {
    state = rng.weighted<typeof state>([
      ['paying', 85],
      ['suspended', 10],
      ['terminated', 5],
    ]);
    if (state !== 'paying')
      until = isoDate(rng.int(Math.max(startYear + 1, 2012), refYear), rng.int(1, 10), 1);
  }

  const factor = rng.weighted<() => number>([
    [() => 0.6, 25],
    [() => 0.8 + rng.next() * 0.4, 45],
    [() => 1.2 + rng.next() * 0.8, 20],
    [() => 2 + rng.next(), 10],
  ])();
  const insurances: SeedInsurance[] = [];
  const contributions: SeedContribution[] = [];
  for (const type of Object.keys(EMPLOYEE_TYPE_START) as InsuranceType[]) {
    const typeStart = EMPLOYEE_TYPE_START[type];
    const since = later(start, typeStart);
    if (since >= until) continue;
    let status: InsuranceStatus;
    if (state === 'paying') status = 'active';
    else if (state === 'retired') status = type === 'pension' || type === 'medical' ? 'active' : 'terminated';
    else status = state;
    insurances.push({ personId, type, scheme: 'employee', status, since });
    for (let year = Math.max(yearOf(since), FIRST_RECORDED_YEAR); year <= yearOf(until); year++) {
      const months = monthsIn(year, since, until);
      if (months === 0) continue;
      const base = averageMonthlyWage(year) * factor * (0.95 + rng.next() * 0.1);
      contributions.push({
        personId,
        type,
        year,
        months,
        baseCents: cents(base),
        amountCents: cents(base * EMPLOYEE_RATE[type] * months),
      });
    }
  }

  let pension: SeedPension | null = null;
  if (retired) {
    // Working years before the pension insurance existed count as deemed contribution years (视同缴费).
    const years = yearOf(retirement) - startYear;
    const monthly = Math.max(
      1800,
      averageMonthlyWage(refYear) * (0.25 + 0.012 * years) * (0.7 + 0.3 * Math.min(factor, 2)),
    );
    pension = {
      personId,
      scheme: 'employee',
      startDate: retirement,
      monthlyAmountCents: cents(monthly),
      ...authentication(rng, retirement),
    };
  }
  return { insurances, contributions, pension };
}

function residentMedical(rng: Random, personId: string, birthDate: string): InsuranceHistory {
  const born = firstOfNextMonth(birthDate);
  const since = later(born, RESIDENT_MEDICAL_START);
  const lapsed = rng.chance(0.1);
  const lastYear = yearOf(REFERENCE_DATE) - (lapsed ? 1 : 0);
  const contributions: SeedContribution[] = [];
  for (let year = yearOf(since); year <= lastYear; year++) {
    const yearly = cents(residentMedicalYearly(year));
    contributions.push({
      personId,
      type: 'medical',
      year,
      months: 12,
      baseCents: yearly,
      amountCents: yearly,
    });
  }
  return {
    insurances: [
      { personId, type: 'medical', scheme: 'resident', status: lapsed ? 'suspended' : 'active', since },
    ],
    contributions,
    pension: null,
  };
}

function residentHistory(rng: Random, person: SeedPerson): InsuranceHistory {
  const { personId, identity } = person;
  const medical = residentMedical(rng, personId, identity.birthDate);
  const sixteen = firstOfNextMonth(addYears(identity.birthDate, 16));
  const since = later(sixteen, RESIDENT_PENSION_START);
  const sixty = firstOfNextMonth(addYears(identity.birthDate, 60));
  const grade = rng.weighted(RESIDENT_PENSION_GRADES);
  const contributions: SeedContribution[] = [];
  // People already 60 when the scheme began receive the basic pension without contributing.
  if (sixty > RESIDENT_PENSION_START) {
    for (let year = yearOf(since); year < Math.min(yearOf(sixty), yearOf(REFERENCE_DATE) + 1); year++) {
      if (rng.chance(0.15)) continue; // a missed year, as happens
      contributions.push({
        personId,
        type: 'pension',
        year,
        months: 12,
        baseCents: cents(grade),
        amountCents: cents(grade),
      });
    }
  }
  // The pension starts the month after the 60th birthday; someone turning 60 today is not paid yet.
  const retired = later(sixty, RESIDENT_PENSION_START) <= REFERENCE_DATE;
  const lastPaid = contributions.at(-1)?.year ?? 0;
  const status: InsuranceStatus = retired || lastPaid >= yearOf(REFERENCE_DATE) - 1 ? 'active' : 'suspended';
  const insurances: SeedInsurance[] = [
    ...medical.insurances,
    { personId, type: 'pension', scheme: 'resident', status, since },
  ];
  let pension: SeedPension | null = null;
  if (retired) {
    const startDate = later(sixty, RESIDENT_PENSION_START);
    // Basic pension plus the personal account (contributions and subsidies) divided over 139 months.
    const account = contributions.reduce((sum, c) => sum + c.amountCents, 0) * 1.3;
    pension = {
      personId,
      scheme: 'resident',
      startDate,
      monthlyAmountCents: cents(200) + Math.round(account / 139),
      ...authentication(rng, startDate),
    };
  }
  return { insurances, contributions: [...medical.contributions, ...contributions], pension };
}

export function generateHistory(rng: Random, person: SeedPerson): InsuranceHistory {
  const age = ageOn(person.identity.birthDate, REFERENCE_DATE);
  const birthYear = yearOf(person.identity.birthDate);
  switch (category(rng, person, age, birthYear)) {
    case 'employee':
      return employeeHistory(rng, person, birthYear);
    case 'resident':
      return residentHistory(rng, person);
    case 'studentMedical':
      return residentMedical(rng, person.personId, person.identity.birthDate);
    case 'none':
      return { insurances: [], contributions: [], pension: null };
  }
}
