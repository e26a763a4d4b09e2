import { IdCardIdentity, IdCardType, isValidIdNumber, NATIONS, ServiceId } from '@sik/contract';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addYears, ageOn } from './calendar.ts';
import {
  DEFAULT_CITIZENS,
  DEMO_KIOSK_ID,
  defaultSeedData,
  demoCardHolders,
  generateSeedData,
  isFullTimeStudentOn,
  isValidLuhn,
  luhnCheckDigit,
  PENSION_PAYMENT_MONTHS,
  REFERENCE_DATE,
} from './index.ts';
import { DEMO_CITY_REGIONS, OTHER_REGIONS } from './regions.ts';

const data = defaultSeedData();
const regionCodes = new Set([...DEMO_CITY_REGIONS, ...OTHER_REGIONS].map((r) => r.code));

describe('seed people', () => {
  it('has the default number of people, at least 1,000, with unique ids and numbers', () => {
    expect(DEFAULT_CITIZENS).toBeGreaterThanOrEqual(1000);
    expect(data.people).toHaveLength(DEFAULT_CITIZENS);
    expect(new Set(data.people.map((p) => p.personId)).size).toBe(data.people.length);
    expect(new Set(data.people.map((p) => p.identity.idNumber)).size).toBe(data.people.length);
  });

  it('holds every card type, and every identity matches the contract schema', () => {
    const types = new Set(data.people.map((p) => p.identity.cardType));
    expect([...types].sort()).toEqual([...IdCardType.options].sort());
    for (const { identity } of data.people) expect(IdCardIdentity.parse(identity)).toEqual(identity);
  });

  it('gives every 18-character number a valid GB 11643 check character, birth date and sex parity', () => {
    for (const { identity } of data.people) {
      if (identity.cardType === 'foreignPermanent2017') continue;
      expect(isValidIdNumber(identity.idNumber), identity.idNumber).toBe(true);
      expect(identity.idNumber.slice(6, 14)).toBe(identity.birthDate.replaceAll('-', ''));
      expect(Number(identity.idNumber[16]) % 2 === 1).toBe(identity.sex === 'male');
      expect(identity.sexCode).toBe(identity.sex === 'male' ? '1' : '2');
    }
  });

  it('uses real-looking region codes and the prefixes of each permit type', () => {
    for (const { identity } of data.people) {
      const prefix = identity.idNumber.slice(0, 6);
      if (identity.cardType === 'resident') expect(regionCodes.has(prefix), prefix).toBe(true);
      if (identity.cardType === 'hkMacaoTaiwan') expect(['810000', '820000', '830000']).toContain(prefix);
      if (identity.cardType === 'foreignPermanent2023') expect(identity.idNumber).toMatch(/^9\d{17}$/);
      if (identity.cardType === 'foreignPermanent2017') {
        // Nationality letters, 4-digit authority, YYMMDD birth date, 2-digit sequence.
        expect(identity.idNumber).toMatch(/^[A-Z]{3}\d{12}$/);
        expect(identity.idNumber.slice(0, 3)).toBe(identity.nationalityCode);
        expect(identity.idNumber.slice(7, 13)).toBe(identity.birthDate.replaceAll('-', '').slice(2));
      }
    }
  });

  it('has residents born 1930-2008 with nation codes, mostly 汉', () => {
    const residents = data.people.flatMap((p) => (p.identity.cardType === 'resident' ? [p.identity] : []));
    for (const r of residents) {
      expect(Number(r.birthDate.slice(0, 4))).toBeGreaterThanOrEqual(1930);
      expect(Number(r.birthDate.slice(0, 4))).toBeLessThanOrEqual(2008);
      expect(r.nation).toBe(NATIONS[r.nationCode]);
      expect(r.issuer).toMatch(/公安局/);
    }
    const han = residents.filter((r) => r.nationCode === '01').length;
    expect(han / residents.length).toBeGreaterThan(0.8);
    expect(han).toBeLessThan(residents.length);
  });

  it('gives resident cards a validity that fits the age at issue, all valid on the reference date', () => {
    let longTerm = 0;
    for (const { identity } of data.people) {
      expect(identity.validFrom <= REFERENCE_DATE).toBe(true);
      if (identity.cardType !== 'resident') {
        expect(identity.validTo > REFERENCE_DATE).toBe(true);
        continue;
      }
      const age = ageOn(identity.birthDate, identity.validFrom);
      if (identity.validTo === 'long-term') {
        longTerm++;
        expect(age).toBeGreaterThanOrEqual(46);
      } else {
        const years = age < 16 ? 5 : age < 26 ? 10 : 20;
        expect(identity.validTo).toBe(addYears(identity.validFrom, years));
        expect(identity.validTo > REFERENCE_DATE).toBe(true);
      }
    }
    expect(longTerm).toBeGreaterThan(100);
  });

  it('keeps every text field within the width of its field on the card', () => {
    // UTF-16 characters: name 15, address 35, issuer 15, English name 60 (2017) / 46 (2023), pass number 9.
    for (const { identity } of data.people) {
      expect(identity.name.length).toBeLessThanOrEqual(15);
      expect((identity.address ?? '').length).toBeLessThanOrEqual(35);
      expect((identity.issuer ?? '').length).toBeLessThanOrEqual(15);
      if (identity.cardType === 'hkMacaoTaiwan') expect(identity.passNumber.length).toBeLessThanOrEqual(9);
      if (identity.cardType === 'foreignPermanent2023')
        expect(identity.englishName.length).toBeLessThanOrEqual(46);
    }
  });
});

