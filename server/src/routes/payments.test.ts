import { randomBytes } from 'node:crypto';
import { PaymentOptionsResponse, PaymentOutcomeSchema } from '@sik/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../db/seed.ts';
import { BankHostSimulator, initialBalanceFen } from '../integrations/bank-host/simulator.ts';
import { chinaYear } from '../integrations/china-time.ts';
import { PaymentGatewaySimulator } from '../integrations/payment-gateway/simulator.ts';
import { demoPinBlock } from '../integrations/testing.ts';
import { createRootLogger } from '../log.ts';
import { verifyAuditChain } from '../repositories/audit.ts';
import { resolveOpenPayments } from '../services/payments/resolver.ts';
import {
  type PayablePerson,
  type PaymentFixture,
  payablePeople,
  paymentSeedData,
  startPaymentFixture,
} from '../services/payments/testing.ts';
import { createPaymentDeps } from '../services/payments.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { testConfig } from '../testing/harness.ts';

/**
 * Contribution payment through the signed routes of a real server, against both simulators in this process on
 * real ports (their wire behaviour: real delays, dropped connections, real notifications over HTTP).
 */

const year = chinaYear(new Date());
const seed = paymentSeedData();
const key = () => `key-${randomBytes(12).toString('hex')}`;
const GRADE = 50_000;

