import { defaultCardsConfig } from '@sik/config';
import {
  CardOverview,
  CardPersonalisation,
  CardStockCloseResponse,
  Routes,
  StaffSession,
} from '@sik/contract';
import { deriveCardKey, externalAuthCryptogram } from '@sik/contract/ssse';
import { DEMO_KIOSK_ID, DEMO_STAFF, generateSeedData, REFERENCE_DATE } from '@sik/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../db/seed.ts';
import { seedAuthenticationIfEmpty } from '../db/seed-authentication.ts';
import type { RunningServer } from '../server.ts';
import { totpCode } from '../services/staff-auth.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { type KioskKeys, newKioskKeys, provision, signedCall, startTestServer } from '../testing/harness.ts';
import { recordIdentityVerification } from '../testing/identity-verification.ts';

const data = generateSeedData({ citizens: 300 });
/** Adult residents; none has a social security card in the seed. */
const residents = data.people
  .filter((p) => p.identity.cardType === 'resident' && p.identity.birthDate < '2000-01-01')
  .map((p) => p.personId);
const person = (i: number): string => {
  const id = residents[i];
  if (!id) throw new Error('not enough residents');
  return id;
};

const P = {
  signIn: Routes.staffSignIn.path,
  overview: Routes.cardOverview.path,
  apply: Routes.cardApply.path,
  loss: Routes.cardReportLoss.path,
  personalise: Routes.cardPersonalise.path,
  cryptogram: Routes.cardCryptogram.path,
  activate: Routes.cardActivate.path,
  spoil: Routes.cardSpoil.path,
  load: Routes.cardStockLoad.path,
  stock: Routes.cardStock.path,
  close: Routes.cardStockClose.path,
  photo: Routes.cardPhoto.path,
  blankSpoil: Routes.cardBlankSpoil.path,
  alert: Routes.kioskAlert.path,
};

/** 10:00 in China on the seed's reference date. */
const T0 = Date.parse(`${REFERENCE_DATE}T02:00:00Z`);

