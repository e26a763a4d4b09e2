import { DEMO_KIOSK_ID, generateSeedData, type SeedData } from '@sik/seeds';
import type { Db, Queryable } from '../../db/db.ts';
import { chinaYear } from '../../integrations/china-time.ts';
import { freePort } from '../../integrations/testing.ts';
import type { RunningServer } from '../../server.ts';
import {
  type KioskKeys,
  newKioskKeys,
  provision,
  type Reply,
  signedCall,
  startTestServer,
} from '../../testing/harness.ts';

/** For payment tests and the benchmark: the people who may pay a year's contribution now. */

/** Citizens in the payment tests' demo data: few, so that seeding each test database is quick. */
export const PAYMENT_TEST_CITIZENS = 400;

/**
 * Demo data for `citizens` people without this year's residents' pension contributions, so that every enrolled
 * resident may pay. The bank host simulator builds the same accounts from `--citizens` (the data is
 * deterministic).
 */
export function paymentSeedData(citizens = PAYMENT_TEST_CITIZENS): SeedData {
  const year = chinaYear(new Date());
  const data = generateSeedData({ citizens });
  return {
    ...data,
    contributions: data.contributions.filter((c) => !(c.type === 'pension' && c.year === year)),
  };
}

export interface PayablePerson {
  personId: string;
  accountId: string | null;
  accountNumber: string | null;
}

export async function payablePeople(q: Queryable, year: number): Promise<PayablePerson[]> {
  const { rows } = await q.query<{
    person_id: string;
    account_id: string | null;
    account_number: string | null;
  }>(
    `SELECT p.person_id, a.account_id, a.account_number
     FROM people p
     JOIN insurances i ON i.person_id = p.person_id AND i.type = 'pension' AND i.scheme = 'resident'
       AND i.status <> 'terminated'
     LEFT JOIN bank_accounts a ON a.person_id = p.person_id AND a.linked
     WHERE NOT EXISTS (SELECT 1 FROM pensions pe WHERE pe.person_id = p.person_id AND pe.status <> 'terminated')
       AND NOT EXISTS (SELECT 1 FROM contributions c WHERE c.person_id = p.person_id AND c.type = 'pension' AND c.year = $1)
       AND NOT EXISTS (SELECT 1 FROM payments y WHERE y.person_id = p.person_id AND y.year = $1)
     ORDER BY p.person_id`,
    [year],
  );
  return rows.map((r) => ({
    personId: r.person_id,
    accountId: r.account_id,
    accountNumber: r.account_number,
  }));
}

export interface PaymentFixtureOptions {
  bankHostUrl: string;
  gatewayUrl: string;
  timeoutMs?: number;
  recheckAfterMs?: number;
}

export interface PaymentFixture {
  server: RunningServer;
  kiosk: { kioskId: string } & KioskKeys;
  pay(body: unknown): Promise<Reply>;
  options(personId: string): Promise<Reply>;
  byKey(key: string): Promise<Reply>;
  byId(paymentId: string): Promise<Reply>;
}

/**
 * A real server (on a port known before it listens, so the gateway can call it back) over a seeded test
 * database, with the demo kiosk provisioned, and signed calls to the payment routes.
 */
export async function startPaymentFixture(db: Db, opts: PaymentFixtureOptions): Promise<PaymentFixture> {
  const port = await freePort();
  const server = await startTestServer(db, {
    config: {
      port,
      publicBaseUrl: `http://127.0.0.1:${port}`,
      payments: {
        bankHostUrl: opts.bankHostUrl,
        gatewayUrl: opts.gatewayUrl,
        timeoutMs: opts.timeoutMs ?? 400,
        recheckAfterMs: opts.recheckAfterMs ?? 5000,
        queryBackoffMs: [50, 100, 200],
      },
    },
  });
  const kiosk = { kioskId: DEMO_KIOSK_ID, ...newKioskKeys() };
  const provisioned = await provision(server, kiosk.kioskId, kiosk.publicKeyPem);
  if (provisioned.status !== 200) throw new Error(`provisioning failed: ${JSON.stringify(provisioned.json)}`);
  return {
    server,
    kiosk,
    pay: (body) => signedCall(server, kiosk, 'POST', '/api/v1/payments', { body }),
    options: (personId) =>
      signedCall(server, kiosk, 'POST', '/api/v1/payments/options', { body: { personId } }),
    byKey: (key) => signedCall(server, kiosk, 'GET', `/api/v1/payments/by-key/${key}`),
    byId: (paymentId) => signedCall(server, kiosk, 'GET', `/api/v1/payments/${paymentId}`),
  };
}
