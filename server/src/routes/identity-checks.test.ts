import {
  canonicalJson,
  type FaceOutcome,
  IdentityCheckStatus,
  IdentityFaceOutcomeResponse,
  IdentityVerification,
  Routes,
} from '@sik/contract';
import { DEMO_KIOSK_ID, DEMO_STAFF, generateSeedData, REFERENCE_DATE } from '@sik/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { seedAuthenticationIfEmpty } from '../db/seed-authentication.ts';
import { verifyAuditChain } from '../repositories/audit.ts';
import { putRegistryPhoto, registryPhoto } from '../repositories/authentication.ts';
import type { RunningServer } from '../server.ts';
import { CARD_FACE_CONSENT } from '../services/authentication/identity.ts';
import { FACE_CONSENT } from '../services/authentication.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import {
  demoHolderIds,
  demoStaffSignIn,
  kioskCalls,
  pensionRowOf,
  rowCounts,
  staffTokenOf,
  startWithKiosks,
  type TestKiosk,
  testKiosk,
} from '../testing/face-checks.ts';
import { recordIdentityVerification } from '../testing/identity-verification.ts';
import { columnsHoldingImages } from '../testing/image-scan.ts';

// The same small town as the authentication tests: every demo card holder is in it.
const data = generateSeedData({ citizens: 300 });
const personIdOf = demoHolderIds(data);

const P = {
  status: Routes.identityCheckStatus.path,
  consent: Routes.identityCheckConsent.path,
  photo: Routes.identityCheckReferencePhoto.path,
  outcome: Routes.identityCheckFaceOutcome.path,
  assisted: Routes.identityCheckAssisted.path,
  signIn: Routes.staffSignIn.path,
  qualificationConsent: Routes.authenticationConsent.path,
  qualificationOutcome: Routes.authenticationFaceOutcome.path,
  qualificationStatus: Routes.authenticationStatus.path,
  apply: Routes.cardApply.path,
};

/** 10:00 in China on the seed's reference date. */
const T0 = Date.parse(`${REFERENCE_DATE}T02:00:00Z`);
const MINUTE = 60_000;
const purpose = 'cardIssuance';

let keySeq = 0;
const newKey = () => `identity-test-key-${String(++keySeq).padStart(4, '0')}-${Date.now()}`;

const TABLES = [
  'identity_verifications',
  'authentications',
  'face_attempts',
  'authentication_requests',
  'face_lockouts',
];
const counts = (db: Db) => rowCounts(db, TABLES);