describe('seed insurance', () => {
  const people = new Map(data.people.map((p) => [p.personId, p.identity]));

  it('has at most one insurance per person and type, residents only in pension and medical', () => {
    const keys = new Set<string>();
    for (const i of data.insurances) {
      const key = `${i.personId}/${i.type}`;
      expect(keys.has(key), key).toBe(false);
      keys.add(key);
      expect(people.has(i.personId)).toBe(true);
      if (i.scheme === 'resident') expect(['pension', 'medical']).toContain(i.type);
      expect(i.since <= REFERENCE_DATE).toBe(true);
    }
    const types = new Set(data.insurances.map((i) => i.type));
    expect(types.size).toBe(5);
  });

  it('records contributions only for existing insurances, within their time, with sane amounts', () => {
    const insurances = new Map(data.insurances.map((i) => [`${i.personId}/${i.type}`, i]));
    const seen = new Set<string>();
    // 65,000 rows: collect the problems and assert once, an expect per row would take seconds.
    const problems: string[] = [];
    for (const c of data.contributions) {
      const key = `${c.personId}/${c.type}/${c.year}`;
      const insurance = insurances.get(`${c.personId}/${c.type}`);
      if (!insurance) problems.push(`${key}: no insurance`);
      else if (c.year < Number(insurance.since.slice(0, 4)) || c.year > 2026) problems.push(`${key}: year`);
      if (c.months < 1 || c.months > 12) problems.push(`${key}: months ${c.months}`);
      if (!(c.amountCents > 0 && Number.isInteger(c.amountCents) && Number.isInteger(c.baseCents))) {
        problems.push(`${key}: amount ${c.amountCents}`);
      }
      if (seen.has(key)) problems.push(`${key}: twice`);
      seen.add(key);
    }
    expect(problems).toEqual([]);
    expect(data.contributions.length).toBeGreaterThan(10 * data.people.length);
  });

  it('has pensioners of pension age, some due within 30 days and some overdue and suspended', () => {
    expect(data.pensions.length).toBeGreaterThan(200);
    let dueSoon = 0;
    let overdue = 0;
    for (const p of data.pensions) {
      const identity = people.get(p.personId);
      if (!identity) throw new Error(`pension of unknown person ${p.personId}`);
      const ageAtStart = ageOn(identity.birthDate, p.startDate);
      expect(ageAtStart).toBeGreaterThanOrEqual(identity.sex === 'male' || p.scheme === 'resident' ? 60 : 50);
      expect(p.startDate <= REFERENCE_DATE).toBe(true);
      expect(p.lastAuthenticatedAt.slice(0, 10) >= p.startDate).toBe(true);
      expect(p.monthlyAmountCents).toBeGreaterThan(0);
      const due = addYears(p.lastAuthenticatedAt.slice(0, 10), 1);
      if (due < REFERENCE_DATE) {
        overdue++;
        expect(p.status).toBe('suspended');
      } else {
        expect(p.status).toBe('active');
        if (due <= addDays(REFERENCE_DATE, 30)) dueSoon++;
      }
    }
    expect(dueSoon).toBeGreaterThan(10);
    expect(overdue).toBeGreaterThan(10);
    const schemes = new Set(data.pensions.map((p) => p.scheme));
    expect(schemes).toEqual(new Set(['employee', 'resident']));
  });
});

