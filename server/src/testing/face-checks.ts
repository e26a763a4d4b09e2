import { sign } from 'node:crypto';
import { canonicalJson, type FaceOutcome, StaffSession } from '@sik/contract';
import { DEMO_STAFF, demoCardHolders, type SeedData } from '@sik/seeds';
import type { Queryable } from '../db/db.ts';
import type { RunningServer } from '../server.ts';
import { totpCode } from '../services/staff-auth.ts';
import {
  type KioskKeys,
  newKioskKeys,
  provision,
  type Reply,
  signedCall,
  startTestServer,
} from './harness.ts';

/**
 * What the route tests of the face check share, whatever the check is for (qualification authentication in
 * authentication.test.ts, identity verification in identity-checks.test.ts): the demo card holders' ids, signed
 * kiosk outcomes, the demo staff member's sign-in, a server with provisioned kiosks, and row counts.
 */

/** The person id of a demo card holder (by its key) in `data`; throws for an unknown key. */
export function demoHolderIds(data: SeedData): (key: string) => string {
  const holders = demoCardHolders(data);
  return (key) => {
    const holder = holders.find((h) => h.key === key);
    const person = data.people.find((p) => p.identity.idNumber === holder?.identity.idNumber);
    if (!person) throw new Error(`no demo card holder ${key}`);
    return person.personId;
  };
}

/** A kiosk with fresh keys, provisioned by startWithKiosks. */
export type TestKiosk = { kioskId: string } & KioskKeys;
export const testKiosk = (kioskId: string): TestKiosk => ({ kioskId, ...newKioskKeys() });

/** A test server on `db` at the test's clock, with the kiosks provisioned. */
export async function startWithKiosks(
  db: Parameters<typeof startTestServer>[0],
  now: () => number,
  kiosks: readonly TestKiosk[],
): Promise<RunningServer> {
  const server = await startTestServer(db, { now });
  for (const k of kiosks) {
    const reply = await provision(server, k.kioskId, k.publicKeyPem);
    if (reply.status !== 200) throw new Error(`provisioning ${k.kioskId}: ${reply.status}`);
  }
  return server;
}

/**
 * POSTs signed by a kiosk (`kiosk` unless said) at the test's clock, and the kiosk's face-check outcomes at that
 * clock and their signatures. The server and the clock are read at each call.
 */
export function kioskCalls(server: () => RunningServer, clock: () => number, kiosk: TestKiosk) {
  return {
    call: (path: string, body: unknown, at: TestKiosk = kiosk) =>
      signedCall(server(), at, 'POST', path, { body, timestamp: clock() }),
    outcomeOf: (personId: string, consentId: string, change: Partial<FaceOutcome> = {}) =>
      faceOutcome(personId, consentId, clock(), change),
    signed: (outcome: FaceOutcome, by: TestKiosk = kiosk) => signOutcome(outcome, by),
  };
}

/** The kiosk's outcome of a face check decided at `at`: a live match within the threshold unless changed. */
export const faceOutcome = (
  personId: string,
  consentId: string,
  at: number,
  change: Partial<FaceOutcome> = {},
): FaceOutcome => ({
  personId,
  consentId,
  decision: 'match',
  distance: 0.38,
  threshold: 0.5,
  framesUsed: 5,
  liveness: { method: 'headTurn', result: 'live' },
  modelVersion: 'face-api-1.7.15/ssd-mobilenetv1',
  decidedAt: new Date(at).toISOString(),
  ...change,
});

/** The kiosk's signature of the outcome (Ed25519 over its canonical JSON), base64. */
export const signOutcome = (outcome: FaceOutcome, by: KioskKeys): string =>
  sign(null, Buffer.from(canonicalJson(outcome), 'utf8'), by.privateKey).toString('base64');

/** The demo staff member's sign-in at `clock` (one TOTP step per sign-in: move the clock on 30 s between two). */
export const demoStaffSignIn = (clock: number) => ({
  staffNumber: DEMO_STAFF.staffNumber,
  password: DEMO_STAFF.password,
  otp: totpCode(DEMO_STAFF.totpSecretBase32, clock),
});

/** The staff token of a successful sign-in reply; throws with the reply otherwise. */
export function staffTokenOf(reply: Reply): string {
  if (reply.status !== 200) throw new Error(`staff sign-in: ${reply.status} ${JSON.stringify(reply.json)}`);
  return StaffSession.parse(reply.json.data).staffToken;
}

/** The pension's status and last authentication, as stored. */
export async function pensionRowOf(db: Queryable, personId: string) {
  const { rows } = await db.query<{ status: string; last_authenticated_at: Date }>(
    'SELECT status, last_authenticated_at FROM pensions WHERE person_id = $1',
    [personId],
  );
  return rows[0];
}

/** How many rows each table holds. */
export async function rowCounts(db: Queryable, tables: readonly string[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    result[table] = rows[0]?.n ?? -1;
  }
  return result;
}