describeEachDatabase(
  'contribution payment routes',
  (get) => {
    const bank = new BankHostSimulator({ accounts: seed.bankAccounts });
    const gateway = new PaymentGatewaySimulator({ retryDelaysMs: [0, 100, 300] });
    let f: PaymentFixture;
    let people: PayablePerson[];
    let next = 0;
    /** A person who may pay this year, with a linked account holding enough (or, with `account: false`, any). */
    const person = (account = true) => {
      for (;;) {
        const p = people[next++];
        if (!p) throw new Error('ran out of payable people');
        if (!account || (p.accountNumber && p.accountId && initialBalanceFen(p.accountId) >= 1_000_000))
          return p;
      }
    };
    const bankPay = (p: PayablePerson, k = key(), pin?: string) => ({
      personId: p.personId,
      year,
      amountCents: GRADE,
      method: { kind: 'bankAccount', pinBlockHex: demoPinBlock(p.accountNumber ?? '', pin) },
      idempotencyKey: k,
    });
    const count = async (sql: string, params: unknown[]) =>
      (await get().db.query<{ n: number }>(sql, params)).rows[0]?.n ?? -1;
    const contributionsOf = (personId: string) =>
      count(
        `SELECT count(*)::int AS n FROM contributions WHERE person_id = $1 AND type = 'pension' AND year = $2`,
        [personId, year],
      );
    const debitsOf = (paymentId: string) => bank.snapshot().debits.filter((d) => d.requestId === paymentId);

    beforeAll(async () => {
      await bank.start();
      await gateway.start();
      f = await startPaymentFixture(get().db, {
        bankHostUrl: bank.url,
        gatewayUrl: gateway.url,
        recheckAfterMs: 300,
      });
      people = await payablePeople(get().db, year);
    });
    afterAll(async () => {
      await f?.server.close();
      await bank.stop();
      await gateway.stop();
    });
    beforeEach(() => {
      bank.reset();
      gateway.reset();
    });

    describe('bank account with PIN', () => {
      it('options show the year, the grades, the masked linked account and whether they may pay', async () => {
        const p = person();
        const reply = await f.options(p.personId);
        expect(reply.status).toBe(200);
        const options = PaymentOptionsResponse.parse(reply.json.data);
        expect(options).toMatchObject({
          year,
          enrolled: true,
          alreadyPaid: false,
          eligible: true,
          reason: null,
        });
        expect(options.gradesCents).toEqual([20_000, 30_000, 50_000, 100_000, 200_000, 300_000, 500_000]);
        expect(options.methods).toEqual(['bankAccount', 'qr']);
        const number = p.accountNumber ?? '';
        expect(options.linkedAccount?.maskedAccount).toBe(
          `${number.slice(0, 4)}${'*'.repeat(number.length - 8)}${number.slice(-4)}`,
        );
        expect(options.linkedAccount?.bankName).toMatch(/银行/);
        // The PIN pad needs the whole number (format 0 binds the PIN to it).
        expect(options.linkedAccount?.accountNumber).toBe(number);
      });

      it('pays, posts the contribution once, and gives a receipt; the same key again answers the same', async () => {
        const p = person();
        const body = bankPay(p);
        const reply = await f.pay(body);
        expect(reply.status).toBe(200);
        const outcome = PaymentOutcomeSchema.parse(reply.json.data);
        expect(outcome).toMatchObject({
          status: 'posted',
          personId: p.personId,
          year,
          amountCents: GRADE,
          method: 'bankAccount',
        });
        expect(outcome.receipt?.upstreamRef).toMatch(/^BH\d{16}$/);
        expect(outcome.receipt?.maskedAccount).toContain('****');
        expect(await contributionsOf(p.personId)).toBe(1);
        const again = await f.pay(body);
        expect(again.json.data).toEqual(reply.json.data);
        expect(debitsOf(outcome.paymentId)).toHaveLength(1);
        // The next visit is told the year is paid.
        const options = PaymentOptionsResponse.parse((await f.options(p.personId)).json.data);
        expect(options).toMatchObject({
          alreadyPaid: true,
          paidAmountCents: GRADE,
          eligible: false,
          methods: [],
        });
        const second = await f.pay(bankPay(p));
        expect(second.json).toMatchObject({ ok: false, code: 'NOT_ELIGIBLE' });
        expect(second.json.message).toContain(`already paid for ${year}`);
      });

      it('double submit: the same key sent twice at once debits once and posts once', async () => {
        const p = person();
        const body = bankPay(p);
        const replies = await Promise.all([f.pay(body), f.pay(body), f.pay(body)]);
        const ids = new Set(replies.map((r) => r.json.data?.paymentId));
        expect(replies.map((r) => r.json.data?.status)).toEqual(['posted', 'posted', 'posted']);
        expect(ids.size).toBe(1);
        expect(debitsOf([...ids][0])).toHaveLength(1);
        expect(await contributionsOf(p.personId)).toBe(1);
      });

      it('two different keys for the same person and year at once: one pays, the other is refused', async () => {
        const p = person();
        const replies = await Promise.all([f.pay(bankPay(p)), f.pay(bankPay(p))]);
        expect(replies.filter((r) => r.json.data?.status === 'posted')).toHaveLength(1);
        expect(replies.filter((r) => r.json.code === 'NOT_ELIGIBLE')).toHaveLength(1);
        expect(await contributionsOf(p.personId)).toBe(1);
      });

      it('the same key with another request is a CONFLICT', async () => {
        const p = person();
        const body = bankPay(p);
        bank.setFaults([{ fault: 'decline', code: 'INSUFFICIENT_FUNDS', count: 1 }]);
        await f.pay(body);
        const reply = await f.pay({ ...body, amountCents: 100_000 });
        expect(reply.status).toBe(409);
        expect(reply.json).toMatchObject({ ok: false, code: 'CONFLICT', field: 'idempotencyKey' });
      });

      it('bank timeout: the reply comes too late, the payment is pending, the query finds the debit, posted once', async () => {
        const p = person();
        bank.setFaults([{ fault: 'timeout', delayMs: 1500, count: 1 }]);
        const body = bankPay(p);
        const reply = await f.pay(body);
        const outcome = PaymentOutcomeSchema.parse(reply.json.data);
        expect(outcome.status).toBe('posted');
        expect(debitsOf(outcome.paymentId)).toHaveLength(1);
        expect(await contributionsOf(p.personId)).toBe(1);
        const actions = await get().db.query<{ action: string }>(
          `SELECT action FROM audit_log WHERE details->>'paymentId' = $1 ORDER BY id`,
          [outcome.paymentId],
        );
        expect(actions.rows.map((r) => r.action)).toEqual([
          'payment.accepted',
          'payment.debit.unknown',
          'payment.query.approved',
        ]);
      });

      it('dropped reply: same — resolved by query, never debited again', async () => {
        const p = person();
        bank.setFaults([{ fault: 'dropReply', count: 1 }]);
        const outcome = PaymentOutcomeSchema.parse((await f.pay(bankPay(p))).json.data);
        expect(outcome.status).toBe('posted');
        expect(debitsOf(outcome.paymentId)).toHaveLength(1);
        expect(await contributionsOf(p.personId)).toBe(1);
      });

      it('unresolved at first: pending (UPSTREAM_UNAVAILABLE), then the status query finds it posted, once', async () => {
        const p = person();
        bank.setFaults([
          { fault: 'timeout', delayMs: 1500, count: 1 },
          { fault: 'down', on: 'query', count: 3 },
        ]);
        const body = bankPay(p);
        const reply = await f.pay(body);
        expect(reply.status).toBe(502);
        expect(reply.json).toMatchObject({ ok: false, code: 'UPSTREAM_UNAVAILABLE' });
        expect(reply.json.message).toContain('请勿重复缴费');
        expect(await contributionsOf(p.personId)).toBe(0);
        const pending = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
        expect(pending.status).toBe('pending');
        // A new attempt with a new key must wait for this one.
        expect((await f.pay(bankPay(p))).json.code).toBe('NOT_ELIGIBLE');
        // Asked again once its own request has surely ended (twice the bank timeout): the bank is queried.
        await new Promise((r) => setTimeout(r, 850));
        const resolved = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
        expect(resolved.status).toBe('posted');
        expect(resolved.receipt?.upstreamRef).toBeTruthy();
        expect(debitsOf(resolved.paymentId)).toHaveLength(1);
        expect(await contributionsOf(p.personId)).toBe(1);
        expect(PaymentOutcomeSchema.parse((await f.byId(resolved.paymentId)).json.data)).toEqual(resolved);
      });

      it('the background resolver settles a pending payment nobody asks about', async () => {
        const p = person();
        bank.setFaults([
          { fault: 'dropReply', count: 1 },
          { fault: 'down', on: 'query', count: 3 },
        ]);
        const body = bankPay(p);
        expect((await f.pay(body)).json.code).toBe('UPSTREAM_UNAVAILABLE');
        const deps = createPaymentDeps({
          db: get().db,
          config: testConfig({
            payments: { bankHostUrl: bank.url, gatewayUrl: gateway.url, timeoutMs: 400 },
          }),
          log: createRootLogger('silent'),
        });
        const swept = await resolveOpenPayments(deps, { minAgeMs: 0 });
        expect(swept.resolved).toBeGreaterThanOrEqual(1);
        const outcome = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
        expect(outcome.status).toBe('posted');
        expect(debitsOf(outcome.paymentId)).toHaveLength(1);
        expect(await contributionsOf(p.personId)).toBe(1);
      });

      it('bank down (503): UPSTREAM_UNAVAILABLE, nothing debited or posted, and the person may try again', async () => {
        const p = person();
        bank.setFaults([{ fault: 'down', count: 1 }]);
        const body = bankPay(p);
        const reply = await f.pay(body);
        expect(reply.status).toBe(502);
        expect(reply.json).toMatchObject({
          ok: false,
          code: 'UPSTREAM_UNAVAILABLE',
          message: '银行系统暂时无法连接，本次未扣款，请稍后再试',
        });
        const failed = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
        expect(failed.status).toBe('failed');
        expect(debitsOf(failed.paymentId)).toHaveLength(0);
        expect(await contributionsOf(p.personId)).toBe(0);
        expect((await f.pay(bankPay(p))).json.data?.status).toBe('posted');
      });

      it('declines: wrong PIN and insufficient funds, in plain Chinese, nothing posted', async () => {
        const p = person();
        const wrong = await f.pay(bankPay(p, key(), '000000'));
        expect(wrong.status).toBe(402);
        expect(wrong.json).toMatchObject({
          ok: false,
          code: 'PAYMENT_DECLINED',
          message: '密码错误，本次未扣款，请重新输入密码',
        });
        bank.setBalance(p.accountNumber ?? '', 10_000);
        const poor = await f.pay(bankPay(p));
        expect(poor.json).toMatchObject({
          ok: false,
          code: 'PAYMENT_DECLINED',
          message: '银行账户余额不足，本次未扣款',
        });
        expect(await contributionsOf(p.personId)).toBe(0);
        const rows = await get().db.query<{ status: string; decline_code: string }>(
          'SELECT status, decline_code FROM payments WHERE person_id = $1 ORDER BY created_at',
          [p.personId],
        );
        expect(rows.rows).toEqual([
          { status: 'declined', decline_code: 'WRONG_PIN' },
          { status: 'declined', decline_code: 'INSUFFICIENT_FUNDS' },
        ]);
      });

      it('refuses a grade not configured, a year not open, and people not enrolled', async () => {
        const p = person();
        const odd = await f.pay({ ...bankPay(p), amountCents: 12_345 });
        expect(odd.json).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'amountCents' });
        const lastYear = await f.pay({ ...bankPay(p), year: year - 1 });
        expect(lastYear.json).toMatchObject({ ok: false, code: 'NOT_ELIGIBLE', field: 'year' });
        const { rows } = await get().db.query<{ person_id: string }>(
          `SELECT person_id FROM people p WHERE NOT EXISTS (SELECT 1 FROM insurances i WHERE i.person_id = p.person_id AND i.type = 'pension') ORDER BY person_id LIMIT 1`,
        );
        const outsider = rows[0]?.person_id ?? '';
        const reply = await f.pay({ ...bankPay(p), personId: outsider, method: { kind: 'qr' } });
        expect(reply.json).toMatchObject({ ok: false, code: 'NOT_ELIGIBLE' });
        expect(reply.json.message).toContain('参保登记');
        const options = PaymentOptionsResponse.parse((await f.options(outsider)).json.data);
        expect(options).toMatchObject({ enrolled: false, eligible: false, methods: [] });
        expect((await f.options('P99999999')).json.code).toBe('PERSON_NOT_FOUND');
      });
    });

    describe('QR through the payment gateway', () => {
      const qrPay = (p: PayablePerson, k = key()) => ({
        personId: p.personId,
        year,
        amountCents: GRADE,
        method: { kind: 'qr' },
        idempotencyKey: k,
      });
      const waitForStatus = async (k: string, status: string) => {
        const until = Date.now() + 5000;
        for (;;) {
          const outcome = PaymentOutcomeSchema.parse((await f.byKey(k)).json.data);
          if (outcome.status === status || Date.now() > until) return outcome;
          await new Promise((r) => setTimeout(r, 50));
        }
      };

      it('shows a QR; the citizen pays; the signed notification posts it once', async () => {
        const p = person(false);
        const body = qrPay(p);
        const reply = await f.pay(body);
        const shown = PaymentOutcomeSchema.parse(reply.json.data);
        expect(shown.status).toBe('awaitingQr');
        expect(shown.qr?.content).toMatch(new RegExp(`^${gateway.url}/qr/GO`));
        gateway.pay(body.idempotencyKey);
        await gateway.idle();
        const posted = PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data);
        expect(posted.status).toBe('posted');
        expect(posted.receipt?.upstreamRef).toMatch(/^GW/);
        expect(await contributionsOf(p.personId)).toBe(1);
        expect(
          gateway.snapshot().deliveries.find((d) => d.merchantOrderId === body.idempotencyKey)?.delivered,
        ).toBe(1);
      });

      it('duplicate notifications post once', async () => {
        const p = person(false);
        const body = qrPay(p);
        await f.pay(body);
        gateway.setFaults([{ fault: 'duplicateNotifications', copies: 4, count: 1 }]);
        gateway.pay(body.idempotencyKey);
        await gateway.idle();
        expect(
          gateway.snapshot().deliveries.find((d) => d.merchantOrderId === body.idempotencyKey)?.delivered,
        ).toBe(4);
        expect((await waitForStatus(body.idempotencyKey, 'posted')).status).toBe('posted');
        expect(await contributionsOf(p.personId)).toBe(1);
        const posts = await count(
          `SELECT count(*)::int AS n FROM audit_log WHERE action = 'payment.qr.notified' AND details->>'personId' = $1`,
          [p.personId],
        );
        expect(posts).toBe(1);
      });

      it('a lost notification is found by querying the gateway', async () => {
        const p = person(false);
        const body = qrPay(p);
        await f.pay(body);
        gateway.setFaults([{ fault: 'notificationLost', count: 1 }]);
        gateway.pay(body.idempotencyKey);
        await gateway.idle();
        expect(PaymentOutcomeSchema.parse((await f.byKey(body.idempotencyKey)).json.data).status).toBe(
          'awaitingQr',
        );
        const outcome = await waitForStatus(body.idempotencyKey, 'posted');
        expect(outcome.status).toBe('posted');
        expect(await contributionsOf(p.personId)).toBe(1);
      });

      it('an expired QR ends as failed; turning from a QR to the bank account closes the QR first', async () => {
        const p = person();
        const first = qrPay(p);
        await f.pay(first);
        gateway.expire(first.idempotencyKey);
        expect((await waitForStatus(first.idempotencyKey, 'failed')).reason).toBe('二维码已过期，未付款');
        const second = qrPay(p);
        await f.pay(second);
        const byBank = await f.pay(bankPay(p));
        expect(byBank.json.data?.status).toBe('posted');
        const closed = PaymentOutcomeSchema.parse((await f.byKey(second.idempotencyKey)).json.data);
        expect(closed).toMatchObject({ status: 'failed', reason: '扫码缴费已取消，未付款' });
        expect(
          gateway.snapshot().orders.find((o) => o.merchantOrderId === second.idempotencyKey)?.status,
        ).toBe('closed');
        expect(await contributionsOf(p.personId)).toBe(1);
      });

      it('refuses a notification with a bad signature', async () => {
        const reply = await fetch(`${f.server.url}/api/v1/payments/gateway/notify`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-gateway-timestamp': String(Date.now()),
            'x-gateway-signature': 'ab'.repeat(32),
          },
          body: JSON.stringify({
            notifyId: 'N1',
            merchantOrderId: 'key-forged-000000000',
            gatewayOrderId: 'GO1',
            gatewayRef: 'GW1',
            status: 'paid',
            amountFen: GRADE,
            paidAt: new Date().toISOString(),
            settlementDate: '2026-01-01',
          }),
        });
        expect(reply.status).toBe(401);
        expect(await reply.json()).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
      });

      it('gateway down: UPSTREAM_UNAVAILABLE, nothing posted', async () => {
        const p = person(false);
        gateway.setFaults([{ fault: 'down', count: 1 }]);
        const reply = await f.pay(qrPay(p));
        expect(reply.json).toMatchObject({ ok: false, code: 'UPSTREAM_UNAVAILABLE' });
        expect(await contributionsOf(p.personId)).toBe(0);
      });
    });

    it('the audit chain holds, and no PIN block or account number is in it', async () => {
      expect(await verifyAuditChain(get().db)).toMatchObject({ ok: true });
      const { rows } = await get().db.query<{ details: string }>(
        `SELECT details::text AS details FROM audit_log WHERE action LIKE 'payment.%'`,
      );
      expect(rows.length).toBeGreaterThan(10);
      const numbers = people.flatMap((p) => (p.accountNumber ? [p.accountNumber] : []));
      for (const row of rows) {
        expect(row.details).not.toMatch(/pinBlock/i);
        for (const n of numbers) expect(row.details).not.toContain(n);
      }
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, seed)) },
);
