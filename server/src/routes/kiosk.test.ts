import {
  IdentityLookupResponse,
  idCheckCharacter,
  KioskWhoAmIResponse,
  maskIdNumber,
  maskName,
  Routes,
  SignatureHeaders,
} from '@sik/contract';
import { DEMO_KIOSK_ID, defaultSeedData, demoCardHolders } from '@sik/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { ROUTE_SERVICES } from '../http/mount.ts';
import { countAuditEntries, verifyAuditChain } from '../repositories/audit.ts';
import { forgetOldNonces } from '../repositories/nonces.ts';
import { insurancesOf } from '../repositories/people.ts';
import type { RunningServer } from '../server.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import {
  type KioskKeys,
  newKioskKeys,
  provision,
  send,
  signedCall,
  startTestServer,
} from '../testing/harness.ts';
import { signRequest } from '../testing/sign.ts';

const data = defaultSeedData();
const holders = demoCardHolders();
const holder = (key: string) => {
  const found = holders.find((h) => h.key === key);
  if (!found) throw new Error(`no demo card holder ${key}`);
  return found;
};
const LOOKUP = Routes.identityLookup.path;
const WHOAMI = Routes.whoAmI.path;
const MAX_SKEW_SEC = 300;

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

/** A valid ID number (check character right) that no seeded person holds. */
function unknownIdNumber(): string {
  const taken = new Set(data.people.map((p) => p.identity.idNumber));
  for (let seq = 1; ; seq += 2) {
    const first17 = `11010119800101${String(seq).padStart(3, '0')}`;
    const id = first17 + idCheckCharacter(first17);
    if (!taken.has(id)) return id;
  }
}

