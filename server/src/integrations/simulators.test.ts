import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayNotification, GatewaySignatureHeaders } from '@sik/contract';
import { defaultSeedData } from '@sik/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankHostClient } from './bank-host/adapter.ts';
import { LedgerSnapshot as LedgerSchema, type LedgerSnapshot } from './bank-host/protocol.ts';
import { initialBalanceFen } from './bank-host/simulator.ts';
import { PaymentGatewayClient } from './payment-gateway/adapter.ts';
import { verifyNotification } from './payment-gateway/signature.ts';
import { DEMO_GATEWAY_SECRET } from './payment-gateway/simulator.ts';
import { parseSettlementFile, SETTLEMENT_HEADER } from './settlement-file.ts';
import {
  demoPinBlock,
  freePort,
  getText,
  postJson,
  type SimulatorProcess,
  startSimulatorProcess,
} from './testing.ts';

/** The two simulators as their own processes, driven over real HTTP: their ledgers, idempotency and faults. */

const accounts = defaultSeedData().bankAccounts.filter((a) => initialBalanceFen(a.accountId) >= 1_000_000);
const account = (i: number) => {
  const found = accounts[i];
  if (!found) throw new Error(`no seeded account ${i}`);
  return found;
};
let seq = 0;
const requestId = () => `TEST${Date.now().toString(36)}${String(seq++).padStart(4, '0')}`;

