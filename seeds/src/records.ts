import { addMonths, addYears, ageOn, isoDate, later, monthOf, REFERENCE_DATE, yearOf } from './calendar.ts';
import type { Random } from './prng.ts';
import type {
  SeedBankAccount,
  SeedInsurance,
  SeedPension,
  SeedPensionPayment,
  SeedPerson,
  SeedStudentEnrollment,
} from './types.ts';

/**
 * Records around the insurance histories: bank accounts, monthly pension payments and school attendance. Each
 * is drawn from a PRNG stream of its own, so adding them left the people and their histories as they were.
 */

/** Card BIN-like prefixes per bank (6 digits); plausible, not a claim about any bank's real numbering. */
const ACCOUNT_PREFIXES: Readonly<Record<string, string>> = {
  ICBC: '621226',
  BOC: '621661',
  ABC: '622848',
  CCB: '621700',
  CDRCB: '621453',
  PSBC: '621799',
};

const BANK_WEIGHTS: readonly (readonly [string, number])[] = [
  ['ICBC', 25],
  ['ABC', 20],
  ['CCB', 20],
  ['BOC', 15],
  ['PSBC', 12],
  ['CDRCB', 8],
];

/** The Luhn (ISO/IEC 7812) check digit for the digits before it. */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Doubling starts with the rightmost digit, the one next to the check digit.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isValidLuhn(number: string): boolean {
  return /^\d{2,}$/.test(number) && luhnCheckDigit(number.slice(0, -1)) === number.slice(-1);
}

/**
 * Pensioners all have an account (the pension is paid into it); most other adults too. Every seeded account is
 * linked: contributions are debited from it.
 */
export function generateBankAccounts(
  rng: Random,
  people: readonly SeedPerson[],
  pensions: readonly SeedPension[],
): SeedBankAccount[] {
  const pensioners = new Set(pensions.map((p) => p.personId));
  const numbers = new Set<string>();
  const accounts: SeedBankAccount[] = [];
  for (const { personId, identity } of people) {
    const adult = ageOn(identity.birthDate, REFERENCE_DATE) >= 18;
    if (!pensioners.has(personId) && !(adult && rng.chance(0.85))) continue;
    const bankId = rng.weighted(BANK_WEIGHTS);
    let accountNumber = '';
    do {
      const body = `${ACCOUNT_PREFIXES[bankId] ?? '621000'}${String(rng.int(0, 999_999)).padStart(6, '0')}${String(rng.int(0, 999_999)).padStart(6, '0')}`;
      accountNumber = body + luhnCheckDigit(body);
    } while (numbers.has(accountNumber));
    numbers.add(accountNumber);
    accounts.push({
      accountId: `BA${String(accounts.length + 1).padStart(8, '0')}`,
      personId,
      bankId,
      accountNumber,
    });
  }
  return accounts;
}

/** Months of pension payments kept in the demo data, ending with the month before the reference date. */
export const PENSION_PAYMENT_MONTHS = 24;
/** Pensions are paid on this day of the month. */
const PAY_DAY = 10;

/**
 * The last 24 months of each pension (from its start when later). A month whose pay day falls after the
 * authentication was due is withheld: the payment resumes when the pensioner authenticates again.
 */
export function generatePensionPayments(pensions: readonly SeedPension[]): SeedPensionPayment[] {
  const referenceMonth = isoDate(yearOf(REFERENCE_DATE), monthOf(REFERENCE_DATE), 1);
  const firstMonth = addMonths(referenceMonth, -PENSION_PAYMENT_MONTHS);
  const payments: SeedPensionPayment[] = [];
  for (const pension of pensions) {
    const due = addYears(pension.lastAuthenticatedAt.slice(0, 10), 1);
    const start = isoDate(yearOf(pension.startDate), monthOf(pension.startDate), 1);
    for (let month = later(start, firstMonth); month < referenceMonth; month = addMonths(month, 1)) {
      const payDay = isoDate(yearOf(month), monthOf(month), PAY_DAY);
      const withheld = payDay > due;
      payments.push({
        personId: pension.personId,
        month,
        amountCents: pension.monthlyAmountCents,
        status: withheld ? 'withheld' : 'paid',
        // 09:00 in China (UTC+8).
        paidAt: withheld ? null : `${payDay}T01:00:00.000Z`,
      });
    }
  }
  return payments;
}

