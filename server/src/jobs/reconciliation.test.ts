import { randomBytes } from 'node:crypto';
import { PaymentOutcomeSchema } from '@sik/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../db/seed.ts';
import { BankHostSimulator, initialBalanceFen } from '../integrations/bank-host/simulator.ts';
import { chinaYear } from '../integrations/china-time.ts';
import { PaymentGatewaySimulator } from '../integrations/payment-gateway/simulator.ts';
import { demoPinBlock } from '../integrations/testing.ts';
import { createRootLogger } from '../log.ts';
import { differencesOf } from '../repositories/payments.ts';
import {
  type PayablePerson,
  type PaymentFixture,
  payablePeople,
  paymentSeedData,
  startPaymentFixture,
} from '../services/payments/testing.ts';
import { createPaymentDeps, type PaymentDeps } from '../services/payments.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { testConfig } from '../testing/harness.ts';
import { msUntilChinaHour, reconcile } from './reconciliation.ts';

const year = chinaYear(new Date());
const seed = paymentSeedData();
const key = () => `rec-${randomBytes(12).toString('hex')}`;

describe('msUntilChinaHour', () => {
  it('counts to the next 02:00 in China', () => {
    // 2026-11-24 17:00 UTC is 01:00 on the 25th in China: one hour to go.
    expect(msUntilChinaHour(new Date('2026-11-24T17:00:00Z'), 2)).toBe(3600_000);
    // 18:30 UTC is 02:30 in China: the next is tomorrow's, 23.5 hours away.
    expect(msUntilChinaHour(new Date('2026-11-24T18:30:00Z'), 2)).toBe(23.5 * 3600_000);
  });
});