describe('bank host simulator (own process)', () => {
  let dir: string;
  let bank: SimulatorProcess;
  let client: BankHostClient;
  const ledger = async (): Promise<LedgerSnapshot> =>
    LedgerSchema.parse(JSON.parse((await getText(`${bank.url}/control/ledger`)).text));
  const faults = (list: unknown[]) => postJson(`${bank.url}/control/faults`, { faults: list });
  const debit = (id: string, n: number, amountFen: number, pin?: string) =>
    client.debit({
      requestId: id,
      accountNumber: account(n).accountNumber,
      amountFen,
      pinBlockHex: demoPinBlock(account(n).accountNumber, pin),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sik-bank-'));
    bank = await startSimulatorProcess('bankHost', ['--data-dir', dir]);
    client = new BankHostClient({ baseUrl: bank.url, timeoutMs: 500 });
  });
  afterAll(async () => {
    await bank?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('debits once per request id and answers a repeat with the first answer', async () => {
    const id = requestId();
    const before = (await ledger()).accounts.find((a) => a.accountNumber === account(0).accountNumber);
    const first = await debit(id, 0, 50_000);
    const again = await debit(id, 0, 50_000);
    expect(first.kind).toBe('approved');
    expect(again).toEqual(first);
    const after = await ledger();
    expect(after.debits.filter((d) => d.requestId === id)).toHaveLength(1);
    expect(after.accounts.find((a) => a.accountNumber === account(0).accountNumber)?.balanceFen).toBe(
      (before?.balanceFen ?? 0) - 50_000,
    );
    // The same id for another amount is refused, not debited.
    const other = await postJson(`${bank.url}/v1/debits`, {
      requestId: id,
      accountNumber: account(0).accountNumber,
      amountFen: 60_000,
      pinBlockHex: demoPinBlock(account(0).accountNumber),
    });
    expect(other.status).toBe(409);
  });

  it('declines a wrong PIN, a malformed PIN block and an account without the funds', async () => {
    expect(await debit(requestId(), 1, 20_000, '654321')).toEqual({ kind: 'declined', code: 'WRONG_PIN' });
    const garbled = await client.debit({
      requestId: requestId(),
      accountNumber: account(1).accountNumber,
      amountFen: 20_000,
      pinBlockHex: '00'.repeat(16),
    });
    expect(garbled).toEqual({ kind: 'declined', code: 'INVALID_PIN_BLOCK' });
    await postJson(`${bank.url}/control/accounts/${account(1).accountNumber}/balance`, {
      balanceFen: 10_000,
    });
    expect(await debit(requestId(), 1, 20_000)).toEqual({ kind: 'declined', code: 'INSUFFICIENT_FUNDS' });
    expect((await debit(requestId(), 1, 10_000)).kind).toBe('approved');
  });

  it('answers a query of an unknown id with notFound and then refuses a debit under it', async () => {
    const id = requestId();
    expect(await client.query(id)).toEqual({ kind: 'notFound' });
    expect(await debit(id, 2, 20_000)).toEqual({ kind: 'declined', code: 'REQUEST_VOIDED' });
  });

  it('timeout: debits, answers only after the delay; the caller gives up and finds the debit by query', async () => {
    await faults([{ fault: 'timeout', delayMs: 1500, count: 1 }]);
    const id = requestId();
    const started = performance.now();
    const outcome = await debit(id, 3, 20_000);
    const waited = performance.now() - started;
    expect(outcome).toEqual({ kind: 'unknown', reason: 'timeout' });
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(waited).toBeLessThan(1400);
    const found = await client.query(id);
    expect(found.kind).toBe('approved');
  });

  it('dropReply: debits and drops the connection; down: 503 and nothing done', async () => {
    await faults([{ fault: 'dropReply', count: 1 }]);
    const dropped = requestId();
    const outcome = await debit(dropped, 4, 20_000);
    expect(outcome.kind).toBe('unknown');
    expect((await client.query(dropped)).kind).toBe('approved');

    await faults([{ fault: 'down', count: 2 }]);
    const down = requestId();
    expect(await debit(down, 4, 20_000)).toEqual({ kind: 'notSent', reason: 'bank host answered 503' });
    expect(await client.query(down)).toEqual({ kind: 'unknown', reason: 'bank host answered 503' });
    expect((await ledger()).debits.some((d) => d.requestId === down)).toBe(false);
  });

  it('settlement file: a header, one masked line per approved debit, and the injected differences', async () => {
    const id = requestId();
    const approved = await debit(id, 5, 30_000);
    if (approved.kind !== 'approved') throw new Error('not approved');
    const date = approved.settlementDate;
    const plain = await getText(`${bank.url}/v1/settlements/${date}`);
    expect(plain.text.split('\n')[0]).toBe(SETTLEMENT_HEADER);
    const line = parseSettlementFile(plain.text).find((l) => l.requestId === id);
    expect(line).toMatchObject({
      upstreamRef: approved.bankRef,
      amountFen: 30_000,
      time: approved.approvedAt,
    });
    expect(line?.account).toMatch(/^\d{4}\*+\d{4}$/);
    expect(plain.text).not.toContain(account(5).accountNumber);

    await faults([
      { fault: 'settlementMissing', requestId: id },
      { fault: 'settlementExtra', date, requestId: 'PAYEXTRA0000000001', amountFen: 20_000 },
    ]);
    const faulty = await client.settlement(date);
    expect(faulty.some((l) => l.requestId === id)).toBe(false);
    expect(faulty.find((l) => l.requestId === 'PAYEXTRA0000000001')?.amountFen).toBe(20_000);
    await postJson(`${bank.url}/control/reset`);
  });

  it('keeps its ledger across a restart on the same data dir', async () => {
    const id = requestId();
    const approved = await debit(id, 6, 20_000);
    const balance = (await ledger()).accounts.find((a) => a.accountNumber === account(6).accountNumber);
    await bank.stop();
    bank = await startSimulatorProcess('bankHost', ['--data-dir', dir]);
    client = new BankHostClient({ baseUrl: bank.url, timeoutMs: 500 });
    expect(await client.query(id)).toEqual(approved);
    expect(await debit(id, 6, 20_000)).toEqual(approved);
    expect((await ledger()).accounts.find((a) => a.accountNumber === account(6).accountNumber)).toEqual(
      balance,
    );
  });

  it('refused connections are notSent: the request cannot have reached the bank', async () => {
    const closed = new BankHostClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 500 });
    expect(
      (
        await closed.debit({
          requestId: requestId(),
          accountNumber: account(0).accountNumber,
          amountFen: 1,
          pinBlockHex: '0'.repeat(32),
        })
      ).kind,
    ).toBe('notSent');
  });
});

