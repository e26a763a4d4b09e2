import {
  maskIdNumber,
  maskName,
  RecordsContributionsResponse,
  RecordsPensionPaymentsResponse,
  RecordsSummaryResponse,
  Routes,
} from '@sik/contract';
import { DEMO_KIOSK_ID, demoCardHolders, generateSeedData } from '@sik/seeds';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedIfEmpty } from '../db/seed.ts';
import { countAuditEntries, verifyAuditChain } from '../repositories/audit.ts';
import type { RunningServer } from '../server.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { type KioskKeys, newKioskKeys, provision, signedCall, startTestServer } from '../testing/harness.ts';

// A smaller town than the demo's (every demo card holder is in it): seeding both databases stays quick.
const data = generateSeedData({ citizens: 300 });
const holders = demoCardHolders(data);
const personIdOf = (key: string): string => {
  const holder = holders.find((h) => h.key === key);
  const person = data.people.find((p) => p.identity.idNumber === holder?.identity.idNumber);
  if (!person) throw new Error(`no demo card holder ${key}`);
  return person.personId;
};
const identityOf = (personId: string) => {
  const person = data.people.find((p) => p.personId === personId);
  if (!person) throw new Error(personId);
  return person.identity;
};

const SUMMARY = Routes.recordsSummary.path;
const CONTRIBUTIONS = Routes.recordsContributions.path;
const PAYMENTS = Routes.recordsPensionPayments.path;

