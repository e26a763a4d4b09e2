import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { PaymentOutcomeSchema } from '@sik/contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedIfEmpty } from '../db/seed.ts';
import { LedgerSnapshot } from '../integrations/bank-host/protocol.ts';
import { initialBalanceFen } from '../integrations/bank-host/simulator.ts';
import { chinaYear } from '../integrations/china-time.ts';
import {
  demoPinBlock,
  getText,
  postJson,
  type SimulatorProcess,
  startSimulatorProcess,
} from '../integrations/testing.ts';
import {
  PAYMENT_TEST_CITIZENS,
  type PayablePerson,
  type PaymentFixture,
  payablePeople,
  paymentSeedData,
  startPaymentFixture,
} from '../services/payments/testing.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { signRequest } from '../testing/sign.ts';

/**
 * Payments against the bank host and gateway simulators running as their own processes (as in production: other
 * organisations' systems), including a kiosk whose HTTP client dies right after sending.
 */

const year = chinaYear(new Date());
const key = () => `proc-${randomBytes(12).toString('hex')}`;
let bank: SimulatorProcess;
let gateway: SimulatorProcess;

beforeAll(async () => {
  [bank, gateway] = await Promise.all([
    startSimulatorProcess('bankHost', ['--citizens', String(PAYMENT_TEST_CITIZENS)]),
    startSimulatorProcess('gateway'),
  ]);
});
afterAll(async () => {
  await Promise.all([bank?.stop(), gateway?.stop()]);
});

async function debitsOf(paymentId: string) {
  const ledger = LedgerSnapshot.parse(JSON.parse((await getText(`${bank.url}/control/ledger`)).text));
  return ledger.debits.filter((d) => d.requestId === paymentId);
}

describeEachDatabase(
  'payments against simulator processes',
  (get) => {
    let f: PaymentFixture;
    let people: PayablePerson[];
    const person = () => {
      const p = people.shift();
      if (!p) throw new Error('ran out of payable people');
      return p;
    };
    const contributionsOf = async (personId: string) =>
      (
        await get().db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM contributions WHERE person_id = $1 AND type = 'pension' AND year = $2`,
          [personId, year],
        )
      ).rows[0]?.n;
    const bankPay = (p: PayablePerson) => ({
      personId: p.personId,
      year,
      amountCents: 20_000,
      method: { kind: 'bankAccount', pinBlockHex: demoPinBlock(p.accountNumber ?? '') },
      idempotencyKey: key(),
    });

    beforeAll(async () => {
      f = await startPaymentFixture(get().db, {
        bankHostUrl: bank.url,
        gatewayUrl: gateway.url,
        timeoutMs: 1000,
      });
      people = (await payablePeople(get().db, year)).filter(
        (p) => p.accountId && initialBalanceFen(p.accountId) >= 1_000_000,
      );
    });
    afterAll(async () => {
      await f?.server.close();
      await postJson(`${bank.url}/control/reset`);
    });

    it('the same key sent three times at once: one debit at the bank, one contribution', async () => {
      const p = person();
      const body = bankPay(p);
      const replies = await Promise.all([f.pay(body), f.pay(body), f.pay(body)]);
      const outcomes = replies.map((r) => PaymentOutcomeSchema.parse(r.json.data));
      expect(new Set(outcomes.map((o) => `${o.paymentId}:${o.status}`)).size).toBe(1);
      expect(outcomes[0]?.status).toBe('posted');
      expect(await debitsOf(outcomes[0]?.paymentId ?? '')).toHaveLength(1);
      expect(await contributionsOf(p.personId)).toBe(1);
    });

    it('a kiosk whose client dies right after sending: the server completes; asked by key later, posted once', async () => {
      const p = person();
      const body = bankPay(p);
      // The bank is slow (but within our timeout): the client is gone long before the server has its answer.
      await postJson(`${bank.url}/control/faults`, {
        faults: [{ fault: 'timeout', delayMs: 500, count: 1 }],
      });
      const text = JSON.stringify(body);
      const path = '/api/v1/payments';
      const headers = signRequest({ ...f.kiosk, method: 'POST', path, body: text });
      const url = new URL(f.server.url);
      const aborted = await new Promise<string>((resolve) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            method: 'POST',
            path,
            headers: {
              ...headers,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(text),
            },
          },
          () => resolve('answered'),
        );
        req.on('error', () => resolve('aborted'));
        req.end(text, () => setTimeout(() => req.destroy(), 100));
      });
      expect(aborted).toBe('aborted');
      // The agent, restarted, asks by its journaled key.
      let outcome = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
      for (let i = 0; outcome.status === 'pending' && i < 100; i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        outcome = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
      }
      expect(outcome.status).toBe('posted');
      expect(await debitsOf(outcome.paymentId)).toHaveLength(1);
      expect(await contributionsOf(p.personId)).toBe(1);
      // Sending the journaled request again changes nothing.
      const again = PaymentOutcomeSchema.parse((await f.pay(body)).json.data);
      expect(again.paymentId).toBe(outcome.paymentId);
      expect(await debitsOf(outcome.paymentId)).toHaveLength(1);
    });

    it('QR: the gateway process notifies our server over HTTP; posted once', async () => {
      const p = person();
      const body = {
        personId: p.personId,
        year,
        amountCents: 20_000,
        method: { kind: 'qr' },
        idempotencyKey: key(),
      };
      const shown = PaymentOutcomeSchema.parse((await f.pay(body)).json.data);
      expect(shown.status).toBe('awaitingQr');
      await postJson(`${gateway.url}/control/faults`, {
        faults: [{ fault: 'duplicateNotifications', copies: 3, count: 1 }],
      });
      expect((await postJson(`${gateway.url}/control/orders/${body.idempotencyKey}/pay`)).status).toBe(200);
      let outcome = shown;
      for (let i = 0; outcome.status !== 'posted' && i < 100; i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        outcome = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
      }
      expect(outcome.status).toBe('posted');
      expect(await contributionsOf(p.personId)).toBe(1);
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, paymentSeedData())) },
);
