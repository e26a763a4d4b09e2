import type { IdCardIdentity, IdCardType, InsuranceStatus, InsuranceType } from '@sik/contract';
import { NATIONS } from '@sik/contract';
import type { Queryable } from '../db/db.ts';

export interface PersonSummary {
  personId: string;
  name: string;
}

export interface InsuranceSummary {
  type: InsuranceType;
  status: InsuranceStatus;
  since: string;
}

/** The person holding this card, matched on card type and number together. */
export async function findPersonByCard(
  q: Queryable,
  cardType: IdCardType,
  idNumber: string,
): Promise<PersonSummary | null> {
  const { rows } = await q.query<{ person_id: string; name: string }>(
    'SELECT person_id, name FROM people WHERE id_number = $1 AND card_type = $2',
    [idNumber, cardType],
  );
  const row = rows[0];
  return row ? { personId: row.person_id, name: row.name } : null;
}

const INSURANCE_ORDER =
  "array_position(ARRAY['pension','medical','unemployment','workInjury','maternity'], type)";

export async function insurancesOf(q: Queryable, personId: string): Promise<InsuranceSummary[]> {
  const { rows } = await q.query<{ type: InsuranceType; status: InsuranceStatus; since: string }>(
    `SELECT type, status, since FROM insurances WHERE person_id = $1 ORDER BY ${INSURANCE_ORDER}`,
    [personId],
  );
  return rows;
}

/** A pensioner receives, or is entitled to receive once authenticated, a pension. */
export async function isPensioner(q: Queryable, personId: string): Promise<boolean> {
  const { rows } = await q.query(
    "SELECT 1 FROM pensions WHERE person_id = $1 AND status IN ('active', 'suspended')",
    [personId],
  );
  return rows.length > 0;
}

interface PersonRow {
  card_type: IdCardType;
  id_number: string;
  name: string;
  sex: IdCardIdentity['sex'];
  nation_code: string | null;
  birth_date: string;
  address: string | null;
  issuer: string | null;
  valid_from: string;
  valid_to: string | null;
  pass_number: string | null;
  issue_count: string | null;
  english_name: string | null;
  chinese_name: string | null;
  nationality_code: string | null;
  card_version: string | null;
  authority_code: string | null;
  renewal_count: string | null;
}

const SEX_CODES: Readonly<Record<IdCardIdentity['sex'], string>> = {
  unknown: '0',
  male: '1',
  female: '2',
  unspecified: '9',
};

/** The identity as the person's card holds it, rebuilt from the people row. */
export async function identityOf(q: Queryable, personId: string): Promise<IdCardIdentity | null> {
  const { rows } = await q.query<PersonRow>('SELECT * FROM people WHERE person_id = $1', [personId]);
  const row = rows[0];
  if (!row) return null;
  const common = {
    name: row.name,
    sex: row.sex,
    sexCode: SEX_CODES[row.sex],
    nation: row.nation_code === null ? null : (NATIONS[row.nation_code] ?? null),
    birthDate: row.birth_date,
    address: row.address,
    idNumber: row.id_number,
    issuer: row.issuer,
    validFrom: row.valid_from,
    validTo: row.valid_to ?? 'long-term',
  };
  const text = (value: string | null): string => value ?? '';
  switch (row.card_type) {
    case 'resident':
      return { cardType: 'resident', ...common, nationCode: text(row.nation_code) };
    case 'hkMacaoTaiwan':
      return {
        cardType: 'hkMacaoTaiwan',
        ...common,
        passNumber: text(row.pass_number),
        issueCount: text(row.issue_count),
      };
    case 'foreignPermanent2017':
      return {
        cardType: 'foreignPermanent2017',
        ...common,
        englishName: text(row.english_name),
        chineseName: text(row.chinese_name),
        nationalityCode: text(row.nationality_code),
        cardVersion: text(row.card_version),
        authorityCode: text(row.authority_code),
      };
    case 'foreignPermanent2023':
      return {
        cardType: 'foreignPermanent2023',
        ...common,
        englishName: text(row.english_name),
        chineseName: text(row.chinese_name),
        nationalityCode: text(row.nationality_code),
        renewalCount: text(row.renewal_count),
      };
  }
}