describe('payment gateway simulator (own process)', () => {
  let gateway: SimulatorProcess;
  let client: PaymentGatewayClient;
  let receiver: Server;
  let notifyUrl: string;
  const received: { notification: GatewayNotification; verdict: string }[] = [];
  const faults = (list: unknown[]) => postJson(`${gateway.url}/control/faults`, { faults: list });
  const order = (merchantOrderId: string, amountFen = 20_000) =>
    client.createOrder({ merchantOrderId, amountFen, subject: '城乡居民养老保险2026年度', notifyUrl });
  const waitFor = async (check: () => boolean, ms = 3000) => {
    const until = Date.now() + ms;
    while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  };

  beforeAll(async () => {
    receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const verdict = verifyNotification(
          DEMO_GATEWAY_SECRET,
          {
            timestamp: req.headers[GatewaySignatureHeaders.timestamp] as string | undefined,
            signature: req.headers[GatewaySignatureHeaders.signature] as string | undefined,
          },
          raw,
          Date.now(),
          60_000,
        );
        received.push({ notification: GatewayNotification.parse(JSON.parse(raw.toString())), verdict });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await new Promise((r) => receiver.once('listening', r));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
    gateway = await startSimulatorProcess('gateway');
    client = new PaymentGatewayClient({ baseUrl: gateway.url, timeoutMs: 1000 });
  });
  afterAll(async () => {
    await gateway?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it('creates one order per merchant order id, with a QR and an expiry', async () => {
    const first = await order('ORDER-A-0000000001');
    const again = await order('ORDER-A-0000000001');
    expect(first.kind).toBe('created');
    expect(again).toEqual(first);
    if (first.kind !== 'created') return;
    expect(first.order.qrContent).toBe(`${gateway.url}/qr/${first.order.gatewayOrderId}`);
    expect(Date.parse(first.order.expiresAt)).toBeGreaterThan(Date.now());
    expect((await getText(first.order.qrContent)).text).toContain('200.00');
    const conflict = await postJson(`${gateway.url}/v1/orders`, {
      merchantOrderId: 'ORDER-A-0000000001',
      amountFen: 30_000,
      subject: 'x',
      notifyUrl,
    });
    expect(conflict.status).toBe(409);
  });

  it('pay: the order is paid and a notification signed with the shared secret arrives', async () => {
    await order('ORDER-B-0000000001');
    const paid = await postJson(`${gateway.url}/control/orders/ORDER-B-0000000001/pay`);
    expect(paid.status).toBe(200);
    await waitFor(() => received.some((r) => r.notification.merchantOrderId === 'ORDER-B-0000000001'));
    const got = received.filter((r) => r.notification.merchantOrderId === 'ORDER-B-0000000001');
    expect(got).toHaveLength(1);
    expect(got[0]?.verdict).toBe('ok');
    const queried = await client.queryOrder('ORDER-B-0000000001');
    expect(queried.kind === 'found' && queried.order.status).toBe('paid');
    expect(queried.kind === 'found' && queried.order.gatewayRef).toBe(got[0]?.notification.gatewayRef);
  });

  it('duplicateNotifications sends copies; notificationLost sends none (query still shows paid)', async () => {
    await order('ORDER-C-0000000001');
    await faults([{ fault: 'duplicateNotifications', copies: 3, count: 1 }]);
    await postJson(`${gateway.url}/control/orders/ORDER-C-0000000001/pay`);
    await waitFor(
      () => received.filter((r) => r.notification.merchantOrderId === 'ORDER-C-0000000001').length >= 3,
    );
    expect(received.filter((r) => r.notification.merchantOrderId === 'ORDER-C-0000000001')).toHaveLength(3);

    await order('ORDER-D-0000000001');
    await faults([{ fault: 'notificationLost', count: 1 }]);
    await postJson(`${gateway.url}/control/orders/ORDER-D-0000000001/pay`);
    await new Promise((r) => setTimeout(r, 400));
    expect(received.some((r) => r.notification.merchantOrderId === 'ORDER-D-0000000001')).toBe(false);
    const queried = await client.queryOrder('ORDER-D-0000000001');
    expect(queried.kind === 'found' && queried.order.status).toBe('paid');
  });

  it('expire and close end an unpaid order; a paid order stays paid; down answers 503', async () => {
    await order('ORDER-E-0000000001');
    await postJson(`${gateway.url}/control/orders/ORDER-E-0000000001/expire`);
    expect((await postJson(`${gateway.url}/control/orders/ORDER-E-0000000001/pay`)).status).toBe(409);
    await order('ORDER-F-0000000001');
    const closed = await client.closeOrder('ORDER-F-0000000001');
    expect(closed.kind === 'found' && closed.order.status).toBe('closed');
    const paidStays = await client.closeOrder('ORDER-B-0000000001');
    expect(paidStays.kind === 'found' && paidStays.order.status).toBe('paid');
    expect(await client.queryOrder('ORDER-NONE-000001')).toEqual({ kind: 'notFound' });

    await faults([{ fault: 'down', count: 1 }]);
    expect((await order('ORDER-G-0000000001')).kind).toBe('notSent');
    expect((await order('ORDER-G-0000000001')).kind).toBe('created');
  });

  it('settlement file lists the paid orders of the day', async () => {
    const paid = await client.queryOrder('ORDER-B-0000000001');
    if (paid.kind !== 'found' || !paid.order.settlementDate) throw new Error('not paid');
    const lines = await client.settlement(paid.order.settlementDate);
    expect(lines.map((l) => l.requestId)).toEqual(
      expect.arrayContaining(['ORDER-B-0000000001', 'ORDER-C-0000000001', 'ORDER-D-0000000001']),
    );
    expect(lines.some((l) => l.requestId === 'ORDER-E-0000000001')).toBe(false);
  });
});