describeEachDatabase(
  'social security cards',
  (get) => {
    let server: RunningServer;
    let clock = T0;
    const kiosk = { kioskId: DEMO_KIOSK_ID } as { kioskId: string } & KioskKeys;
    const other = { kioskId: 'KIOSK-0002' } as { kioskId: string } & KioskKeys;
    type Kiosk = typeof kiosk;
    const call = (path: string, body: unknown, at: Kiosk = kiosk) =>
      signedCall(server, at, 'POST', path, { body, timestamp: clock });
    const ok = async (path: string, body: unknown, at: Kiosk = kiosk) => {
      const reply = await call(path, body, at);
      expect(reply.status, JSON.stringify(reply.json)).toBe(200);
      return reply.json.data;
    };
    const staffToken = async (at: Kiosk = kiosk): Promise<string> => {
      clock += 30_000;
      const data = await ok(
        P.signIn,
        {
          staffNumber: DEMO_STAFF.staffNumber,
          password: DEMO_STAFF.password,
          otp: totpCode(DEMO_STAFF.totpSecretBase32, clock),
        },
        at,
      );
      return StaffSession.parse(data).staffToken;
    };
    const cardRow = async (cardNumber: string) =>
      (
        await get().db.query<{ status: string; chip_serial: string | null }>(
          'SELECT status, chip_serial FROM social_security_cards WHERE card_number = $1',
          [cardNumber],
        )
      ).rows[0];
    const blankStatus = async (serial: string) =>
      (
        await get().db.query<{ status: string }>('SELECT status FROM card_blanks WHERE chip_serial = $1', [
          serial,
        ])
      ).rows[0]?.status;
    const activeCount = async (personId: string) =>
      (
        await get().db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM social_security_cards WHERE person_id = $1 AND status = 'active'",
          [personId],
        )
      ).rows[0]?.n;

    /**
     * The face check before an application (issue 4): a staff confirmation of the person at this kiosk, recorded
     * straight in the database (the identity-check routes have tests of their own).
     */
    const verified = (personId: string, at: Kiosk = kiosk) =>
      recordIdentityVerification(get().db, { personId, kioskId: at.kioskId, at: new Date(clock) });
    /** Applies after the face check. */
    const apply = async (personId: string, kind: string, at: Kiosk = kiosk) => {
      await verified(personId, at);
      return ok(P.apply, { personId, kind }, at);
    };
    /** Applies, personalises with `serial`, checks the cryptogram and activates; answers the card number. */
    const issue = async (personId: string, kind: string, serial: string): Promise<string> => {
      const applied = await apply(personId, kind);
      const cardNumber: string = applied.card.cardNumber;
      await ok(P.personalise, { personId, cardNumber, chipSerial: serial });
      await ok(P.activate, { cardNumber, chipSerial: serial });
      return cardNumber;
    };

    let token: string;
    beforeAll(async () => {
      clock = T0;
      server = await startTestServer(get().db, { now: () => clock });
      for (const k of [kiosk, other]) {
        Object.assign(k, newKioskKeys());
        expect((await provision(server, k.kioskId, k.publicKeyPem)).status).toBe(200);
      }
      token = await staffToken();
      const loaded = await ok(P.load, { staffToken: token, firstSerial: '5A000001', count: 20 });
      expect(loaded).toMatchObject({ firstSerial: '5A000001', lastSerial: '5A000014' });
      expect(loaded.stock).toMatchObject({ opening: 0, loaded: 20, issued: 0, spoiled: 0, remaining: 20 });
    });
    afterAll(() => server.close());

    describe('card stock', () => {
      it('refuses a load without a live staff token, and serials loaded before', async () => {
        const noStaff = await call(P.load, { staffToken: 'x'.repeat(43), firstSerial: '6B000001', count: 2 });
        expect(noStaff.status).toBe(401);
        const again = await call(P.load, { staffToken: token, firstSerial: '5A000010', count: 2 });
        expect(again.status).toBe(409);
        expect(again.json.message).toContain('5A000010');
      });
    });

    describe('lifecycle', () => {
      it('issues a first card: applied -> personalising -> active, with chip data and cryptograms', async () => {
        const personId = person(0);
        expect(CardOverview.parse(await ok(P.overview, { personId }))).toMatchObject({
          cards: [],
          allowed: ['first'],
        });
        const applied = await apply(personId, 'first');
        const cardNumber: string = applied.card.cardNumber;
        expect(cardNumber).toMatch(/^K[0-9]{8}$/);
        expect(applied.card.status).toBe('applied');
        // A retry answers the same card; another kind is refused while it is open.
        expect((await apply(personId, 'first')).card.cardNumber).toBe(cardNumber);
        expect((await call(P.apply, { personId, kind: 'renewal' })).status).toBe(409);
        // A blank that is not in this kiosk's stock is refused.
        expect((await call(P.personalise, { personId, cardNumber, chipSerial: 'FFFF0001' })).status).toBe(
          409,
        );

        const p = CardPersonalisation.parse(
          await ok(P.personalise, { personId, cardNumber, chipSerial: '5A000001' }),
        );
        expect(p.card).toMatchObject({
          status: 'personalising',
          chipSerial: '5A000001',
          issuedOn: REFERENCE_DATE,
        });
        expect(p.card.validUntil).toBe(
          `${Number(REFERENCE_DATE.slice(0, 4)) + 10}${REFERENCE_DATE.slice(4)}`,
        );
        expect(p.ef05.map((r) => r.record)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(p.ef05[6]?.tlvHex).toBe(
          `0709${Buffer.from(cardNumber, 'ascii').toString('hex').toUpperCase()}`,
        );
        expect(p.ef06.map((r) => r.tlvHex.slice(0, 4))).toEqual([
          '0812',
          '091E',
          '0A01',
          '0B01',
          '0C03',
          '0D04',
        ]);
        expect(await blankStatus('5A000001')).toBe('inUse');

        const challenge = Buffer.from('0102030405060708', 'hex');
        const { cryptogramHex } = await ok(P.cryptogram, {
          cardNumber,
          chipSerial: '5A000001',
          challengeHex: challenge.toString('hex').toUpperCase(),
        });
        const master = Buffer.from(defaultCardsConfig().issuerMasterKeyHex, 'hex');
        expect(cryptogramHex).toBe(
          externalAuthCryptogram(deriveCardKey(master, '5A000001'), challenge).toString('hex').toUpperCase(),
        );
        // Another kiosk cannot finish this kiosk's card.
        expect((await call(P.activate, { cardNumber, chipSerial: '5A000001' }, other)).status).toBe(409);

        const active = await ok(P.activate, { cardNumber, chipSerial: '5A000001' });
        expect(active.status).toBe('active');
        expect((await ok(P.activate, { cardNumber, chipSerial: '5A000001' })).status).toBe('active');
        expect(await blankStatus('5A000001')).toBe('issued');
        expect(CardOverview.parse(await ok(P.overview, { personId }))).toMatchObject({
          openApplication: null,
          allowed: ['renewal'],
        });
        const events = await get().db.query<{ kind: string }>(
          'SELECT kind FROM card_events WHERE card_number = $1 ORDER BY seq',
          [cardNumber],
        );
        expect(events.rows.map((r) => r.kind)).toEqual(['applied', 'personalising', 'activated']);
      });

      it('reports a loss, spoils a failed blank with a new number, and replaces the lost card', async () => {
        const personId = person(1);
        const first = await issue(personId, 'first', '5A000002');
        expect((await call(P.apply, { personId, kind: 'replacement' })).status).toBe(422);
        expect((await ok(P.loss, { personId, cardNumber: first })).status).toBe('lost');
        expect((await ok(P.loss, { personId, cardNumber: first })).status).toBe('lost');
        expect((await ok(P.overview, { personId })).allowed).toEqual(['replacement']);

        const applied = await apply(personId, 'replacement');
        const broken: string = applied.card.cardNumber;
        await ok(P.personalise, { personId, cardNumber: broken, chipSerial: '5A000003' });
        const spoiled = await ok(P.spoil, {
          cardNumber: broken,
          chipSerial: '5A000003',
          reason: 'chipWriteFailed',
        });
        expect(spoiled.spoiled.status).toBe('spoiled');
        expect(spoiled.retry.status).toBe('applied');
        expect(spoiled.retry.cardNumber).not.toBe(broken);
        expect(spoiled.retry.applicationId).toBe(applied.applicationId);
        expect(await blankStatus('5A000003')).toBe('spoiled');

        const retry: string = spoiled.retry.cardNumber;
        await ok(P.personalise, { personId, cardNumber: retry, chipSerial: '5A000004' });
        await ok(P.activate, { cardNumber: retry, chipSerial: '5A000004' });
        expect(await cardRow(first)).toMatchObject({ status: 'cancelled' });
        expect(await cardRow(retry)).toMatchObject({ status: 'active', chip_serial: '5A000004' });
        expect(await activeCount(personId)).toBe(1);
      });

      it('renews an active card: the old one is cancelled as the new one becomes active', async () => {
        const personId = person(2);
        const old = await issue(personId, 'first', '5A000005');
        const renewed = await issue(personId, 'renewal', '5A000006');
        expect(await cardRow(old)).toMatchObject({ status: 'cancelled' });
        expect(await cardRow(renewed)).toMatchObject({ status: 'active' });
        expect(await activeCount(personId)).toBe(1);
      });

      it('takes over the queued first application of a bundle', async () => {
        const personId = person(3);
        await get().db.query(
          `INSERT INTO card_applications (application_id, person_id, kind, status, source, created_at)
           VALUES ('CA-BUNDLE-TEST', $1, 'first', 'queued', 'bundle', now())`,
          [personId],
        );
        expect((await ok(P.overview, { personId })).openApplication).toMatchObject({
          applicationId: 'CA-BUNDLE-TEST',
          status: 'queued',
        });
        const applied = await apply(personId, 'first');
        expect(applied.applicationId).toBe('CA-BUNDLE-TEST');
      });
    });

    describe('the database allows at most one active card per person', () => {
      /** Two cards of one person, both ready to be switched to active by a bare UPDATE. */
      const twoCards = async (personId: string, serials: [string, string]) => {
        const db = get().db;
        await db.query(
          `INSERT INTO card_applications (application_id, person_id, kind, status, source, created_at)
           VALUES ($1, $2, 'first', 'cancelled', 'kiosk', now())`,
          [`CA-RACE-${personId}`, personId],
        );
        const numbers = [`R${personId.slice(1)}`, `S${personId.slice(1)}`];
        for (const [i, n] of numbers.entries()) {
          await db.query(
            `INSERT INTO social_security_cards (card_number, application_id, person_id, status, chip_serial, created_at, updated_at)
             VALUES ($1, $2, $3, 'cancelled', $4, now(), now())`,
            [n, `CA-RACE-${personId}`, personId, serials[i]],
          );
        }
        return numbers;
      };
      const activate = (sql: { query: (s: string, p: unknown[]) => Promise<unknown> }, cardNumber: string) =>
        sql.query(
          `UPDATE social_security_cards SET status = 'active', issued_on = '2026-01-01', valid_until = '2036-01-01'
           WHERE card_number = $1`,
          [cardNumber],
        );

      it('refuses a second active card', async () => {
        const personId = person(4);
        const [a, b] = await twoCards(personId, ['5A000007', '5A000008']);
        await activate(get().db, a as string);
        await expect(activate(get().db, b as string)).rejects.toMatchObject({ code: '23505' });
        expect(await activeCount(personId)).toBe(1);
      });

      it('lets exactly one of two concurrent activations win', async () => {
        const personId = person(20);
        const [a, b] = await twoCards(personId, ['5A000009', '5A00000A']);
        const first = get().db;
        const second = get().kind === 'postgres' ? await get().reopen() : first;
        const results = await Promise.allSettled([
          first.transaction((tx) => activate(tx, a as string)),
          second.transaction((tx) => activate(tx, b as string)),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected');
        expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
        expect(await activeCount(personId)).toBe(1);
      });
    });

    describe('end-of-day close', () => {
      it('balances when the feeder and the reject box hold what the books say', async () => {
        const stock = await ok(P.stock, { staffToken: token });
        // 20 loaded; 5A000001/2/4/5/6 issued, 5A000003 spoiled; 5A000007-0A are bound to the race cards' rows
        // but still booked in stock (the race test bypassed the service).
        expect(stock).toMatchObject({
          opening: 0,
          loaded: 20,
          issued: 5,
          spoiled: 1,
          inUse: 0,
          remaining: 14,
        });
        expect(stock.opening + stock.loaded).toBe(
          stock.issued + stock.spoiled + stock.inUse + stock.remaining,
        );
        const inFeeder = Array.from({ length: 20 }, (_, i) =>
          (0x5a000001 + i).toString(16).toUpperCase(),
        ).filter(
          (s) => !['5A000001', '5A000002', '5A000003', '5A000004', '5A000005', '5A000006'].includes(s),
        );
        const close = CardStockCloseResponse.parse(
          await ok(P.close, { staffToken: token, feederSerials: inFeeder, rejectBoxSerials: ['5A000003'] }),
        );
        expect(close).toMatchObject({ balanced: true, differences: [] });
      });

      it('flags every serial that is not where the books say', async () => {
        const feeder = Array.from({ length: 20 }, (_, i) => (0x5a000001 + i).toString(16).toUpperCase())
          .filter((s) => s >= '5A000007' && s !== '5A000010')
          .concat(['77000001']);
        const close = CardStockCloseResponse.parse(
          await ok(P.close, { staffToken: token, feederSerials: feeder, rejectBoxSerials: ['5A000001'] }),
        );
        expect(close.balanced).toBe(false);
        expect(close.differences).toEqual([
          { chipSerial: '5A000001', booked: 'issued', found: 'rejectBox' },
          { chipSerial: '5A000003', booked: 'spoiled', found: 'absent' },
          { chipSerial: '5A000010', booked: 'inStock', found: 'absent' },
          { chipSerial: '77000001', booked: null, found: 'feeder' },
        ]);
        const { rows } = await get().db.query<{ balanced: boolean; n: number }>(
          'SELECT balanced, jsonb_array_length(differences)::int AS n FROM card_stock_closes WHERE kiosk_id = $1',
          [DEMO_KIOSK_ID],
        );
        expect(rows).toEqual([{ balanced: false, n: 4 }]);
      });
    });

    describe('what the kiosk needs while making a card', () => {
      it('spoils a blank that was never bound to a card, once, and refuses one in use or not its own', async () => {
        expect(await ok(P.blankSpoil, { chipSerial: '5A000010', reason: 'recovered' })).toEqual({
          chipSerial: '5A000010',
          status: 'spoiled',
        });
        expect(await blankStatus('5A000010')).toBe('spoiled');
        expect((await ok(P.blankSpoil, { chipSerial: '5A000010', reason: 'recovered' })).status).toBe(
          'spoiled',
        );
        expect((await call(P.blankSpoil, { chipSerial: '5A000010', reason: 'other' }, other)).status).toBe(
          404,
        );
        expect((await call(P.blankSpoil, { chipSerial: 'ABCDEF01', reason: 'other' })).status).toBe(404);
        const personId = person(30);
        const applied = await apply(personId, 'first');
        await ok(P.personalise, { personId, cardNumber: applied.card.cardNumber, chipSerial: '5A000011' });
        const inUse = await call(P.blankSpoil, { chipSerial: '5A000011', reason: 'other' });
        expect(inUse.status).toBe(409);
        expect(await blankStatus('5A000011')).toBe('inUse');
        const bad = await call(P.blankSpoil, { chipSerial: 'not-hex', reason: 'other' });
        expect(bad.status).toBe(400);
        expect(JSON.stringify(bad.json)).toContain('chipSerial');
      });

      it('hands out the registry photo only for a card being made at this kiosk', async () => {
        const personId = person(31);
        const applied = await apply(personId, 'first');
        const cardNumber: string = applied.card.cardNumber;
        // Not personalising yet: refused.
        expect((await call(P.photo, { cardNumber, chipSerial: '5A000012' })).status).toBe(409);
        await ok(P.personalise, { personId, cardNumber, chipSerial: '5A000012' });
        // No photo in the registry: a plain answer that names the photo.
        const none = await call(P.photo, { cardNumber, chipSerial: '5A000012' });
        expect(none.status).toBe(422);
        expect(none.json.message).toContain('照片');
        const jpeg = Buffer.concat([
          Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
          Buffer.alloc(60, 7),
          Buffer.from([0xff, 0xd9]),
        ]);
        await get().db.query(
          `INSERT INTO photo_registry (person_id, jpeg, source, captured_on) VALUES ($1, $2, 'demoFixture', '2026-01-01')`,
          [personId, jpeg],
        );
        const photo = await ok(P.photo, { cardNumber, chipSerial: '5A000012' });
        expect(Buffer.from(photo.jpegBase64, 'base64').equals(jpeg)).toBe(true);
        // Another kiosk, or another blank, gets nothing.
        expect((await call(P.photo, { cardNumber, chipSerial: '5A000012' }, other)).status).toBe(409);
        expect((await call(P.photo, { cardNumber, chipSerial: '5A000013' })).status).toBe(409);
      });

      it('records an alert for staff with references only', async () => {
        const { alertId } = await ok(P.alert, {
          kind: 'cardNotTaken',
          reference: 'K00000001',
          detail: 'card not taken, retracted into the reject box',
        });
        const rows = await get().db.query<{ kind: string; status: string; kiosk_id: string }>(
          'SELECT kind, status, kiosk_id FROM kiosk_alerts WHERE alert_id = $1',
          [alertId],
        );
        expect(rows.rows).toEqual([{ kind: 'cardNotTaken', status: 'open', kiosk_id: DEMO_KIOSK_ID }]);
        expect((await call(P.alert, { kind: 'nonsense', reference: null, detail: 'x' })).status).toBe(400);
      });
    });
  },
  {
    setup: async (db) => {
      await seedIfEmpty(db, data);
      await seedAuthenticationIfEmpty(db, data);
    },
  },
);