describeEachDatabase(
  'signed kiosk routes',
  (get) => {
    let server: RunningServer;
    const kiosk = { kioskId: DEMO_KIOSK_ID } as { kioskId: string } & KioskKeys;
    const boc = { kioskId: 'KIOSK-0007' } as { kioskId: string } & KioskKeys;
    const disabled = { kioskId: 'KIOSK-0020' } as { kioskId: string } & KioskKeys;

    beforeAll(async () => {
      server = await startTestServer(get().db, { config: { signature: { maxSkewSec: MAX_SKEW_SEC } } });
      for (const k of [kiosk, boc, disabled]) {
        Object.assign(k, newKioskKeys());
        expect((await provision(server, k.kioskId, k.publicKeyPem)).status).toBe(200);
      }
    });
    afterAll(() => server.close());

    describe('success', () => {
      it('whoami names the kiosk, its branch, bank and authorised services', async () => {
        const reply = await signedCall(server, kiosk, 'GET', WHOAMI);
        expect(reply.status).toBe(200);
        const data = KioskWhoAmIResponse.parse(reply.json.data);
        expect(data.kioskId).toBe(DEMO_KIOSK_ID);
        expect(data.bankName).toBe('中国工商银行');
        expect(data.branchName).toBe('中国工商银行成都春熙路支行');
        expect(data.authorisedServices).toHaveLength(6);
        const bocReply = await signedCall(server, boc, 'GET', WHOAMI);
        expect(bocReply.json.data.bankName).toBe('中国银行');
        expect(bocReply.json.data.authorisedServices).not.toContain('enrollment');
      });

      it('identity lookup finds a pensioner by card, masks the name, lists insurances, and audits without the number', async () => {
        const { identity } = holder('pensioner');
        const before = await countAuditEntries(get().db);
        const reply = await signedCall(server, kiosk, 'POST', LOOKUP, {
          body: { cardType: identity.cardType, idNumber: identity.idNumber },
        });
        expect(reply.status).toBe(200);
        const found = IdentityLookupResponse.parse(reply.json.data);
        expect(found.maskedName).toBe(maskName(identity.name));
        expect(found.maskedName).not.toBe(identity.name);
        expect(found.pensioner).toBe(true);
        expect(found.insurances).toEqual(await insurancesOf(get().db, found.personId));
        expect(found.insurances.length).toBeGreaterThan(0);
        expect(JSON.stringify(reply.json)).not.toContain(identity.idNumber);

        expect(await countAuditEntries(get().db)).toBe(before + 1);
        const { rows } = await get().db.query<{
          action: string;
          result: string;
          details: Record<string, string>;
        }>('SELECT action, result, details FROM audit_log ORDER BY id DESC LIMIT 1');
        expect(rows[0]).toMatchObject({ action: 'identity.lookup', result: 'ok' });
        expect(rows[0]?.details).toMatchObject({
          idNumberMasked: maskIdNumber(identity.idNumber),
          personId: found.personId,
        });
        const { rows: leaks } = await get().db.query('SELECT id FROM audit_log WHERE details::text LIKE $1', [
          `%${identity.idNumber}%`,
        ]);
        expect(leaks).toEqual([]);
        expect((await verifyAuditChain(get().db)).ok).toBe(true);
      });

      it('finds holders of every card type, the 15-character foreign permit included', async () => {
        for (const key of ['young-worker', 'hong-kong-permit', 'foreign-2017', 'foreign-2023']) {
          const { identity } = holder(key);
          const reply = await signedCall(server, kiosk, 'POST', LOOKUP, {
            body: { cardType: identity.cardType, idNumber: identity.idNumber },
          });
          expect(reply.status, key).toBe(200);
          expect(reply.json.data.maskedName).toBe(maskName(identity.name));
        }
      });
    });

    describe('refusals', () => {
      it('answers 404 PERSON_NOT_FOUND for a valid number nobody holds, and audits the attempt', async () => {
        const before = await countAuditEntries(get().db);
        const reply = await signedCall(server, kiosk, 'POST', LOOKUP, {
          body: { cardType: 'resident', idNumber: unknownIdNumber() },
        });
        expect(reply.status).toBe(404);
        expect(reply.json).toMatchObject({ ok: false, code: 'PERSON_NOT_FOUND' });
        expect(await countAuditEntries(get().db)).toBe(before + 1);
        const { rows } = await get().db.query<{ result: string }>(
          'SELECT result FROM audit_log ORDER BY id DESC LIMIT 1',
        );
        expect(rows[0]?.result).toBe('PERSON_NOT_FOUND');
      });

      it('matches card type and number together', async () => {
        const { identity } = holder('hong-kong-permit');
        const reply = await signedCall(server, kiosk, 'POST', LOOKUP, {
          body: { cardType: 'resident', idNumber: identity.idNumber },
        });
        expect(reply.json.code).toBe('PERSON_NOT_FOUND');
      });

      it('answers 400 naming idNumber for a wrong check character, and writes no audit entry', async () => {
        const { identity } = holder('pensioner');
        const last = identity.idNumber.at(-1);
        const wrong = identity.idNumber.slice(0, 17) + (last === '1' ? '2' : '1');
        const audit = await count(get().db, 'audit_log');
        const people = await count(get().db, 'people');
        const reply = await signedCall(server, kiosk, 'POST', LOOKUP, {
          body: { cardType: 'resident', idNumber: wrong },
        });
        expect(reply.status).toBe(400);
        expect(reply.json).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'idNumber' });
        expect(reply.json.message).toMatch(/check character/);
        expect(await count(get().db, 'audit_log')).toBe(audit);
        expect(await count(get().db, 'people')).toBe(people);
        const missing = await signedCall(server, kiosk, 'POST', LOOKUP, {
          body: { idNumber: identity.idNumber },
        });
        expect(missing.json).toMatchObject({ code: 'INVALID_INPUT', field: 'cardType' });
      });
    });

    describe('signature checks (401)', () => {
      it('SIGNATURE_MISSING when any of the four headers is absent', async () => {
        for (const name of Object.values(SignatureHeaders)) {
          const reply = await signedCall(server, kiosk, 'GET', WHOAMI, { headers: { [name]: undefined } });
          expect(reply.status, name).toBe(401);
          expect(reply.json).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
          expect(reply.json.message).toContain(name);
        }
      });

      it('every signed route of the contract requires a signature', async () => {
        for (const route of Object.values(Routes).filter((r) => r.signed)) {
          const reply = await send(server, route.method.toUpperCase(), route.path, {
            ...(route.method === 'post' ? { body: '{}' } : {}),
          });
          expect(reply.json.code, route.path).toBe('SIGNATURE_MISSING');
        }
      });

      it('KIOSK_UNKNOWN for a kiosk that does not exist or has no key yet', async () => {
        const stranger = await signedCall(server, { ...kiosk, kioskId: 'KIOSK-9999' }, 'GET', WHOAMI);
        expect(stranger.status).toBe(401);
        expect(stranger.json.code).toBe('KIOSK_UNKNOWN');
        const unprovisioned = await signedCall(server, { ...kiosk, kioskId: 'KIOSK-0005' }, 'GET', WHOAMI);
        expect(unprovisioned.json.code).toBe('KIOSK_UNKNOWN');
      });

      it('SIGNATURE_INVALID for another key, a garbled signature, a tampered body or path, a bad nonce', async () => {
        const otherKey = await signedCall(server, { ...kiosk, ...newKioskKeys() }, 'GET', WHOAMI);
        expect(otherKey.json.code).toBe('SIGNATURE_INVALID');
        const garbled = await signedCall(server, kiosk, 'GET', WHOAMI, {
          headers: { [SignatureHeaders.signature]: 'bm90IGEgc2lnbmF0dXJl' },
        });
        expect(garbled.json.code).toBe('SIGNATURE_INVALID');
        const { identity } = holder('pensioner');
        const tampered = await signedCall(server, kiosk, 'POST', LOOKUP, {
          body: { cardType: identity.cardType, idNumber: identity.idNumber },
          signedBody: JSON.stringify({ cardType: 'resident', idNumber: unknownIdNumber() }),
        });
        expect(tampered.status).toBe(401);
        expect(tampered.json.code).toBe('SIGNATURE_INVALID');
        const headers = signRequest({ ...kiosk, method: 'GET', path: `${WHOAMI}?as=other` });
        const otherPath = await send(server, 'GET', WHOAMI, { headers });
        expect(otherPath.json.code).toBe('SIGNATURE_INVALID');
        const badNonce = await signedCall(server, kiosk, 'GET', WHOAMI, { nonce: 'short' });
        expect(badNonce.json.code).toBe('SIGNATURE_INVALID');
      });

      it('TIMESTAMP_SKEW beyond maxSkewSec either way, decided before the database records a nonce', async () => {
        const nonces = await count(get().db, 'request_nonces');
        const past = await signedCall(server, kiosk, 'GET', WHOAMI, {
          timestamp: Date.now() - (MAX_SKEW_SEC + 30) * 1000,
        });
        expect(past.status).toBe(401);
        expect(past.json.code).toBe('TIMESTAMP_SKEW');
        const future = await signedCall(server, kiosk, 'GET', WHOAMI, {
          timestamp: Date.now() + (MAX_SKEW_SEC + 30) * 1000,
        });
        expect(future.json.code).toBe('TIMESTAMP_SKEW');
        expect(await count(get().db, 'request_nonces')).toBe(nonces);
        const within = await signedCall(server, kiosk, 'GET', WHOAMI, {
          timestamp: Date.now() - (MAX_SKEW_SEC - 30) * 1000,
        });
        expect(within.status).toBe(200);
      });

      it('NONCE_REPLAYED for the same request twice; another kiosk may use the same nonce', async () => {
        const nonce = 'replay-test-nonce-0001';
        const first = await signedCall(server, kiosk, 'GET', WHOAMI, { nonce });
        expect(first.status).toBe(200);
        const again = await signedCall(server, kiosk, 'GET', WHOAMI, { nonce });
        expect(again.status).toBe(401);
        expect(again.json.code).toBe('NONCE_REPLAYED');
        const otherKiosk = await signedCall(server, boc, 'GET', WHOAMI, { nonce });
        expect(otherKiosk.status).toBe(200);
      });

      it('refuses a replay sent to two servers at once: the database decides', async () => {
        const { db, kind } = get();
        const secondDb = kind === 'postgres' ? await get().reopen() : db;
        const second = await startTestServer(secondDb);
        try {
          const headers = signRequest({ ...kiosk, method: 'GET', path: WHOAMI });
          const replies = await Promise.all([
            send(server, 'GET', WHOAMI, { headers }),
            send(second, 'GET', WHOAMI, { headers }),
          ]);
          expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
          expect(replies.find((r) => r.status === 401)?.json.code).toBe('NONCE_REPLAYED');
        } finally {
          await second.close();
        }
      });

      it('KIOSK_DISABLED for a disabled kiosk with a valid signature', async () => {
        const reply = await signedCall(server, disabled, 'GET', WHOAMI);
        expect(reply.status).toBe(401);
        expect(reply.json.code).toBe('KIOSK_DISABLED');
      });
    });

    it("refuses 403 SERVICE_NOT_AUTHORISED when the kiosk's bank is not authorised for the route's service", async () => {
      const services = ROUTE_SERVICES as Record<string, string | null>;
      const { identity } = holder('young-worker');
      const body = { cardType: identity.cardType, idNumber: identity.idNumber };
      services.identityLookup = 'enrollment'; // BOC is not authorised for enrollment, ICBC is
      try {
        const refused = await signedCall(server, boc, 'POST', LOOKUP, { body });
        expect(refused.status).toBe(403);
        expect(refused.json).toMatchObject({ ok: false, code: 'SERVICE_NOT_AUTHORISED' });
        expect((await signedCall(server, kiosk, 'POST', LOOKUP, { body })).status).toBe(200);
      } finally {
        services.identityLookup = null;
      }
    });

    it('forgets nonces once they are too old to be replayed', async () => {
      const { db } = get();
      await db.query(
        "INSERT INTO request_nonces (kiosk_id, nonce, seen_at) VALUES ($1, 'old-nonce-000000000001', now() - interval '2 hours')",
        [DEMO_KIOSK_ID],
      );
      const before = await count(db, 'request_nonces');
      expect(await forgetOldNonces(db, 2 * MAX_SKEW_SEC + 60)).toBe(1);
      expect(await count(db, 'request_nonces')).toBe(before - 1);
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, defaultSeedData())) },
);