describeEachDatabase(
  'records query',
  (get) => {
    let server: RunningServer;
    const kiosk = { kioskId: DEMO_KIOSK_ID } as { kioskId: string } & KioskKeys;

    beforeAll(async () => {
      server = await startTestServer(get().db);
      Object.assign(kiosk, newKioskKeys());
      expect((await provision(server, kiosk.kioskId, kiosk.publicKeyPem)).status).toBe(200);
    });
    afterAll(() => server.close());

    it('summarises a retired employee: every insurance with its last year, the pension, the account and years paid', async () => {
      const personId = personIdOf('pensioner');
      const before = await countAuditEntries(get().db);
      const reply = await signedCall(server, kiosk, 'GET', `${SUMMARY}?personId=${personId}`);
      expect(reply.status).toBe(200);
      const summary = RecordsSummaryResponse.parse(reply.json.data);
      expect(summary.maskedName).toBe(maskName(identityOf(personId).name));

      const seeded = data.insurances.filter((i) => i.personId === personId);
      expect(summary.insurances.map((i) => i.type).sort()).toEqual(seeded.map((i) => i.type).sort());
      const contributions = data.contributions.filter((c) => c.personId === personId);
      for (const insurance of summary.insurances) {
        const years = contributions.filter((c) => c.type === insurance.type).map((c) => c.year);
        expect(insurance.lastYearPaid, insurance.type).toBe(years.length > 0 ? Math.max(...years) : null);
      }

      const pension = data.pensions.find((p) => p.personId === personId);
      expect(summary.pension).toMatchObject({
        scheme: 'employee',
        status: 'active',
        monthlyAmountCents: pension?.monthlyAmountCents,
        lastAuthenticatedAt: new Date(pension?.lastAuthenticatedAt ?? '').toISOString(),
        authenticationOverdue: false,
        lastPaidMonth: '2026-10',
      });
      // Due 12 months after the last authentication (its day in China).
      const lastDay = new Date(Date.parse(pension?.lastAuthenticatedAt ?? '') + 8 * 3600_000);
      const due = `${lastDay.getUTCFullYear() + 1}${lastDay.toISOString().slice(4, 10)}`;
      expect(summary.pension?.nextAuthenticationDue).toBe(due);

      // Personal account: 8% of the base times the months, employees' pension only.
      const pensionRows = contributions.filter((c) => c.type === 'pension');
      const expected = pensionRows.reduce(
        (sum, c) => sum + Math.round((c.baseCents * c.months * 8) / 100),
        0,
      );
      expect(summary.personalAccount).toMatchObject({
        basis: 'contributionsWithoutInterest',
        creditedCents: expected,
        byScheme: { employee: expected, resident: 0 },
      });
      expect(summary.personalAccount.explanation).toMatch(/不含记账利息/);
      const months = pensionRows.reduce((sum, c) => sum + c.months, 0);
      expect(summary.contribution).toEqual({
        months,
        years: Math.floor(months / 12),
        remainderMonths: months % 12,
      });

      expect(await countAuditEntries(get().db)).toBe(before + 1);
      const { rows } = await get().db.query<{
        action: string;
        result: string;
        details: Record<string, unknown>;
      }>('SELECT action, result, details FROM audit_log ORDER BY id DESC LIMIT 1');
      expect(rows[0]).toMatchObject({
        action: 'records.summary',
        result: 'ok',
        details: { personId, idNumberMasked: maskIdNumber(identityOf(personId).idNumber) },
      });
      expect(JSON.stringify(rows[0])).not.toContain(identityOf(personId).idNumber);
      expect(JSON.stringify(reply.json)).not.toContain(identityOf(personId).idNumber);
    });

    it('credits the whole residents\u2019 contribution to the account, and shows an overdue pensioner as overdue', async () => {
      const resident = personIdOf('resident-insured');
      const summary = RecordsSummaryResponse.parse(
        (await signedCall(server, kiosk, 'GET', `${SUMMARY}?personId=${resident}`)).json.data,
      );
      const paid = data.contributions
        .filter((c) => c.personId === resident && c.type === 'pension')
        .reduce((sum, c) => sum + c.amountCents, 0);
      expect(summary.personalAccount.byScheme).toEqual({ employee: 0, resident: paid });
      expect(summary.pension).toBeNull();
      expect(summary.insurances.find((i) => i.type === 'pension')?.scheme).toBe('resident');

      const overdue = RecordsSummaryResponse.parse(
        (await signedCall(server, kiosk, 'GET', `${SUMMARY}?personId=${personIdOf('pensioner-overdue')}`))
          .json.data,
      );
      expect(overdue.pension).toMatchObject({ status: 'suspended', authenticationOverdue: true });
      expect((overdue.pension?.nextAuthenticationDue ?? '') < overdue.asOf).toBe(true);

      const nobody = RecordsSummaryResponse.parse(
        (await signedCall(server, kiosk, 'GET', `${SUMMARY}?personId=${personIdOf('new-resident')}`)).json
          .data,
      );
      expect(nobody.insurances.some((i) => i.type === 'pension')).toBe(false);
      expect(nobody.personalAccount.creditedCents).toBe(0);
      expect(nobody.contribution.months).toBe(0);
    });

    it('lists contributions by year, newest first, filtered by type and years', async () => {
      const personId = personIdOf('pensioner');
      const all = RecordsContributionsResponse.parse(
        (await signedCall(server, kiosk, 'GET', `${CONTRIBUTIONS}?personId=${personId}`)).json.data,
      );
      const seeded = data.contributions.filter((c) => c.personId === personId);
      expect(all.years.map((y) => y.year)).toEqual(
        [...new Set(seeded.map((c) => c.year))].sort((a, b) => b - a),
      );
      expect(all.totalCents).toBe(seeded.reduce((sum, c) => sum + c.amountCents, 0));
      for (const year of all.years) {
        expect(year.totalCents).toBe(year.entries.reduce((sum, e) => sum + e.amountCents, 0));
      }
      const firstYear = Math.min(...seeded.map((c) => c.year));
      const path = `${CONTRIBUTIONS}?personId=${personId}&type=pension&fromYear=${firstYear + 1}&toYear=${firstYear + 3}`;
      const some = RecordsContributionsResponse.parse(
        (await signedCall(server, kiosk, 'GET', path)).json.data,
      );
      expect(some.years.map((y) => y.year)).toEqual([firstYear + 3, firstYear + 2, firstYear + 1]);
      for (const y of some.years) {
        expect(y.entries).toHaveLength(1);
        const entry = y.entries[0];
        expect(entry?.type).toBe('pension');
        expect(entry?.personalAccountCents).toBe(
          Math.round(((entry?.baseCents ?? 0) * (entry?.months ?? 0) * 8) / 100),
        );
      }
    });

    it('lists pension payments by month with paid and withheld totals, in a range', async () => {
      const personId = personIdOf('pensioner-overdue');
      const seeded = data.pensionPayments.filter((p) => p.personId === personId);
      const reply = RecordsPensionPaymentsResponse.parse(
        (await signedCall(server, kiosk, 'GET', `${PAYMENTS}?personId=${personId}`)).json.data,
      );
      expect(reply.pensioner).toBe(true);
      expect(reply.months).toHaveLength(seeded.length);
      expect(reply.months[0]?.month).toBe('2026-10');
      expect(reply.months[0]?.status).toBe(seeded.find((p) => p.month === '2026-10-01')?.status);
      expect(reply.months.some((m) => m.status === 'withheld')).toBe(true);
      expect(reply.withheldCents).toBe(
        seeded.filter((p) => p.status === 'withheld').reduce((sum, p) => sum + p.amountCents, 0),
      );
      expect(reply.paidCents + reply.withheldCents).toBe(seeded.reduce((sum, p) => sum + p.amountCents, 0));

      const ranged = RecordsPensionPaymentsResponse.parse(
        (await signedCall(server, kiosk, 'GET', `${PAYMENTS}?personId=${personId}&from=2025-03&to=2025-05`))
          .json.data,
      );
      expect(ranged.months.map((m) => m.month)).toEqual(['2025-05', '2025-04', '2025-03']);

      const notPensioner = RecordsPensionPaymentsResponse.parse(
        (await signedCall(server, kiosk, 'GET', `${PAYMENTS}?personId=${personIdOf('young-worker')}`)).json
          .data,
      );
      expect(notPensioner).toMatchObject({ pensioner: false, months: [], paidCents: 0, withheldCents: 0 });
    });

    it('refuses bad queries naming the field, and an unknown person 404 (audited)', async () => {
      const bad = await signedCall(server, kiosk, 'GET', `${SUMMARY}?personId=12345`);
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ code: 'INVALID_INPUT', field: 'personId' });
      const range = await signedCall(
        server,
        kiosk,
        'GET',
        `${CONTRIBUTIONS}?personId=P00000001&fromYear=2020&toYear=2010`,
      );
      expect(range.json).toMatchObject({ code: 'INVALID_INPUT', field: 'fromYear' });
      const month = await signedCall(server, kiosk, 'GET', `${PAYMENTS}?personId=P00000001&from=2025-13`);
      expect(month.json).toMatchObject({ code: 'INVALID_INPUT', field: 'from' });
      const before = await countAuditEntries(get().db);
      const missing = await signedCall(server, kiosk, 'GET', `${SUMMARY}?personId=P99999999`);
      expect(missing.status).toBe(404);
      expect(missing.json.code).toBe('PERSON_NOT_FOUND');
      expect(await countAuditEntries(get().db)).toBe(before + 1);
      expect((await verifyAuditChain(get().db)).ok).toBe(true);
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, data)) },
);
