import { type IdCardIdentity, idCheckCharacter, NATIONS } from '@sik/contract';
import { addDays, addYears, ageOn, daysBetween, isoDate, later, REFERENCE_DATE } from './calendar.ts';
import { FOREIGN_PEOPLE, GIVEN_NAME_CHARS, HMT_ORIGINS, SURNAMES } from './names.ts';
import type { Random } from './prng.ts';
import {
  DEMO_CITY_POLICE,
  DEMO_CITY_REGIONS,
  DEMO_PROVINCE_CODE,
  OTHER_REGIONS,
  type Region,
} from './regions.ts';
import type { SeedPerson } from './types.ts';

/** How many people of each non-resident card type every data set holds, so that every card type exists. */
export const SPECIAL_CARD_COUNTS = {
  hkMacaoTaiwan: 6,
  foreignPermanent2017: 4,
  foreignPermanent2023: 4,
} as const;

const BIRTH_DECADES: readonly (readonly [readonly [number, number], number])[] = [
  [[1930, 1939], 3],
  [[1940, 1949], 8],
  [[1950, 1959], 14],
  [[1960, 1969], 17],
  [[1970, 1979], 17],
  [[1980, 1989], 16],
  [[1990, 1999], 15],
  [[2000, 2008], 10],
];

const NATION_WEIGHTS: readonly (readonly [string, number])[] = [
  ['01', 90],
  ['03', 2],
  ['04', 2],
  ['07', 2],
  ['33', 1],
  ['15', 1],
  ['06', 1],
  ['08', 0.5],
  ['11', 0.5],
];

/** Keeps every generated ID number unique: the sequence number moves on until the number is free. */
class IdNumbers {
  private readonly used = new Set<string>();

  /** An 18-character GB 11643 number; the sequence's parity carries the sex (odd = male). */
  issue(prefix6: string, birthDate: string, male: boolean, rng: Random): string {
    const birth = birthDate.replaceAll('-', '');
    let sequence = rng.int(0, 998);
    if (sequence % 2 !== (male ? 1 : 0)) sequence += 1;
    for (;;) {
      const first17 = `${prefix6}${birth}${String(sequence).padStart(3, '0')}`;
      const idNumber = first17 + idCheckCharacter(first17);
      if (!this.used.has(idNumber)) {
        this.used.add(idNumber);
        return idNumber;
      }
      sequence = (sequence + 2) % 1000;
    }
  }

  /** 2017 foreign permanent residence permit: nationality, issuing authority, YYMMDD birth, 2-digit sequence. */
  issue2017(alpha3: string, authorityCode: string, birthDate: string, rng: Random): string {
    const birth = birthDate.replaceAll('-', '').slice(2);
    for (let sequence = rng.int(1, 50); ; sequence++) {
      const permit = `${alpha3}${authorityCode}${birth}${String(sequence % 100).padStart(2, '0')}`;
      if (!this.used.has(permit)) {
        this.used.add(permit);
        return permit;
      }
    }
  }
}

function randomBirthDate(rng: Random, [from, to]: readonly [number, number]): string {
  const year = rng.int(from, to);
  return addDays(isoDate(year, 1, 1), rng.int(0, 364));
}

function chineseName(rng: Random, male: boolean, birthYear: number): string {
  const older = birthYear < 1975;
  const chars = older
    ? male
      ? GIVEN_NAME_CHARS.olderMale
      : GIVEN_NAME_CHARS.olderFemale
    : male
      ? GIVEN_NAME_CHARS.youngerMale
      : GIVEN_NAME_CHARS.youngerFemale;
  const given = rng.chance(0.75) ? rng.pick(chars) + rng.pick(chars) : rng.pick(chars);
  return rng.weighted(SURNAMES) + given;
}

function address(rng: Random, region: Region): string {
  const place = rng.pick(region.places);
  if (region.rural)
    return `${region.prefix}${place}${rng.pick(['新华', '石桥', '永安', '和平', '龙井'])}村${rng.int(1, 12)}组${rng.int(1, 80)}号`;
  return `${region.prefix}${place}${rng.int(1, 300)}号${rng.int(1, 12)}栋${rng.int(1, 4)}单元${rng.int(1, 30)}0${rng.int(1, 6)}号`;
}

/**
 * The card a resident holds today. Second-generation cards exist since 2004; a card is renewed shortly before it
 * expires, and the validity depends on the age at issue (GA 467: under 16 five years, 16-25 ten, 26-45 twenty,
 * 46 and over long-term, printed 长期).
 */
function residentCardValidity(rng: Random, birthDate: string): { validFrom: string; validTo: string } {
  const firstPossible = addDays('2004-03-01', rng.int(0, 1500));
  const sixteen = addDays(addYears(birthDate, 16), rng.int(0, 300));
  let issued = later(firstPossible, sixteen);
  for (;;) {
    const age = ageOn(birthDate, issued);
    if (age >= 46) return { validFrom: issued, validTo: 'long-term' };
    const years = age < 16 ? 5 : age < 26 ? 10 : 20;
    const expires = addYears(issued, years);
    if (expires > REFERENCE_DATE) return { validFrom: issued, validTo: expires };
    issued = addDays(expires, -rng.int(5, 60));
  }
}

