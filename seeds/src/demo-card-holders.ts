import type { IdCardIdentity } from '@sik/contract';
import { addDays, addYears, ageOn, REFERENCE_DATE } from './calendar.ts';
import { isFullTimeStudentOn } from './records.ts';
import type { SeedData, SeedPension, SeedPerson } from './types.ts';

/** A card the simulator dock can put on the ID reader; the label is for testers and shows no ID number. */
export interface DemoCardHolder {
  key: string;
  label: string;
  identity: IdCardIdentity;
}

interface Candidate {
  person: SeedPerson;
  age: number;
  pension: SeedPension | undefined;
  schemes: Map<string, { scheme: string; status: string }>;
  /** A full-time student on the reference date. */
  student: boolean;
  linkedAccount: boolean;
  /** Paid the residents' pension contribution for the reference year. */
  paidThisYear: boolean;
}

type Pick = {
  key: string;
  label: (c: Candidate) => string;
  accepts: (c: Candidate) => boolean;
  score?: (c: Candidate) => number;
};

/** Authentication falls due 12 months after the last one; "due soon" is within the next 30 days. */
const dueWithin30Days = (p: SeedPension | undefined): boolean => {
  if (p?.status !== 'active') return false;
  const due = addYears(p.lastAuthenticatedAt.slice(0, 10), 1);
  return due >= REFERENCE_DATE && due <= addDays(REFERENCE_DATE, 30);
};

const resident = (c: Candidate): boolean => c.person.identity.cardType === 'resident';

const PICKS: readonly Pick[] = [
  {
    key: 'pensioner',
    label: (c) => `退休人员 · ${c.age}岁`,
    accepts: (c) =>
      resident(c) &&
      c.pension?.scheme === 'employee' &&
      c.pension.status === 'active' &&
      !dueWithin30Days(c.pension),
    score: (c) => -Math.abs(c.age - 78),
  },
  {
    key: 'pensioner-due',
    label: (c) => `退休人员 · 认证30天内到期 · ${c.age}岁`,
    accepts: (c) => resident(c) && dueWithin30Days(c.pension),
  },
  {
    key: 'pensioner-overdue',
    label: (c) => `退休人员 · 认证已逾期，待遇暂停 · ${c.age}岁`,
    accepts: (c) => resident(c) && c.pension?.status === 'suspended',
  },
  {
    key: 'resident-pensioner',
    label: (c) => `城乡居民养老金领取 · ${c.age}岁`,
    accepts: (c) =>
      resident(c) &&
      c.pension?.scheme === 'resident' &&
      c.pension.status === 'active' &&
      !dueWithin30Days(c.pension),
    score: (c) => -Math.abs(c.age - 70),
  },
  {
    key: 'young-worker',
    label: (c) => `年轻职工 · ${c.age}岁`,
    accepts: (c) =>
      resident(c) &&
      c.age >= 22 &&
      c.age <= 28 &&
      c.schemes.get('pension')?.status === 'active' &&
      c.schemes.get('pension')?.scheme === 'employee',
  },
  {
    key: 'long-term-card',
    label: (c) => `身份证长期有效 · 在职 · ${c.age}岁`,
    accepts: (c) =>
      resident(c) &&
      c.person.identity.validTo === 'long-term' &&
      c.pension === undefined &&
      c.schemes.get('pension')?.status === 'active',
    score: (c) => -Math.abs(c.age - 52),
  },
  {
    key: 'resident-insured',
    label: (c) => `城乡居民参保 · ${c.age}岁`,
    accepts: (c) =>
      resident(c) &&
      c.age >= 30 &&
      c.age < 60 &&
      c.schemes.get('pension')?.scheme === 'resident' &&
      c.schemes.get('pension')?.status === 'active',
  },
  {
    key: 'resident-unpaid',
    label: (c) => `城乡居民参保 · 本年度未缴费 · ${c.age}岁`,
    accepts: (c) =>
      resident(c) &&
      c.age >= 18 &&
      c.age < 60 &&
      c.pension === undefined &&
      c.linkedAccount &&
      !c.paidThisYear &&
      c.schemes.get('pension')?.scheme === 'resident' &&
      c.schemes.get('pension')?.status === 'active',
  },
  {
    key: 'minority',
    label: (c) => `少数民族（${c.person.identity.nation ?? ''}族） · ${c.age}岁`,
    accepts: (c) =>
      c.person.identity.cardType === 'resident' &&
      c.person.identity.nationCode !== '01' &&
      c.schemes.size > 0,
  },
  {
    // Eligible for enrollment in the residents' pension and for the "new resident" bundle.
    key: 'new-resident',
    label: (c) => `新参保居民 · 未参加养老保险 · ${c.age}岁`,
    accepts: (c) =>
      resident(c) &&
      c.age >= 25 &&
      c.age <= 55 &&
      !c.schemes.has('pension') &&
      c.pension === undefined &&
      !c.student &&
      c.linkedAccount,
    score: (c) => -Math.abs(c.age - 32),
  },
  {
    // Refused enrollment: a full-time student may not join the residents' pension.
    key: 'student',
    label: (c) => `全日制在校学生 · ${c.age}岁`,
    accepts: (c) => resident(c) && c.age >= 16 && c.age <= 22 && c.student && !c.schemes.has('pension'),
    score: (c) => -Math.abs(c.age - 19),
  },
  {
    key: 'hong-kong-permit',
    label: () => '港澳居民居住证（香港）',
    accepts: (c) =>
      c.person.identity.cardType === 'hkMacaoTaiwan' && c.person.identity.idNumber.startsWith('81'),
  },
  {
    key: 'taiwan-permit',
    label: () => '台湾居民居住证',
    accepts: (c) =>
      c.person.identity.cardType === 'hkMacaoTaiwan' && c.person.identity.idNumber.startsWith('83'),
  },
  {
    key: 'foreign-2017',
    label: () => '外国人永久居留证（2017版，15位）',
    accepts: (c) => c.person.identity.cardType === 'foreignPermanent2017',
  },
  {
    key: 'foreign-2023',
    label: () => '外国人永久居留身份证（2023版，18位）',
    accepts: (c) => c.person.identity.cardType === 'foreignPermanent2023',
  },
];