describe('seed banks, branches and kiosks', () => {
  it('has the six banks, each authorised for valid services, and the demo kiosk at a bank with all six', () => {
    expect(data.banks.map((b) => b.bankId)).toEqual(['ICBC', 'BOC', 'ABC', 'CCB', 'CDRCB', 'PSBC']);
    for (const s of data.bankServices) expect(ServiceId.options).toContain(s.serviceId);
    for (const bank of data.banks) expect(data.bankServices.some((s) => s.bankId === bank.bankId)).toBe(true);
    const demo = data.kiosks.find((k) => k.kioskId === DEMO_KIOSK_ID);
    expect(demo?.enabled).toBe(true);
    const branch = data.branches.find((b) => b.branchId === demo?.branchId);
    const services = data.bankServices.filter((s) => s.bankId === branch?.bankId).map((s) => s.serviceId);
    expect(services.sort()).toEqual([...ServiceId.options].sort());
  });

  it('numbers kiosks KIOSK-0001 onwards, each in an existing branch, with one disabled', () => {
    const branches = new Set(data.branches.map((b) => b.branchId));
    data.kiosks.forEach((k, i) => {
      expect(k.kioskId).toBe(`KIOSK-${String(i + 1).padStart(4, '0')}`);
      expect(branches.has(k.branchId)).toBe(true);
    });
    expect(data.kiosks.filter((k) => !k.enabled)).toHaveLength(1);
  });
});

describe('determinism', () => {
  it('generates the same data twice, and different data from another seed', () => {
    const a = generateSeedData({ citizens: 300 });
    const b = generateSeedData({ citizens: 300 });
    expect(a).toEqual(b);
    const c = generateSeedData({ citizens: 300, seed: 7 });
    expect(c.people.map((p) => p.identity.idNumber)).not.toEqual(a.people.map((p) => p.identity.idNumber));
  });

  it('respects the requested size', () => {
    expect(generateSeedData({ citizens: 50 }).people).toHaveLength(50);
    expect(() => generateSeedData({ citizens: 5 })).toThrow(RangeError);
  });
});

describe('demoCardHolders', () => {
  const holders = demoCardHolders();

  it('lists 8-16 people with unique keys, every card type and a long-term card', () => {
    expect(holders.length).toBeGreaterThanOrEqual(8);
    expect(holders.length).toBeLessThanOrEqual(16);
    expect(new Set(holders.map((h) => h.key)).size).toBe(holders.length);
    expect(new Set(holders.map((h) => h.identity.cardType))).toEqual(new Set(IdCardType.options));
    expect(holders.some((h) => h.identity.validTo === 'long-term')).toBe(true);
    expect(holders.map((h) => h.key)).toEqual(
      expect.arrayContaining(['pensioner', 'young-worker', 'foreign-2017', 'new-resident', 'student']),
    );
  });

  it('gives each holder exactly the seeded identity, and labels without ID numbers', () => {
    const byNumber = new Map(data.people.map((p) => [p.identity.idNumber, p.identity]));
    for (const h of holders) {
      expect(h.identity).toEqual(byNumber.get(h.identity.idNumber));
      expect(h.label).not.toMatch(/\d{6}/);
      expect(h.label).not.toContain(h.identity.name);
    }
  });

  it('picks a pensioner for the pensioner keys', () => {
    const pensioners = new Set(data.pensions.map((p) => p.personId));
    const personOf = new Map(data.people.map((p) => [p.identity.idNumber, p.personId]));
    for (const key of ['pensioner', 'pensioner-due', 'pensioner-overdue', 'resident-pensioner']) {
      const holder = holders.find((h) => h.key === key);
      expect(holder, key).toBeDefined();
      expect(pensioners.has(personOf.get(holder?.identity.idNumber ?? '') ?? '')).toBe(true);
    }
  });
});