function resident(rng: Random, ids: IdNumbers): IdCardIdentity {
  const male = rng.chance(0.5);
  const birthDate = randomBirthDate(rng, rng.weighted(BIRTH_DECADES));
  const birthRegion = rng.chance(0.8) ? rng.pick(DEMO_CITY_REGIONS) : rng.pick(OTHER_REGIONS);
  // Most people born elsewhere have since moved their household registration to the demo city.
  const home =
    DEMO_CITY_REGIONS.includes(birthRegion) || rng.chance(0.4) ? birthRegion : rng.pick(DEMO_CITY_REGIONS);
  const nationCode = rng.weighted(NATION_WEIGHTS);
  return {
    cardType: 'resident',
    name: chineseName(rng, male, Number(birthDate.slice(0, 4))),
    sex: male ? 'male' : 'female',
    sexCode: male ? '1' : '2',
    nation: NATIONS[nationCode] ?? null,
    nationCode,
    birthDate,
    address: address(rng, home),
    idNumber: ids.issue(birthRegion.code, birthDate, male, rng),
    issuer: home.police,
    ...residentCardValidity(rng, birthDate),
  };
}

function hkMacaoTaiwan(rng: Random, ids: IdNumbers, index: number): IdCardIdentity {
  const origin = HMT_ORIGINS[index % HMT_ORIGINS.length] ?? HMT_ORIGINS[0];
  const male = rng.chance(0.5);
  const birthDate = randomBirthDate(rng, [1966, 1998]);
  // Residence permits exist since 2018-09 and are valid five years.
  const validFrom = addDays(REFERENCE_DATE, -rng.int(30, 5 * 365 - 30));
  const passDigits = String(rng.int(10_000_000, 99_999_999));
  return {
    cardType: 'hkMacaoTaiwan',
    name: chineseName(rng, male, Number(birthDate.slice(0, 4))),
    sex: male ? 'male' : 'female',
    sexCode: male ? '1' : '2',
    nation: null,
    birthDate,
    address: address(rng, rng.pick(DEMO_CITY_REGIONS)),
    idNumber: ids.issue(origin.region, birthDate, male, rng),
    issuer: DEMO_CITY_POLICE,
    validFrom,
    validTo: addYears(validFrom, 5),
    passNumber: `${origin.passPrefix}${passDigits}`,
    issueCount: String(rng.int(1, 3)).padStart(2, '0'),
  };
}

function foreign2017(rng: Random, ids: IdNumbers, index: number): IdCardIdentity {
  const who = FOREIGN_PEOPLE[index % FOREIGN_PEOPLE.length] ?? FOREIGN_PEOPLE[0];
  if (!who) throw new RangeError('no foreign name material');
  const birthDate = randomBirthDate(rng, [1960, 1992]);
  // The 2017 card was issued from 2017-06 until the 2023 card replaced it; valid ten years for adults.
  const validFrom = addDays('2017-06-15', rng.int(0, daysBetween('2017-06-15', '2023-11-30')));
  const authorityCode = `${DEMO_PROVINCE_CODE}00`;
  return {
    cardType: 'foreignPermanent2017',
    name: who.chineseName,
    sex: who.sex,
    sexCode: who.sex === 'male' ? '1' : '2',
    nation: null,
    birthDate,
    address: null,
    idNumber: ids.issue2017(who.alpha3, authorityCode, birthDate, rng),
    issuer: null,
    validFrom,
    validTo: addYears(validFrom, 10),
    englishName: who.englishName,
    chineseName: who.chineseName,
    nationalityCode: who.alpha3,
    cardVersion: '17',
    authorityCode,
  };
}

function foreign2023(rng: Random, ids: IdNumbers, index: number): IdCardIdentity {
  const who = FOREIGN_PEOPLE[(index + 4) % FOREIGN_PEOPLE.length] ?? FOREIGN_PEOPLE[0];
  if (!who) throw new RangeError('no foreign name material');
  const birthDate = randomBirthDate(rng, [1960, 1995]);
  const validFrom = addDays('2023-12-01', rng.int(0, daysBetween('2023-12-01', REFERENCE_DATE) - 30));
  return {
    cardType: 'foreignPermanent2023',
    name: who.chineseName,
    sex: who.sex,
    sexCode: who.sex === 'male' ? '1' : '2',
    nation: null,
    birthDate,
    address: null,
    // 9, the province of the accepting authority, the ISO 3166 numeric nationality; then as GB 11643.
    idNumber: ids.issue(`9${DEMO_PROVINCE_CODE}${who.numeric}`, birthDate, who.sex === 'male', rng),
    issuer: null,
    validFrom,
    validTo: addYears(validFrom, 10),
    englishName: who.englishName,
    chineseName: who.chineseName,
    nationalityCode: who.alpha3,
    renewalCount: String(rng.int(0, 1)).padStart(2, '0'),
  };
}

/** `count` people: residents first, then the holders of the other card types. */
export function generatePeople(rng: Random, count: number): SeedPerson[] {
  const specials =
    SPECIAL_CARD_COUNTS.hkMacaoTaiwan +
    SPECIAL_CARD_COUNTS.foreignPermanent2017 +
    SPECIAL_CARD_COUNTS.foreignPermanent2023;
  if (count < specials + 1) throw new RangeError(`at least ${specials + 1} people are needed`);
  const ids = new IdNumbers();
  const identities: IdCardIdentity[] = [];
  for (let i = 0; i < count - specials; i++) identities.push(resident(rng, ids));
  for (let i = 0; i < SPECIAL_CARD_COUNTS.hkMacaoTaiwan; i++) identities.push(hkMacaoTaiwan(rng, ids, i));
  for (let i = 0; i < SPECIAL_CARD_COUNTS.foreignPermanent2017; i++)
    identities.push(foreign2017(rng, ids, i));
  for (let i = 0; i < SPECIAL_CARD_COUNTS.foreignPermanent2023; i++)
    identities.push(foreign2023(rng, ids, i));
  return identities.map((identity, i) => ({ personId: `P${String(i + 1).padStart(8, '0')}`, identity }));
}