/**
 * A short list of people from the seeded data for the simulator dock: the agent's simulated reader puts the
 * identity on the card and the server finds the same person by ID number, so each identity is the seeded one.
 * A pick with no match in `data` (a tiny custom data set) is left out.
 */
export function demoCardHolders(data: SeedData): DemoCardHolder[] {
  const pensions = new Map(data.pensions.map((p) => [p.personId, p]));
  const schemes = new Map<string, Candidate['schemes']>();
  for (const i of data.insurances) {
    const forPerson = schemes.get(i.personId) ?? new Map();
    forPerson.set(i.type, { scheme: i.scheme, status: i.status });
    schemes.set(i.personId, forPerson);
  }
  const students = new Set(
    data.studentEnrollments.filter((e) => isFullTimeStudentOn(e, REFERENCE_DATE)).map((e) => e.personId),
  );
  const linked = new Set(data.bankAccounts.map((a) => a.personId));
  const thisYear = Number(REFERENCE_DATE.slice(0, 4));
  const paid = new Set(
    data.contributions.filter((c) => c.type === 'pension' && c.year === thisYear).map((c) => c.personId),
  );
  const candidates: Candidate[] = data.people.map((person) => ({
    person,
    age: ageOn(person.identity.birthDate, REFERENCE_DATE),
    pension: pensions.get(person.personId),
    schemes: schemes.get(person.personId) ?? new Map(),
    student: students.has(person.personId),
    linkedAccount: linked.has(person.personId),
    paidThisYear: paid.has(person.personId),
  }));
  const taken = new Set<string>();
  const holders: DemoCardHolder[] = [];
  for (const pick of PICKS) {
    let best: Candidate | undefined;
    for (const c of candidates) {
      if (taken.has(c.person.personId) || !pick.accepts(c)) continue;
      // Strictly better only: the first of equals wins, which keeps the choice stable.
      if (!best || (pick.score && pick.score(c) > pick.score(best))) best = c;
      if (!pick.score) break;
    }
    if (!best) continue;
    taken.add(best.person.personId);
    holders.push({ key: pick.key, label: pick.label(best), identity: structuredClone(best.person.identity) });
  }
  return holders;
}
