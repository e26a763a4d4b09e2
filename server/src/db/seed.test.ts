import { defaultSeedData, demoCardHolders } from '@sik/seeds';
import { expect, it } from 'vitest';
import { identityOf } from '../repositories/people.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import type { Db } from './db.ts';
import { type SeedCounts, seedIfEmpty } from './seed.ts';

const data = defaultSeedData();

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

describeEachDatabase('seeding', (get) => {
  it('loads the demo data in bulk, once, even when two servers start together', async () => {
    const { db, kind } = get();
    const other = kind === 'postgres' ? await get().reopen() : db;
    const started = performance.now();
    const results = await Promise.all([seedIfEmpty(db, data), seedIfEmpty(other, data)]);
    const elapsed = performance.now() - started;
    const seeded = results.filter((r): r is SeedCounts => r !== null);
    expect(seeded).toHaveLength(1);
    expect(seeded[0]).toEqual({
      banks: data.banks.length,
      branches: data.branches.length,
      kiosks: data.kiosks.length,
      bankServices: data.bankServices.length,
      people: data.people.length,
      insurances: data.insurances.length,
      contributions: data.contributions.length,
      pensions: data.pensions.length,
      bankAccounts: data.bankAccounts.length,
      pensionPayments: data.pensionPayments.length,
      studentEnrollments: data.studentEnrollments.length,
    });
    // "Seconds, not minutes": generous for a slow CI machine, tight enough to catch row-by-row inserts.
    expect(elapsed).toBeLessThan(30_000);
  });

  it('holds what was generated, table by table', async () => {
    const { db } = get();
    expect(await count(db, 'people')).toBe(data.people.length);
    expect(await count(db, 'contributions')).toBe(data.contributions.length);
    expect(await count(db, 'pensions')).toBe(data.pensions.length);
    expect(await count(db, 'kiosks')).toBe(data.kiosks.length);
    expect(await count(db, 'bank_accounts')).toBe(data.bankAccounts.length);
    expect(await count(db, 'pension_payments')).toBe(data.pensionPayments.length);
    expect(await count(db, 'student_enrollments')).toBe(data.studentEnrollments.length);
    const { rows } = await db.query<{ card_type: string; n: number }>(
      'SELECT card_type, count(*)::int AS n FROM people GROUP BY card_type ORDER BY card_type',
    );
    expect(rows.map((r) => r.card_type)).toEqual([
      'foreignPermanent2017',
      'foreignPermanent2023',
      'hkMacaoTaiwan',
      'resident',
    ]);
    const total = await db.query<{ cents: number }>(
      'SELECT sum(amount_cents)::int8 AS cents FROM contributions',
    );
    expect(total.rows[0]?.cents).toBe(data.contributions.reduce((sum, c) => sum + c.amountCents, 0));
  });

  it('does not seed a seeded database again', async () => {
    const { db } = get();
    expect(await seedIfEmpty(db, data)).toBeNull();
    expect(await count(db, 'people')).toBe(data.people.length);
  });

  it('keeps every demo card holder exactly as the simulated card will carry them', async () => {
    const { db } = get();
    const personIds = new Map(data.people.map((p) => [p.identity.idNumber, p.personId]));
    for (const holder of demoCardHolders()) {
      const personId = personIds.get(holder.identity.idNumber);
      expect(personId, holder.key).toBeDefined();
      expect(await identityOf(db, personId ?? '')).toEqual(holder.identity);
    }
  });

  it('keeps account numbers, pension months and student dates as generated', async () => {
    const { db } = get();
    const account = data.bankAccounts.at(-1);
    const payment = data.pensionPayments.find((p) => p.status === 'paid');
    const withheld = data.pensionPayments.find((p) => p.status === 'withheld');
    const student = data.studentEnrollments.find((e) => e.toDate !== null);
    if (!account || !payment || !withheld || !student) throw new Error('demo data lacks a kind of record');
    const accounts = await db.query(
      'SELECT person_id, bank_id, account_number, linked FROM bank_accounts WHERE account_id = $1',
      [account.accountId],
    );
    expect(accounts.rows[0]).toEqual({
      person_id: account.personId,
      bank_id: account.bankId,
      account_number: account.accountNumber,
      linked: true,
    });
    const payments = await db.query(
      'SELECT month, amount_cents, status, paid_at FROM pension_payments WHERE person_id = $1 AND month = $2',
      [payment.personId, payment.month],
    );
    expect(payments.rows[0]).toEqual({
      month: payment.month,
      amount_cents: payment.amountCents,
      status: 'paid',
      paid_at: new Date(payment.paidAt ?? ''),
    });
    const held = await db.query(
      'SELECT status, paid_at FROM pension_payments WHERE person_id = $1 AND month = $2',
      [withheld.personId, withheld.month],
    );
    expect(held.rows[0]).toEqual({ status: 'withheld', paid_at: null });
    const students = await db.query(
      'SELECT school, full_time, from_date, to_date FROM student_enrollments WHERE person_id = $1',
      [student.personId],
    );
    expect(students.rows).toEqual([
      {
        school: student.school,
        full_time: student.fullTime,
        from_date: student.fromDate,
        to_date: student.toDate,
      },
    ]);
    await expect(
      db.query(
        "INSERT INTO bank_accounts (account_id, person_id, bank_id, account_number) VALUES ('BA-SECOND', $1, 'ICBC', '6212260000000000001')",
        [account.personId],
      ),
    ).rejects.toThrow(/bank_accounts_one_linked_per_person/);
  });

  it('keeps money exact and dates as dates', async () => {
    const { db } = get();
    const pension = data.pensions[0];
    if (!pension) throw new Error('no pension in the demo data');
    const { rows } = await db.query<{
      start_date: string;
      monthly_amount_cents: number;
      last_authenticated_at: Date;
    }>('SELECT start_date, monthly_amount_cents, last_authenticated_at FROM pensions WHERE person_id = $1', [
      pension.personId,
    ]);
    expect(rows[0]).toEqual({
      start_date: pension.startDate,
      monthly_amount_cents: pension.monthlyAmountCents,
      last_authenticated_at: new Date(pension.lastAuthenticatedAt),
    });
  });
});