describeEachDatabase(
  'daily reconciliation',
  (get) => {
    const bank = new BankHostSimulator({ accounts: seed.bankAccounts });
    const gateway = new PaymentGatewaySimulator();
    let f: PaymentFixture;
    let p: PaymentDeps;
    let people: PayablePerson[];
    const paid: { paymentId: string; key: string }[] = [];

    beforeAll(async () => {
      await bank.start();
      await gateway.start();
      f = await startPaymentFixture(get().db, { bankHostUrl: bank.url, gatewayUrl: gateway.url });
      p = createPaymentDeps({
        db: get().db,
        config: testConfig({ payments: { bankHostUrl: bank.url, gatewayUrl: gateway.url, timeoutMs: 1000 } }),
        log: createRootLogger('silent'),
      });
      people = (await payablePeople(get().db, year)).filter(
        (x) => x.accountId && initialBalanceFen(x.accountId) >= 1_000_000,
      );
      for (const person of people.slice(0, 4)) {
        const k = key();
        const reply = await f.pay({
          personId: person.personId,
          year,
          amountCents: 30_000,
          method: { kind: 'bankAccount', pinBlockHex: demoPinBlock(person.accountNumber ?? '') },
          idempotencyKey: k,
        });
        const outcome = PaymentOutcomeSchema.parse(reply.json.data);
        paid.push({ paymentId: outcome.paymentId, key: k });
      }
      const qrKey = key();
      await f.pay({
        personId: people[4]?.personId,
        year,
        amountCents: 20_000,
        method: { kind: 'qr' },
        idempotencyKey: qrKey,
      });
      gateway.pay(qrKey);
      await gateway.idle();
      const { rows } = await get().db.query<{ settlement_date: string }>(
        'SELECT settlement_date FROM payments WHERE payment_id = $1',
        [paid[0]?.paymentId],
      );
      date = rows[0]?.settlement_date ?? '';
    });
    afterAll(async () => {
      await f?.server.close();
      await bank.stop();
      await gateway.stop();
    });

    let date = '';
    const settlementDate = () => date;
    it('matches a day where the bank and we agree, for the bank host and the gateway', async () => {
      const [bankRun, gatewayRun] = await reconcile(p, settlementDate());
      expect(bankRun).toMatchObject({
        source: 'bankHost',
        status: 'matched',
        oursCount: 4,
        theirsCount: 4,
        matchedCount: 4,
      });
      expect(bankRun?.oursTotalCents).toBe(120_000);
      expect(gatewayRun).toMatchObject({
        source: 'gateway',
        status: 'matched',
        oursCount: 1,
        matchedCount: 1,
      });
    });

    it('lists every difference with its ids: missing at the bank, missing here, another amount; and stores them', async () => {
      const date = settlementDate();
      const [a, b] = paid;
      bank.setFaults([
        { fault: 'settlementMissing', requestId: a?.paymentId ?? '' },
        { fault: 'settlementAmount', requestId: b?.paymentId ?? '', amountFen: 3_000 },
        { fault: 'settlementExtra', date, requestId: 'PAYNOTOURS00000001', amountFen: 20_000 },
      ]);
      const [run] = await reconcile(p, date, ['bankHost']);
      bank.reset();
      expect(run?.status).toBe('differences');
      expect(run?.matchedCount).toBe(2);
      const expected = [
        {
          kind: 'missingAtUpstream',
          requestId: a?.paymentId,
          paymentId: a?.paymentId,
          ourAmountCents: 30_000,
          theirAmountCents: null,
        },
        {
          kind: 'amountDiffers',
          requestId: b?.paymentId,
          paymentId: b?.paymentId,
          ourAmountCents: 30_000,
          theirAmountCents: 3_000,
        },
        {
          kind: 'missingHere',
          requestId: 'PAYNOTOURS00000001',
          paymentId: null,
          ourStatus: null,
          theirAmountCents: 20_000,
        },
      ];
      const byKind = <T extends { kind: string }>(list: readonly T[]) =>
        [...list].sort((x, y) => x.kind.localeCompare(y.kind));
      expect(byKind(run?.differences ?? [])).toMatchObject(byKind(expected));
      expect(byKind(await differencesOf(get().db, run?.runId ?? 0))).toMatchObject(byKind(expected));
      const stored = await get().db.query<{ status: string; ours_count: number; theirs_count: number }>(
        'SELECT status, ours_count, theirs_count FROM reconciliation_runs WHERE run_id = $1',
        [run?.runId],
      );
      expect(stored.rows[0]).toEqual({ status: 'differences', ours_count: 4, theirs_count: 4 });
    });

    it('a debit we hold as failed (bank reachable again) shows as missing here with our status', async () => {
      // A payment the bank approved that we ended without posting would be money to give back: reconciliation
      // names it. Simulated by a debit made directly at the bank under an id we hold as declined.
      const person = people[5];
      if (!person?.accountNumber) throw new Error('no person');
      bank.setFaults([{ fault: 'decline', count: 1 }]);
      const reply = await f.pay({
        personId: person.personId,
        year,
        amountCents: 20_000,
        method: { kind: 'bankAccount', pinBlockHex: demoPinBlock(person.accountNumber) },
        idempotencyKey: key(),
      });
      expect(reply.json.code).toBe('PAYMENT_DECLINED');
      const { rows } = await get().db.query<{ payment_id: string }>(
        `SELECT payment_id FROM payments WHERE person_id = $1 AND status = 'declined'`,
        [person.personId],
      );
      const date = settlementDate();
      bank.setFaults([
        { fault: 'settlementExtra', date, requestId: rows[0]?.payment_id ?? '', amountFen: 20_000 },
      ]);
      const [run] = await reconcile(p, date, ['bankHost']);
      bank.reset();
      expect(run?.differences).toMatchObject([
        {
          kind: 'missingHere',
          requestId: rows[0]?.payment_id,
          paymentId: rows[0]?.payment_id,
          ourStatus: 'declined',
        },
      ]);
    });

    it('a settlement file that cannot be had is a failed run, stored with the reason', async () => {
      bank.setFaults([{ fault: 'down' }]);
      const [run] = await reconcile(p, settlementDate(), ['bankHost']);
      bank.reset();
      expect(run).toMatchObject({ status: 'failed', oursCount: 4 });
      expect(run?.error).toContain('503');
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, seed)) },
);
