import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaymentOutcomeSchema, Routes } from '@sik/contract';
import { DEMO_KIOSK_ID, generateSeedData, type SeedData } from '@sik/seeds';
import { openPglite } from '../server/src/db/pglite.ts';
import { initialBalanceFen } from '../server/src/integrations/bank-host/simulator.ts';
import { chinaYear } from '../server/src/integrations/china-time.ts';
import { demoPinBlock, freePort, startSimulatorProcess } from '../server/src/integrations/testing.ts';
import { createRootLogger } from '../server/src/log.ts';
import { startServer } from '../server/src/server.ts';
import { payablePeople } from '../server/src/services/payments/testing.ts';
import { newKioskKeys, provision, signedCall, testConfig } from '../server/src/testing/harness.ts';
import { percentile } from './results-file.ts';

const CITIZENS = 3000;
const CONCURRENCY = 10;
const GRADE_CENTS = 20_000;

/**
 * Posted contribution payments per second: the real server (in this process, PGlite in a folder) against the bank
 * host simulator as its own process, every payment a signed HTTP request from a kiosk paying one person's year
 * from the linked account with a PIN block, 10 at a time. Each payment is the whole path: eligibility, the
 * order row, the debit over HTTP, the posting transaction with its audit entries.
 *
 * PGlite runs in a temporary folder.
 * The demo data is generated for more citizens than the default and without this year's residents' pension
 * contributions, so that several hundred people can pay; the simulator builds its ledger from the same data.
 */
export async function benchPayments(): Promise<Record<string, number>> {
  const year = chinaYear(new Date());
  const generated = generateSeedData({ citizens: CITIZENS });
  const data: SeedData = {
    ...generated,
    contributions: generated.contributions.filter((c) => !(c.type === 'pension' && c.year === year)),
  };
  const bank = await startSimulatorProcess('bankHost', ['--citizens', String(CITIZENS)]);
  // PGlite in a folder, as `npm run server` runs it (in memory it is slower: its file system grows by copying).
  const dir = mkdtempSync(join(tmpdir(), 'sik-bench-payments-'));
  const db = await openPglite(dir);
  const port = await freePort();
  const server = await startServer(
    testConfig({
      port,
      publicBaseUrl: `http://127.0.0.1:${port}`,
      payments: { bankHostUrl: bank.url, gatewayUrl: 'http://127.0.0.1:9', timeoutMs: 5000 },
    }),
    { db, seedData: data, log: createRootLogger('silent') },
  );
  try {
    const kiosk = { kioskId: DEMO_KIOSK_ID, ...newKioskKeys() };
    const provisioned = await provision(server, kiosk.kioskId, kiosk.publicKeyPem);
    if (provisioned.status !== 200)
      throw new Error(`provisioning failed: ${JSON.stringify(provisioned.json)}`);
    const people = (await payablePeople(db, year)).filter(
      (p) => p.accountId && p.accountNumber && initialBalanceFen(p.accountId) >= GRADE_CENTS,
    );
    if (people.length < 100) throw new Error(`only ${people.length} people can pay: too few to measure`);
    const latencies: number[] = [];
    const failures: string[] = [];
    let posted = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      for (let i = next++; i < people.length; i = next++) {
        const person = people[i];
        if (!person?.accountNumber) continue;
        const sent = performance.now();
        const reply = await signedCall(server, kiosk, 'POST', Routes.paymentCreate.path, {
          body: {
            personId: person.personId,
            year,
            amountCents: GRADE_CENTS,
            method: { kind: 'bankAccount', pinBlockHex: demoPinBlock(person.accountNumber) },
            idempotencyKey: `bench-${randomBytes(12).toString('hex')}`,
          },
        });
        latencies.push(performance.now() - sent);
        const outcome = PaymentOutcomeSchema.safeParse(reply.json?.data);
        if (outcome.success && outcome.data.status === 'posted') posted += 1;
        else failures.push(`${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    if (failures.length > 0) throw new Error(`${failures.length} payments not posted, e.g. ${failures[0]}`);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM contributions WHERE type = 'pension' AND year = $1 AND payment_id IS NOT NULL`,
      [year],
    );
    if (rows[0]?.n !== posted) throw new Error(`${posted} posted but ${rows[0]?.n} contributions written`);
    return {
      'payment.posted_per_s': Math.round((posted / seconds) * 10) / 10,
      'payment.count': posted,
      'payment.latency_p50_ms': Math.round(percentile(latencies, 50)),
      'payment.latency_p95_ms': Math.round(percentile(latencies, 95)),
    };
  } finally {
    await server.close();
    await db.close();
    await bank.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
