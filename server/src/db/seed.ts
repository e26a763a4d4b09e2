import type { IdCardIdentity } from '@sik/contract';
import type { SeedData } from '@sik/seeds';
import { insertRows } from './bulk.ts';
import { AdvisoryLock, type Db } from './db.ts';

export interface SeedCounts {
  banks: number;
  branches: number;
  kiosks: number;
  bankServices: number;
  people: number;
  insurances: number;
  contributions: number;
  pensions: number;
  bankAccounts: number;
  pensionPayments: number;
  studentEnrollments: number;
}

/** The people row for an identity: each card type's own fields in their columns, the others null. */
function personRow(personId: string, identity: IdCardIdentity): Record<string, unknown> {
  return {
    person_id: personId,
    id_number: identity.idNumber,
    card_type: identity.cardType,
    name: identity.name,
    sex: identity.sex,
    nation_code: identity.cardType === 'resident' ? identity.nationCode : null,
    birth_date: identity.birthDate,
    address: identity.address,
    issuer: identity.issuer,
    valid_from: identity.validFrom,
    valid_to: identity.validTo === 'long-term' ? null : identity.validTo,
    pass_number: identity.cardType === 'hkMacaoTaiwan' ? identity.passNumber : null,
    issue_count: identity.cardType === 'hkMacaoTaiwan' ? identity.issueCount : null,
    english_name: 'englishName' in identity ? identity.englishName : null,
    chinese_name: 'chineseName' in identity ? identity.chineseName : null,
    nationality_code: 'nationalityCode' in identity ? identity.nationalityCode : null,
    card_version: identity.cardType === 'foreignPermanent2017' ? identity.cardVersion : null,
    authority_code: identity.cardType === 'foreignPermanent2017' ? identity.authorityCode : null,
    renewal_count: identity.cardType === 'foreignPermanent2023' ? identity.renewalCount : null,
  };
}

/**
 * Loads demo data (or the data a function returns) into an empty database, in one transaction. Returns null when the database already holds
 * data (a seeded database is never seeded twice); the advisory lock makes that check safe when several
 * servers start at once.
 */
export async function seedIfEmpty(db: Db, source: SeedData | (() => SeedData)): Promise<SeedCounts | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.seed]);
    const { rows } = await tx.query<{ seeded: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM banks) OR EXISTS (SELECT 1 FROM people) AS seeded',
    );
    if (rows[0]?.seeded) return null;
    // Generated only when needed: a restart of a seeded server skips the work.
    const data = typeof source === 'function' ? source() : source;
    return {
      banks: await insertRows(
        tx,
        'banks',
        { bank_id: 'text', name: 'text' },
        data.banks.map((b) => ({ bank_id: b.bankId, name: b.name })),
      ),
      branches: await insertRows(
        tx,
        'branches',
        { branch_id: 'text', bank_id: 'text', name: 'text', address: 'text', region_code: 'text' },
        data.branches.map((b) => ({
          branch_id: b.branchId,
          bank_id: b.bankId,
          name: b.name,
          address: b.address,
          region_code: b.regionCode,
        })),
      ),
      kiosks: await insertRows(
        tx,
        'kiosks',
        { kiosk_id: 'text', branch_id: 'text', enabled: 'boolean' },
        data.kiosks.map((k) => ({ kiosk_id: k.kioskId, branch_id: k.branchId, enabled: k.enabled })),
      ),
      bankServices: await insertRows(
        tx,
        'bank_services',
        { bank_id: 'text', service_id: 'text' },
        data.bankServices.map((s) => ({ bank_id: s.bankId, service_id: s.serviceId })),
      ),
      people: await insertRows(
        tx,
        'people',
        {
          person_id: 'text',
          id_number: 'text',
          card_type: 'text',
          name: 'text',
          sex: 'text',
          nation_code: 'text',
          birth_date: 'date',
          address: 'text',
          issuer: 'text',
          valid_from: 'date',
          valid_to: 'date',
          pass_number: 'text',
          issue_count: 'text',
          english_name: 'text',
          chinese_name: 'text',
          nationality_code: 'text',
          card_version: 'text',
          authority_code: 'text',
          renewal_count: 'text',
        },
        data.people.map((p) => personRow(p.personId, p.identity)),
      ),
      insurances: await insertRows(
        tx,
        'insurances',
        { person_id: 'text', type: 'text', scheme: 'text', status: 'text', since: 'date' },
        data.insurances.map((i) => ({
          person_id: i.personId,
          type: i.type,
          scheme: i.scheme,
          status: i.status,
          since: i.since,
        })),
      ),
      contributions: await insertRows(
        tx,
        'contributions',
        {
          person_id: 'text',
          type: 'text',
          year: 'smallint',
          months: 'smallint',
          base_cents: 'integer',
          amount_cents: 'integer',
        },
        data.contributions.map((c) => ({
          person_id: c.personId,
          type: c.type,
          year: c.year,
          months: c.months,
          base_cents: c.baseCents,
          amount_cents: c.amountCents,
        })),
      ),
      pensions: await insertRows(
        tx,
        'pensions',
        {
          person_id: 'text',
          scheme: 'text',
          start_date: 'date',
          monthly_amount_cents: 'integer',
          last_authenticated_at: 'timestamptz',
          status: 'text',
        },
        data.pensions.map((p) => ({
          person_id: p.personId,
          scheme: p.scheme,
          start_date: p.startDate,
          monthly_amount_cents: p.monthlyAmountCents,
          last_authenticated_at: p.lastAuthenticatedAt,
          status: p.status,
        })),
      ),
      // The migration's partial unique index allows one linked account per person; seeded ones are all linked.
      bankAccounts: await insertRows(
        tx,
        'bank_accounts',
        { account_id: 'text', person_id: 'text', bank_id: 'text', account_number: 'text', linked: 'boolean' },
        data.bankAccounts.map((a) => ({
          account_id: a.accountId,
          person_id: a.personId,
          bank_id: a.bankId,
          account_number: a.accountNumber,
          linked: true,
        })),
      ),
      pensionPayments: await insertRows(
        tx,
        'pension_payments',
        { person_id: 'text', month: 'date', amount_cents: 'integer', status: 'text', paid_at: 'timestamptz' },
        data.pensionPayments.map((p) => ({
          person_id: p.personId,
          month: p.month,
          amount_cents: p.amountCents,
          status: p.status,
          paid_at: p.paidAt,
        })),
      ),
      studentEnrollments: await insertRows(
        tx,
        'student_enrollments',
        { person_id: 'text', school: 'text', full_time: 'boolean', from_date: 'date', to_date: 'date' },
        data.studentEnrollments.map((e) => ({
          person_id: e.personId,
          school: e.school,
          full_time: e.fullTime,
          from_date: e.fromDate,
          to_date: e.toDate,
        })),
      ),
    };
  });
}