describe('seed bank accounts, pension payments and students', () => {
  const people = new Map(data.people.map((p) => [p.personId, p.identity]));

  it('computes Luhn check digits as ISO/IEC 7812 does', () => {
    // The textbook example and a 16-digit test card number.
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(isValidLuhn('4111111111111111')).toBe(true);
    expect(isValidLuhn('4111111111111112')).toBe(false);
  });

  it('gives every pensioner and most adults one linked account: 19 digits, Luhn-valid, unique, at a seeded bank', () => {
    const banks = new Set(data.banks.map((b) => b.bankId));
    const problems: string[] = [];
    for (const a of data.bankAccounts) {
      if (!/^\d{19}$/.test(a.accountNumber) || !isValidLuhn(a.accountNumber)) problems.push(a.accountNumber);
      if (!banks.has(a.bankId) || !people.has(a.personId)) problems.push(a.accountId);
    }
    expect(problems).toEqual([]);
    expect(new Set(data.bankAccounts.map((a) => a.accountNumber)).size).toBe(data.bankAccounts.length);
    expect(new Set(data.bankAccounts.map((a) => a.accountId)).size).toBe(data.bankAccounts.length);
    const holders = new Set(data.bankAccounts.map((a) => a.personId));
    expect(holders.size).toBe(data.bankAccounts.length);
    for (const p of data.pensions) expect(holders.has(p.personId), p.personId).toBe(true);
    const adults = data.people.filter((p) => ageOn(p.identity.birthDate, REFERENCE_DATE) >= 18);
    const adultsWithAccount = adults.filter((p) => holders.has(p.personId)).length;
    expect(adultsWithAccount / adults.length).toBeGreaterThan(0.8);
    expect(adultsWithAccount).toBeLessThan(adults.length);
  });

  it('pays each pension monthly for the last 24 months, withheld only after the authentication fell due', () => {
    const pensions = new Map(data.pensions.map((p) => [p.personId, p]));
    const referenceMonth = `${REFERENCE_DATE.slice(0, 7)}-01`;
    const byPerson = new Map<string, number>();
    const problems: string[] = [];
    for (const pay of data.pensionPayments) {
      const pension = pensions.get(pay.personId);
      if (!pension) {
        problems.push(`${pay.personId}: no pension`);
        continue;
      }
      byPerson.set(pay.personId, (byPerson.get(pay.personId) ?? 0) + 1);
      const due = addYears(pension.lastAuthenticatedAt.slice(0, 10), 1);
      if (!pay.month.endsWith('-01') || pay.month >= referenceMonth) problems.push(`${pay.month}: month`);
      if (pay.month < addMonths(referenceMonth, -PENSION_PAYMENT_MONTHS))
        problems.push(`${pay.month}: too old`);
      if (pay.month < pension.startDate.slice(0, 8).concat('01')) problems.push(`${pay.month}: before start`);
      if (pay.amountCents !== pension.monthlyAmountCents) problems.push(`${pay.personId}: amount`);
      if (pay.status === 'withheld' && (pension.status !== 'suspended' || pay.paidAt !== null))
        problems.push(`${pay.personId} ${pay.month}: withheld while ${pension.status}`);
      if (pay.status === 'paid' && (pay.paidAt === null || pay.paidAt.slice(0, 10) > due))
        problems.push(`${pay.personId} ${pay.month}: paid after ${due}`);
    }
    expect(problems).toEqual([]);
    // A pensioner of long standing has all 24 months; every one suspended in time has a withheld month.
    const longStanding = data.pensions.filter((p) => p.startDate <= addMonths(referenceMonth, -24));
    for (const p of longStanding) expect(byPerson.get(p.personId)).toBe(PENSION_PAYMENT_MONTHS);
    // Suspended before the last pay day in the window (the 10th of the month before the reference date).
    const lastPayDay = `${addMonths(referenceMonth, -1).slice(0, 8)}10`;
    const suspended = data.pensions.filter(
      (p) => p.status === 'suspended' && addYears(p.lastAuthenticatedAt.slice(0, 10), 1) < lastPayDay,
    );
    expect(suspended.length).toBeGreaterThan(10);
    for (const p of suspended) {
      expect(
        data.pensionPayments.some((pay) => pay.personId === p.personId && pay.status === 'withheld'),
        p.personId,
      ).toBe(true);
    }
  });

  it('has full-time students aged 16-24 who are in no pension scheme, and graduates and part-timers who are not students', () => {
    const inPension = new Set(
      data.insurances.filter((i) => i.type === 'pension' && i.status === 'active').map((i) => i.personId),
    );
    const current = data.studentEnrollments.filter((e) => isFullTimeStudentOn(e, REFERENCE_DATE));
    expect(current.length).toBeGreaterThan(20);
    for (const e of data.studentEnrollments) {
      const identity = people.get(e.personId);
      expect(identity?.cardType).toBe('resident');
      const age = ageOn(identity?.birthDate ?? '', REFERENCE_DATE);
      expect(age).toBeGreaterThanOrEqual(16);
      expect(age).toBeLessThanOrEqual(24);
      expect(inPension.has(e.personId)).toBe(false);
      expect(e.fromDate <= REFERENCE_DATE).toBe(true);
    }
    expect(data.studentEnrollments.some((e) => e.toDate !== null && e.toDate < REFERENCE_DATE)).toBe(true);
    expect(data.studentEnrollments.some((e) => !e.fullTime)).toBe(true);
  });

  it("picks a 'new-resident' eligible for enrollment and a full-time 'student' who is not enrolled", () => {
    const personOf = new Map(data.people.map((p) => [p.identity.idNumber, p.personId]));
    const find = (key: string) => {
      const holder = demoCardHolders().find((h) => h.key === key);
      if (!holder) throw new Error(`no ${key}`);
      return { identity: holder.identity, personId: personOf.get(holder.identity.idNumber) ?? '' };
    };
    const fresh = find('new-resident');
    const age = ageOn(fresh.identity.birthDate, REFERENCE_DATE);
    expect(fresh.identity.cardType).toBe('resident');
    expect(age).toBeGreaterThanOrEqual(25);
    expect(age).toBeLessThanOrEqual(55);
    expect(data.insurances.some((i) => i.personId === fresh.personId && i.type === 'pension')).toBe(false);
    expect(data.studentEnrollments.some((e) => e.personId === fresh.personId && e.fullTime)).toBe(false);
    expect(data.bankAccounts.filter((a) => a.personId === fresh.personId)).toHaveLength(1);

    const student = find('student');
    const studentAge = ageOn(student.identity.birthDate, REFERENCE_DATE);
    expect(studentAge).toBeGreaterThanOrEqual(16);
    expect(studentAge).toBeLessThanOrEqual(22);
    expect(
      data.studentEnrollments.some(
        (e) => e.personId === student.personId && isFullTimeStudentOn(e, REFERENCE_DATE),
      ),
    ).toBe(true);
    expect(data.insurances.some((i) => i.personId === student.personId && i.type === 'pension')).toBe(false);
  });
});
