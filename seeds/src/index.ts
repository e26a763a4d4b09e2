import { REFERENCE_DATE } from './calendar.ts';
import { type DemoCardHolder, demoCardHolders as pickDemoCardHolders } from './demo-card-holders.ts';
import { generateInstitutions } from './institutions.ts';
import { generateHistory } from './insurance.ts';
import { generatePeople } from './people.ts';
import { createRandom } from './prng.ts';
import { generateBankAccounts, generatePensionPayments, generateStudentEnrollments } from './records.ts';
import type { SeedData } from './types.ts';

export { REFERENCE_DATE } from './calendar.ts';
export type { DemoCardHolder } from './demo-card-holders.ts';
export { BANKS, DEMO_KIOSK_ID } from './institutions.ts';
export { SPECIAL_CARD_COUNTS } from './people.ts';
export { createRandom, type Random } from './prng.ts';
export { isFullTimeStudentOn, isValidLuhn, luhnCheckDigit, PENSION_PAYMENT_MONTHS } from './records.ts';
export { DEMO_STAFF, type DemoStaff } from './staff.ts';
export type * from './types.ts';

export const DEFAULT_SEED = 20261101;
export const DEFAULT_CITIZENS = 1200;

export interface SeedOptions {
  /** PRNG seed; the same seed gives the same data on every machine. */
  seed?: number;
  /** How many people, all card types included (at least 15). */
  citizens?: number;
}

/** Demo data, fully determined by the options: no clock, no Math.random. */
export function generateSeedData(options: SeedOptions = {}): SeedData {
  const seed = options.seed ?? DEFAULT_SEED;
  const rng = createRandom(seed);
  const people = generatePeople(rng, options.citizens ?? DEFAULT_CITIZENS);
  const data: SeedData = {
    referenceDate: REFERENCE_DATE,
    people,
    insurances: [],
    contributions: [],
    pensions: [],
    ...generateInstitutions(),
    bankAccounts: [],
    pensionPayments: [],
    studentEnrollments: [],
  };
  for (const person of people) {
    const history = generateHistory(rng, person);
    data.insurances.push(...history.insurances);
    data.contributions.push(...history.contributions);
    if (history.pension) data.pensions.push(history.pension);
  }
  // Streams of their own (see records.ts), so that the people and histories above stay as they were.
  data.bankAccounts = generateBankAccounts(createRandom(seed ^ 0x0ba4_acc7), people, data.pensions);
  data.pensionPayments = generatePensionPayments(data.pensions);
  data.studentEnrollments = generateStudentEnrollments(
    createRandom(seed ^ 0x057d_e475),
    people,
    data.insurances,
  );
  return data;
}

let defaultData: SeedData | undefined;

/** The data `npm run server` seeds; generated once per process. Treat it as read-only. */
export function defaultSeedData(): SeedData {
  defaultData ??= generateSeedData();
  return defaultData;
}

/**
 * 8-14 people for the simulator dock, drawn from `data` (by default the data the server seeds), each with the
 * identity their card holds.
 */
export function demoCardHolders(data: SeedData = defaultSeedData()): DemoCardHolder[] {
  return pickDemoCardHolders(data);
}
export { blankSerialRange, DEMO_BLANKS } from './cards.ts';