describeEachDatabase(
  'identity checks (the face check before a card application)',
  (get) => {
    let server: RunningServer;
    let clock = T0;
    const kiosk = testKiosk(DEMO_KIOSK_ID);
    const other = testKiosk('KIOSK-0002');
    type Kiosk = TestKiosk;

    const { call, outcomeOf, signed } = kioskCalls(
      () => server,
      () => clock,
      kiosk,
    );
    const consentFor = async (personId: string, at: Kiosk = kiosk, granted = true): Promise<string> => {
      const reply = await call(
        P.consent,
        { personId, purpose, version: CARD_FACE_CONSENT.version, granted },
        at,
      );
      expect(reply.status, JSON.stringify(reply.json)).toBe(200);
      return reply.json.data.consentId;
    };
    const sendOutcome = (outcome: FaceOutcome, key = newKey(), at: Kiosk = kiosk) =>
      call(P.outcome, { idempotencyKey: key, purpose, outcome, signature: signed(outcome, at) }, at);
    const statusOf = async (personId: string, at: Kiosk = kiosk) =>
      IdentityCheckStatus.parse((await call(P.status, { personId, purpose }, at)).json.data);
    const staffToken = async (at: Kiosk = kiosk): Promise<string> => {
      clock += 30_000;
      const reply = await call(P.signIn, demoStaffSignIn(clock), at);
      return staffTokenOf(reply);
    };
    const pensionRow = (personId: string) => pensionRowOf(get().db, personId);
    const verificationRows = async (personId: string) =>
      (
        await get().db.query<{
          method: string;
          kiosk_id: string;
          purpose: string;
          consent_id: string | null;
          decision: string | null;
          distance: number | null;
          signature: string | null;
          signed_outcome: string | null;
          staff_number: string | null;
          reason: string | null;
          spot_check: boolean;
        }>('SELECT * FROM identity_verifications WHERE person_id = $1 ORDER BY verified_at', [personId])
      ).rows;

    beforeAll(async () => {
      clock = T0;
      server = await startWithKiosks(get().db, () => clock, [kiosk, other]);
    });
    afterAll(() => server.close());

    describe('status and consent', () => {
      it('answers anyone with a record (no pension needed) with the card consent, the lockout and a recent check', async () => {
        const status = await statusOf(personIdOf('young-worker'));
        expect(status).toMatchObject({
          lockedUntil: null,
          mismatchesLeft: 3,
          referencePhoto: true,
          consent: { version: CARD_FACE_CONSENT.version },
          verifiedUntil: null,
        });
        expect(status.consent.text).toMatch(/社保卡/);
        expect((await statusOf(personIdOf('new-resident'))).referencePhoto).toBe(false);
        expect((await call(P.status, { personId: 'P99999999', purpose })).status).toBe(404);
        expect(
          (await call(P.status, { personId: personIdOf('new-resident'), purpose: 'pension' })).status,
        ).toBe(400);
      });

      it('records a consent for the card purpose only in its own version; the photo is served under it', async () => {
        const personId = personIdOf('young-worker');
        const wrong = await call(P.consent, {
          personId,
          purpose,
          version: FACE_CONSENT.version,
          granted: true,
        });
        expect(wrong.status).toBe(400);
        const consentId = await consentFor(personId);
        const { rows } = await get().db.query<{ purpose: string }>(
          'SELECT purpose FROM face_consents WHERE consent_id = $1',
          [consentId],
        );
        expect(rows[0]?.purpose).toBe('cardIssuance');
        const photo = await call(P.photo, { personId, consentId });
        expect(photo.status, JSON.stringify(photo.json)).toBe(200);
        expect(photo.json.data.jpegBase64.length).toBeGreaterThan(100);
        // Not under a declined consent, nor at another kiosk.
        const declined = await consentFor(personId, kiosk, false);
        expect((await call(P.photo, { personId, consentId: declined })).status).toBe(422);
        expect((await call(P.photo, { personId, consentId }, other)).status).toBe(422);
      });
    });

    describe('face outcome', () => {
      it('records a verification for a match: never an authentication, never a pension resumed', async () => {
        const personId = personIdOf('pensioner-overdue');
        const before = await pensionRow(personId);
        expect(before?.status).toBe('suspended');
        const rowsBefore = await counts(get().db);
        const consentId = await consentFor(personId);
        const outcome = outcomeOf(personId, consentId);
        const key = newKey();
        const reply = await sendOutcome(outcome, key);
        expect(reply.status, JSON.stringify(reply.json)).toBe(200);
        const answer = IdentityFaceOutcomeResponse.parse(reply.json.data);
        expect(answer.verification).toMatchObject({ purpose, method: 'face', spotCheck: false });
        expect(answer).toMatchObject({ lockedUntil: null, mismatchesLeft: 3 });
        expect(await pensionRow(personId)).toEqual(before);
        const rowsAfter = await counts(get().db);
        expect(rowsAfter).toEqual({
          ...rowsBefore,
          identity_verifications: (rowsBefore.identity_verifications ?? 0) + 1,
          authentication_requests: (rowsBefore.authentication_requests ?? 0) + 1,
        });
        const [row] = await verificationRows(personId);
        expect(row).toMatchObject({
          method: 'face',
          kiosk_id: DEMO_KIOSK_ID,
          purpose,
          consent_id: consentId,
          decision: 'match',
          distance: 0.38,
          signature: signed(outcome),
          signed_outcome: canonicalJson(outcome),
          staff_number: null,
          spot_check: false,
        });
        // The same key again: the same answer, nothing new; the key with another body: CONFLICT.
        const again = await sendOutcome(outcome, key);
        expect(again.json.data).toEqual(reply.json.data);
        expect(await counts(get().db)).toEqual(rowsAfter);
        const otherBody = await sendOutcome({ ...outcome, distance: 0.2 }, key);
        expect(otherBody.status).toBe(409);
        const status = await statusOf(personId);
        expect(Date.parse(status.verifiedUntil ?? '')).toBe(clock + 15 * MINUTE);
        // The verification is of this kiosk only.
        expect((await statusOf(personId, other)).verifiedUntil).toBeNull();
      });

      it('refuses a bad signature, a consent of the other purpose, and a match that is not live', async () => {
        const personId = personIdOf('pensioner');
        const consentId = await consentFor(personId);
        const outcome = outcomeOf(personId, consentId);
        const forged = await call(P.outcome, {
          idempotencyKey: newKey(),
          purpose,
          outcome,
          signature: signed(outcome, other),
        });
        expect(forged.status).toBe(401);
        expect(
          (
            await sendOutcome(
              outcomeOf(personId, consentId, { liveness: { method: 'headTurn', result: 'notLive' } }),
            )
          ).status,
        ).toBe(400);
        // A qualification consent does not serve a card check, nor a card consent a qualification.
        const qualificationConsent = (
          await call(P.qualificationConsent, { personId, version: FACE_CONSENT.version, granted: true })
        ).json.data.consentId as string;
        const crossed = await sendOutcome(outcomeOf(personId, qualificationConsent));
        expect(crossed.status).toBe(422);
        expect(crossed.json.message).toMatch(/授权/);
        const cardOutcome = outcomeOf(personId, consentId);
        const asQualification = await call(P.qualificationOutcome, {
          idempotencyKey: newKey(),
          outcome: cardOutcome,
          signature: signed(cardOutcome),
        });
        expect(asQualification.status).toBe(422);
        expect(await verificationRows(personId)).toEqual([]);
      });

      it('counts mismatches toward the one lockout, whatever they were for; staff can still confirm', async () => {
        const personId = personIdOf('pensioner-due');
        const cardConsent = await consentFor(personId);
        const mismatch = (consentId: string) =>
          outcomeOf(personId, consentId, { decision: 'mismatch', distance: 0.71 });
        const first = await sendOutcome(mismatch(cardConsent));
        expect(IdentityFaceOutcomeResponse.parse(first.json.data)).toMatchObject({
          verification: null,
          mismatchesLeft: 2,
        });
        expect(
          (
            await sendOutcome(
              outcomeOf(personId, cardConsent, {
                decision: 'livenessFailed',
                distance: null,
                liveness: { method: 'headTurn', result: 'notLive' },
              }),
            )
          ).json.data.mismatchesLeft,
        ).toBe(1);
        // The qualification status sees the card's failures.
        expect((await call(P.qualificationStatus, { personId })).json.data.mismatchesLeft).toBe(1);
        const qualificationConsent = (
          await call(P.qualificationConsent, { personId, version: FACE_CONSENT.version, granted: true })
        ).json.data.consentId as string;
        const third = mismatch(qualificationConsent);
        const locked = await call(P.qualificationOutcome, {
          idempotencyKey: newKey(),
          outcome: third,
          signature: signed(third),
        });
        expect(locked.json.data.lockedUntil).not.toBeNull();
        const status = await statusOf(personId);
        expect(status.lockedUntil).toBe(locked.json.data.lockedUntil);
        // Even a match is refused now, and recorded as a refused attempt.
        const refused = IdentityFaceOutcomeResponse.parse(
          (await sendOutcome(outcomeOf(personId, cardConsent))).json.data,
        );
        expect(refused).toMatchObject({
          verification: null,
          mismatchesLeft: 0,
          lockedUntil: status.lockedUntil,
        });
        const { rows } = await get().db.query<{ purpose: string; decision: string }>(
          'SELECT purpose, decision FROM face_attempts WHERE person_id = $1 ORDER BY id',
          [personId],
        );
        expect(rows).toEqual([
          { purpose, decision: 'mismatch' },
          { purpose, decision: 'livenessFailed' },
          { purpose: 'qualification', decision: 'mismatch' },
          { purpose, decision: 'match' },
        ]);
        // Staff confirm the person while the face check is locked.
        const token = await staffToken();
        const key = newKey();
        const assisted = await call(P.assisted, {
          idempotencyKey: key,
          purpose,
          personId,
          staffToken: token,
          reason: 'faceCheckFailed',
        });
        expect(assisted.status, JSON.stringify(assisted.json)).toBe(200);
        expect(IdentityVerification.parse(assisted.json.data)).toMatchObject({
          purpose,
          method: 'staff',
          spotCheck: true,
        });
        const again = await call(P.assisted, {
          idempotencyKey: key,
          purpose,
          personId,
          staffToken: token,
          reason: 'faceCheckFailed',
        });
        expect(again.json.data).toEqual(assisted.json.data);
        expect(await verificationRows(personId)).toEqual([
          expect.objectContaining({
            method: 'staff',
            staff_number: DEMO_STAFF.staffNumber,
            reason: 'faceCheckFailed',
            spot_check: true,
            signature: null,
          }),
        ]);
        // A staff confirmation for a card is no authentication either.
        const { rows: auths } = await get().db.query('SELECT 1 FROM authentications WHERE person_id = $1', [
          personId,
        ]);
        expect(auths).toEqual([]);
      });

      it('refuses staff confirmation without a live staff token', async () => {
        const reply = await call(P.assisted, {
          idempotencyKey: newKey(),
          purpose,
          personId: personIdOf('young-worker'),
          staffToken: 'x'.repeat(43),
          reason: 'cannotUseCamera',
        });
        expect(reply.status).toBe(401);
      });
    });

    describe('a card application needs a recent verification at the same kiosk', () => {
      it('refuses without one, accepts within the window, refuses after it and at another kiosk', async () => {
        const personId = personIdOf('long-term-card');
        const refused = await call(P.apply, { personId, kind: 'first' });
        expect(refused.status).toBe(422);
        expect(refused.json.code).toBe('NOT_ELIGIBLE');
        expect(refused.json.message).toMatch(/人脸核验/);
        await recordIdentityVerification(get().db, {
          personId,
          kioskId: other.kioskId,
          at: new Date(clock),
        });
        expect((await call(P.apply, { personId, kind: 'first' })).status).toBe(422);
        await recordIdentityVerification(get().db, {
          personId,
          kioskId: kiosk.kioskId,
          at: new Date(clock - 16 * MINUTE),
        });
        expect((await call(P.apply, { personId, kind: 'first' })).status).toBe(422);
        const token = await staffToken();
        const assisted = await call(P.assisted, {
          idempotencyKey: newKey(),
          purpose,
          personId,
          staffToken: token,
          reason: 'cannotUseCamera',
        });
        expect(assisted.status).toBe(200);
        clock += 14 * MINUTE;
        const applied = await call(P.apply, { personId, kind: 'first' });
        expect(applied.status, JSON.stringify(applied.json)).toBe(200);
        // The same application asked again later gets its card back without a new check.
        clock += 30 * MINUTE;
        const again = await call(P.apply, { personId, kind: 'first' });
        expect(again.json.data.card.cardNumber).toBe(applied.json.data.card.cardNumber);
      });
    });

    describe('privacy', () => {
      it('keeps image bytes in the photo registry only, and the audit chain whole', async () => {
        expect(await columnsHoldingImages(get().db)).toEqual([]);
        expect((await verifyAuditChain(get().db)).ok).toBe(true);
        const { rows } = await get().db.query<{ details: string }>(
          "SELECT details::text AS details FROM audit_log WHERE action LIKE 'identity.%'",
        );
        expect(rows.length).toBeGreaterThan(5);
        for (const r of rows) expect(r.details).not.toMatch(/[0-9]{17}[0-9X]/);
      });
    });
  },
  {
    setup: async (db) => {
      await seedIfEmpty(db, data);
      await seedAuthenticationIfEmpty(db, data);
      // A non-pensioner with a registry photo (a card applicant, as most are).
      const photo = await registryPhoto(db, personIdOf('pensioner'));
      if (!photo) throw new Error('no demo photo');
      for (const key of ['young-worker', 'long-term-card'])
        await putRegistryPhoto(db, {
          personId: personIdOf(key),
          jpeg: photo.jpeg,
          source: 'demoFixture',
          capturedOn: '2024-01-01',
        });
    },
  },
);