const HIGH_SCHOOLS = ['成都市第七中学', '成都石室中学', '树德中学', '成都市第十二中学', '成都市新都一中'];
const UNIVERSITIES = ['四川大学', '电子科技大学', '西南交通大学', '西南财经大学', '四川师范大学', '成都大学'];
const VOCATIONAL = ['成都职业技术学院', '四川交通职业技术学院', '成都航空职业技术学院'];

/** The first of September of the year a person reaches `age` by then. */
function septemberAtAge(birthDate: string, age: number): string {
  const year = yearOf(birthDate) + age + (monthOf(birthDate) >= 9 ? 1 : 0);
  return isoDate(year, 9, 1);
}

/**
 * School attendance of residents aged 16-24: many of 16-21 are full-time students (high school, vocational
 * college, university); some of 22-24 still study (postgraduates) or have graduated, a few study part-time.
 * People working in the employees' scheme, or already in the residents' pension, are not made students.
 */
export function generateStudentEnrollments(
  rng: Random,
  people: readonly SeedPerson[],
  insurances: readonly SeedInsurance[],
): SeedStudentEnrollment[] {
  const inPension = new Set(
    insurances.filter((i) => i.type === 'pension' && i.status === 'active').map((i) => i.personId),
  );
  const enrollments: SeedStudentEnrollment[] = [];
  for (const { personId, identity } of people) {
    if (identity.cardType !== 'resident' || inPension.has(personId)) continue;
    const age = ageOn(identity.birthDate, REFERENCE_DATE);
    if (age < 16 || age > 24) continue;
    const roll = rng.next();
    if (age <= 18 && roll < 0.75) {
      const fromDate = septemberAtAge(identity.birthDate, 15);
      enrollments.push({ personId, school: rng.pick(HIGH_SCHOOLS), fullTime: true, fromDate, toDate: null });
    } else if (age <= 21 && roll < 0.6) {
      const fromDate = later(septemberAtAge(identity.birthDate, 18), isoDate(2020, 9, 1));
      const school = rng.chance(0.7) ? rng.pick(UNIVERSITIES) : rng.pick(VOCATIONAL);
      enrollments.push({ personId, school, fullTime: true, fromDate, toDate: null });
    } else if (age >= 22 && roll < 0.15) {
      // Postgraduates, still full-time.
      const fromDate = septemberAtAge(identity.birthDate, 22);
      if (fromDate <= REFERENCE_DATE)
        enrollments.push({
          personId,
          school: rng.pick(UNIVERSITIES),
          fullTime: true,
          fromDate,
          toDate: null,
        });
    } else if (age >= 22 && roll < 0.5) {
      // Graduated: the record stays, it no longer makes them a student.
      const fromDate = septemberAtAge(identity.birthDate, 18);
      const toDate = isoDate(yearOf(fromDate) + 4, 6, 30);
      if (toDate < REFERENCE_DATE)
        enrollments.push({ personId, school: rng.pick(UNIVERSITIES), fullTime: true, fromDate, toDate });
    } else if (age >= 19 && roll > 0.95) {
      // Part-time study (成人教育) does not bar enrollment.
      const fromDate = isoDate(yearOf(REFERENCE_DATE) - rng.int(0, 1), 3, 1);
      enrollments.push({ personId, school: rng.pick(VOCATIONAL), fullTime: false, fromDate, toDate: null });
    }
  }
  return enrollments;
}

/** Whether a student record makes the person a full-time student on `day`. */
export function isFullTimeStudentOn(enrollment: SeedStudentEnrollment, day: string): boolean {
  return (
    enrollment.fullTime &&
    enrollment.fromDate <= day &&
    (enrollment.toDate === null || enrollment.toDate >= day)
  );
}
