import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { DEMO_KIOSK_ID, defaultSeedData } from '@sik/seeds';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedIfEmpty } from '../db/seed.ts';
import { countAuditEntries, verifyAuditChain } from '../repositories/audit.ts';
import { findKiosk } from '../repositories/kiosks.ts';
import type { RunningServer } from '../server.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { newKioskKeys, provision, signedCall, startTestServer } from '../testing/harness.ts';

describeEachDatabase(
  'kiosk provisioning',
  (get) => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startTestServer(get().db);
    });
    afterAll(() => server.close());

    it('registers an Ed25519 key for a known kiosk, audited, and the kiosk can then sign', async () => {
      const keys = newKioskKeys();
      const before = await countAuditEntries(get().db);
      const reply = await provision(server, DEMO_KIOSK_ID, keys.publicKeyPem);
      expect(reply.status).toBe(200);
      expect(reply.json.ok).toBe(true);
      expect(reply.json.data.kioskId).toBe(DEMO_KIOSK_ID);
      expect(Date.parse(reply.json.data.registeredAt)).not.toBeNaN();
      const stored = await findKiosk(get().db, DEMO_KIOSK_ID);
      expect(createPublicKey(stored?.publicKeyPem ?? '').equals(createPublicKey(keys.publicKeyPem))).toBe(
        true,
      );
      expect(await countAuditEntries(get().db)).toBe(before + 1);
      const { rows } = await get().db.query<{ action: string; actor: string; kiosk_id: string }>(
        'SELECT action, actor, kiosk_id FROM audit_log ORDER BY id DESC LIMIT 1',
      );
      expect(rows[0]).toEqual({ action: 'kiosk.provision', actor: 'installer', kiosk_id: DEMO_KIOSK_ID });
      expect((await verifyAuditChain(get().db)).ok).toBe(true);
      const whoami = await signedCall(
        server,
        { kioskId: DEMO_KIOSK_ID, ...keys },
        'GET',
        '/api/v1/kiosk/whoami',
      );
      expect(whoami.status).toBe(200);
    });

    it('replaces the key on re-provisioning; the old key stops working', async () => {
      const first = newKioskKeys();
      const second = newKioskKeys();
      expect((await provision(server, 'KIOSK-0002', first.publicKeyPem)).status).toBe(200);
      expect((await provision(server, 'KIOSK-0002', second.publicKeyPem)).status).toBe(200);
      const old = await signedCall(
        server,
        { kioskId: 'KIOSK-0002', ...first },
        'GET',
        '/api/v1/kiosk/whoami',
      );
      expect(old.json.code).toBe('SIGNATURE_INVALID');
      const current = await signedCall(
        server,
        { kioskId: 'KIOSK-0002', ...second },
        'GET',
        '/api/v1/kiosk/whoami',
      );
      expect(current.status).toBe(200);
    });

    it('refuses a wrong or missing token with 401 PROVISIONING_DENIED and changes nothing', async () => {
      const before = await findKiosk(get().db, 'KIOSK-0003');
      const wrong = await provision(
        server,
        'KIOSK-0003',
        newKioskKeys().publicKeyPem,
        'not-the-token-at-all',
      );
      expect(wrong.status).toBe(401);
      expect(wrong.json).toMatchObject({ ok: false, code: 'PROVISIONING_DENIED' });
      const missing = await fetch(new URL('/api/v1/provisioning/kiosks/KIOSK-0003/key', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ publicKeyPem: newKioskKeys().publicKeyPem }),
      });
      expect(missing.status).toBe(401);
      expect(await findKiosk(get().db, 'KIOSK-0003')).toEqual(before);
    });

    it('answers 404 KIOSK_UNKNOWN for a kiosk that does not exist', async () => {
      const reply = await provision(server, 'KIOSK-9999', newKioskKeys().publicKeyPem);
      expect(reply.status).toBe(404);
      expect(reply.json).toMatchObject({ ok: false, code: 'KIOSK_UNKNOWN' });
    });

    it('answers 400 INVALID_INPUT naming publicKeyPem for a bad PEM or a key that is not Ed25519', async () => {
      const before = await countAuditEntries(get().db);
      const garbage = await provision(
        server,
        'KIOSK-0003',
        '-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n',
      );
      expect(garbage.status).toBe(400);
      expect(garbage.json).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'publicKeyPem' });
      const notPem = await provision(server, 'KIOSK-0003', 'ssh-ed25519 AAAA');
      expect(notPem.json).toMatchObject({ code: 'INVALID_INPUT', field: 'publicKeyPem' });
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
        type: 'spki',
        format: 'pem',
      });
      const wrongType = await provision(server, 'KIOSK-0003', rsa.toString());
      expect(wrongType.status).toBe(400);
      expect(wrongType.json).toMatchObject({ code: 'INVALID_INPUT', field: 'publicKeyPem' });
      expect(wrongType.json.message).toMatch(/Ed25519/);
      expect(await countAuditEntries(get().db)).toBe(before);
      expect((await findKiosk(get().db, 'KIOSK-0003'))?.publicKeyPem).toBeNull();
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, defaultSeedData())) },
);
