import { randomUUID } from 'node:crypto';
import {
  AuthenticationRecord,
  AuthenticationStatus,
  canonicalJson,
  type FaceOutcome,
  FaceOutcomeResponse,
  maskIdNumber,
  Routes,
  StaffSession,
} from '@sik/contract';
import { DEMO_KIOSK_ID, DEMO_STAFF, demoCardHolders, generateSeedData, REFERENCE_DATE } from '@sik/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { seedAuthenticationIfEmpty } from '../db/seed-authentication.ts';
import { chinaDate } from '../integrations/china-time.ts';
import { runAuthenticationStatusJob } from '../jobs/authentication-status.ts';
import { createRootLogger } from '../log.ts';
import { verifyAuditChain } from '../repositories/audit.ts';
import { validUntilSql } from '../repositories/authentication.ts';
import { insertStaff } from '../repositories/staff.ts';
import type { RunningServer } from '../server.ts';
import {
  addMonths,
  authenticationStatus,
  daysBetween,
  FACE_CONSENT,
  validUntilOf,
} from '../services/authentication.ts';
import { hashStaffPassword, totpCode } from '../services/staff-auth.ts';
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
import { startTestServer, testConfig } from '../testing/harness.ts';
import { columnsHoldingImages } from '../testing/image-scan.ts';

// A smaller town than the demo's (every demo card holder is in it): seeding both databases stays quick.
const data = generateSeedData({ citizens: 300 });
const holders = demoCardHolders(data);
const personIdOf = demoHolderIds(data);
const holderIds = new Set(holders.map((h) => personIdOf(h.key)));
const idNumberOf = (personId: string) =>
  data.people.find((p) => p.personId === personId)?.identity.idNumber ?? '';
/** Pensioners who are no demo card holder, so have no registry photo. */
const others = (status: 'active' | 'suspended') =>
  data.pensions.filter((p) => p.status === status && !holderIds.has(p.personId)).map((p) => p.personId);

const P = {
  status: Routes.authenticationStatus.path,
  consent: Routes.authenticationConsent.path,
  photo: Routes.authenticationReferencePhoto.path,
  outcome: Routes.authenticationFaceOutcome.path,
  signIn: Routes.staffSignIn.path,
  assisted: Routes.authenticationAssisted.path,
  due: Routes.authenticationDueList.path,
};

/** 10:00 in China on the seed's reference date: the seeded pensions' statuses hold on this day. */
const T0 = Date.parse(`${REFERENCE_DATE}T02:00:00Z`);
const MINUTE = 60_000;
const config = testConfig().authentication;

let keySeq = 0;
const newKey = () => `auth-test-key-${String(++keySeq).padStart(4, '0')}-${Date.now()}`;

const TABLES = [
  'authentications',
  'face_attempts',
  'authentication_requests',
  'face_lockouts',
  'face_consents',
];
const counts = (db: Db) => rowCounts(db, TABLES);

describeEachDatabase(
  'qualification authentication',
  (get) => {
    let server: RunningServer;
    let clock = T0;
    const kiosk = testKiosk(DEMO_KIOSK_ID);
    const sameBank = testKiosk('KIOSK-0002');
    const boc = testKiosk('KIOSK-0007');
    type Kiosk = TestKiosk;

    const { call, outcomeOf, signed } = kioskCalls(
      () => server,
      () => clock,
      kiosk,
    );
    const consentFor = async (personId: string, at: Kiosk = kiosk, granted = true): Promise<string> => {
      const reply = await call(P.consent, { personId, version: FACE_CONSENT.version, granted }, at);
      expect(reply.status, JSON.stringify(reply.json)).toBe(200);
      return reply.json.data.consentId;
    };
    const sendOutcome = (outcome: FaceOutcome, key = newKey(), at: Kiosk = kiosk) =>
      call(P.outcome, { idempotencyKey: key, outcome, signature: signed(outcome, at) }, at);
    const statusOf = async (personId: string) =>
      AuthenticationStatus.parse((await call(P.status, { personId })).json.data);
    const pensionRow = (personId: string) => pensionRowOf(get().db, personId);
    const signIn = async (at: Kiosk = kiosk, change: Record<string, string> = {}) =>
      call(P.signIn, { ...demoStaffSignIn(clock), ...change }, at);
    /** A fresh staff session (each sign-in needs a TOTP step of its own: the clock moves on 30 s). */
    const staffToken = async (at: Kiosk = kiosk): Promise<string> => {
      clock += 30_000;
      const reply = await signIn(at);
      return staffTokenOf(reply);
    };

    beforeAll(async () => {
      clock = T0;
      server = await startWithKiosks(get().db, () => clock, [kiosk, sameBank, boc]);
    });
    afterAll(() => server.close());

    describe('status', () => {
      it('tells a pensioner when the authentication is due, with the consent text and the lockout allowance', async () => {
        const personId = personIdOf('pensioner');
        const seeded = data.pensions.find((p) => p.personId === personId);
        const status = await statusOf(personId);
        const validUntil = addMonths(chinaDate(new Date(seeded?.lastAuthenticatedAt ?? '')), 12);
        expect(status).toMatchObject({
          pensioner: true,
          pensionStatus: 'active',
          lastAuthenticatedAt: new Date(seeded?.lastAuthenticatedAt ?? '').toISOString(),
          validUntil,
          daysLeft: daysBetween(REFERENCE_DATE, validUntil),
          lockedUntil: null,
          mismatchesLeft: 3,
          referencePhoto: true,
          consent: { version: FACE_CONSENT.version },
        });
        expect(status.daysLeft).toBeGreaterThan(30);
        expect(status.consent.text).toMatch(/不会上传/);
      });

      it('answers a non-pensioner, an overdue pensioner and a pensioner without a registry photo', async () => {
        expect(await statusOf(personIdOf('new-resident'))).toMatchObject({
          pensioner: false,
          pensionStatus: null,
          validUntil: null,
          daysLeft: null,
          referencePhoto: false,
        });
        const overdue = await statusOf(personIdOf('pensioner-overdue'));
        expect(overdue).toMatchObject({ pensioner: true, pensionStatus: 'suspended', referencePhoto: true });
        expect(overdue.daysLeft).toBeLessThan(0);
        const due = await statusOf(personIdOf('pensioner-due'));
        expect(due.daysLeft).toBeGreaterThanOrEqual(0);
        expect(due.daysLeft).toBeLessThanOrEqual(30);
        expect((await statusOf(others('active')[0] ?? '')).referencePhoto).toBe(false);
        const unknown = await call(P.status, { personId: 'P99999999' });
        expect(unknown.status).toBe(404);
        expect(unknown.json.code).toBe('PERSON_NOT_FOUND');
      });

      it('takes the validity from config', async () => {
        const personId = personIdOf('pensioner');
        const deps = {
          db: get().db,
          now: () => clock,
          config: { authentication: { ...config, validityMonths: 6 }, signature: { maxSkewSec: 300 } },
        };
        const at = { kioskId: kiosk.kioskId, bankId: 'ICBC', bankName: '', branchName: '', services: [] };
        const status = await authenticationStatus(deps, at, personId);
        const seeded = data.pensions.find((p) => p.personId === personId);
        expect(status.validUntil).toBe(addMonths(chinaDate(new Date(seeded?.lastAuthenticatedAt ?? '')), 6));
      });
    });

    describe('consent and the reference photo', () => {
      it('hands out the registry photo only under a granted, unexpired consent of the same person at the same kiosk', async () => {
        const personId = personIdOf('pensioner');
        const noConsent = await call(P.photo, { personId, consentId: randomUUID() });
        expect(noConsent.status).toBe(422);
        expect(noConsent.json).toMatchObject({ code: 'NOT_ELIGIBLE', field: 'consentId' });

        const othersConsent = await consentFor(personIdOf('pensioner-due'));
        expect((await call(P.photo, { personId, consentId: othersConsent })).status).toBe(422);
        const otherKiosk = await consentFor(personId, sameBank);
        expect((await call(P.photo, { personId, consentId: otherKiosk })).status).toBe(422);
        const declined = await consentFor(personId, kiosk, false);
        expect((await call(P.photo, { personId, consentId: declined })).status).toBe(422);

        const consentId = await consentFor(personId);
        clock += (config.consentMinutes + 1) * MINUTE;
        expect((await call(P.photo, { personId, consentId })).status).toBe(422);

        const fresh = await consentFor(personId);
        const reply = await call(P.photo, { personId, consentId: fresh });
        expect(reply.status).toBe(200);
        expect(reply.json.data.source).toBe('registry');
        const jpeg = Buffer.from(reply.json.data.jpegBase64, 'base64');
        expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

        const { rows } = await get().db.query<{ result: string; details: Record<string, unknown> }>(
          "SELECT result, details FROM audit_log WHERE action = 'authentication.referencePhoto' ORDER BY id",
        );
        expect(rows.map((r) => r.result)).toEqual([
          'NOT_ELIGIBLE',
          'NOT_ELIGIBLE',
          'NOT_ELIGIBLE',
          'NOT_ELIGIBLE',
          'NOT_ELIGIBLE',
          'ok',
        ]);
        expect(rows.map((r) => r.details.reason)).toEqual([
          'unknownConsent',
          'otherPerson',
          'otherKiosk',
          'declined',
          'expired',
          undefined,
        ]);
        expect(JSON.stringify(rows)).not.toContain(idNumberOf(personId));
      });

      it('records a declined consent, refuses consent to non-pensioners and wrong text versions, and has no photo for some', async () => {
        const before = await counts(get().db);
        await consentFor(personIdOf('pensioner-due'), kiosk, false);
        expect((await counts(get().db)).face_consents).toBe((before.face_consents ?? 0) + 1);
        const young = await call(P.consent, {
          personId: personIdOf('new-resident'),
          version: FACE_CONSENT.version,
          granted: true,
        });
        expect(young.json).toMatchObject({ code: 'NOT_ELIGIBLE', field: 'pensioner' });
        const old = await call(P.consent, {
          personId: personIdOf('pensioner'),
          version: 'face-consent/2019',
          granted: true,
        });
        expect(old.json).toMatchObject({ code: 'INVALID_INPUT', field: 'version' });
        const noPhoto = others('active')[0] ?? '';
        const consentId = await consentFor(noPhoto);
        const reply = await call(P.photo, { personId: noPhoto, consentId });
        expect(reply.status).toBe(404);
        expect(reply.json.code).toBe('NOT_FOUND');
      });
    });

    describe('face outcome', () => {
      it('refuses an outcome not signed by the calling kiosk, and writes nothing but the audit entry', async () => {
        const personId = personIdOf('pensioner');
        const consentId = await consentFor(personId);
        const before = await counts(get().db);
        const outcome = outcomeOf(personId, consentId);
        const forged = await call(P.outcome, {
          idempotencyKey: newKey(),
          outcome,
          signature: signed(outcome, sameBank),
        });
        expect(forged.status).toBe(401);
        expect(forged.json.code).toBe('SIGNATURE_INVALID');
        // Signed, then changed: a mismatch dressed up as a match.
        const tampered = await call(P.outcome, {
          idempotencyKey: newKey(),
          outcome: { ...outcome, distance: 0.2 },
          signature: signed(outcome),
        });
        expect(tampered.json.code).toBe('SIGNATURE_INVALID');
        expect(await counts(get().db)).toEqual(before);
        expect((await pensionRow(personId))?.last_authenticated_at.toISOString()).toBe(
          new Date(
            data.pensions.find((p) => p.personId === personId)?.lastAuthenticatedAt ?? '',
          ).toISOString(),
        );
      });

      it('records a match: the authentication, the new validity, and resumes a suspended pension', async () => {
        const personId = personIdOf('pensioner-overdue');
        expect((await pensionRow(personId))?.status).toBe('suspended');
        const consentId = await consentFor(personId);
        const outcome = outcomeOf(personId, consentId);
        const key = newKey();
        const reply = await sendOutcome(outcome, key);
        expect(reply.status, JSON.stringify(reply.json)).toBe(200);
        const answer = FaceOutcomeResponse.parse(reply.json.data);
        const validUntil = validUntilOf(new Date(clock), 12);
        expect(answer).toMatchObject({
          authentication: { method: 'face', validUntil, pensionResumed: true, spotCheck: false },
          lockedUntil: null,
          mismatchesLeft: 3,
        });
        expect(await pensionRow(personId)).toEqual({
          status: 'active',
          last_authenticated_at: new Date(clock),
        });
        const { rows } = await get().db.query<Record<string, unknown>>(
          'SELECT method, kiosk_id, consent_id, distance, threshold, liveness_method, liveness_result, model_version, signed_outcome, signature, spot_check, valid_until FROM authentications WHERE person_id = $1',
          [personId],
        );
        expect(rows).toEqual([
          {
            method: 'face',
            kiosk_id: kiosk.kioskId,
            consent_id: consentId,
            distance: 0.38,
            threshold: 0.5,
            liveness_method: 'headTurn',
            liveness_result: 'live',
            model_version: outcome.modelVersion,
            signed_outcome: canonicalJson(outcome),
            signature: signed(outcome),
            spot_check: false,
            valid_until: validUntil,
          },
        ]);
        const status = await statusOf(personId);
        expect(status).toMatchObject({
          pensionStatus: 'active',
          validUntil,
          daysLeft: daysBetween(chinaDate(clock), validUntil),
        });

        // The same key and body: the stored answer, nothing written twice.
        const before = await counts(get().db);
        const again = await sendOutcome(outcome, key);
        expect(again.json.data).toEqual(reply.json.data);
        expect(await counts(get().db)).toEqual(before);
        // The same key with another body: CONFLICT.
        const other = await sendOutcome({ ...outcome, distance: 0.3 }, key);
        expect(other.status).toBe(409);
        expect(other.json).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
        expect(await counts(get().db)).toEqual(before);
      });

      it('refuses a match without a usable consent, and a "match" that is not live or not within the threshold', async () => {
        const personId = personIdOf('resident-pensioner');
        const foreign = await consentFor(personIdOf('pensioner'));
        expect((await sendOutcome(outcomeOf(personId, foreign))).json).toMatchObject({
          code: 'NOT_ELIGIBLE',
          field: 'consentId',
        });
        const consentId = await consentFor(personId);
        const notLive = await sendOutcome(
          outcomeOf(personId, consentId, { liveness: { method: 'binocular', result: 'notLive' } }),
        );
        expect(notLive.json.code).toBe('INVALID_INPUT');
        const far = await sendOutcome(outcomeOf(personId, consentId, { distance: 0.7 }));
        expect(far.json.code).toBe('INVALID_INPUT');
        // A kiosk that loosened its threshold past the bureau's maximum cannot record a match with it.
        const loose = await sendOutcome(outcomeOf(personId, consentId, { distance: 0.58, threshold: 0.6 }));
        expect(loose.json).toMatchObject({ code: 'INVALID_INPUT', field: 'outcome.threshold' });
        clock += (config.consentMinutes + 10) * MINUTE;
        expect((await sendOutcome(outcomeOf(personId, consentId))).json.code).toBe('NOT_ELIGIBLE');
      });

      it('locks the face check after repeated mismatches, records the lockout, and refuses a match while locked', async () => {
        const personId = personIdOf('pensioner-due');
        const consentId = await consentFor(personId);
        const mismatch = (change: Partial<FaceOutcome> = {}) =>
          sendOutcome(outcomeOf(personId, consentId, { decision: 'mismatch', distance: 0.66, ...change }));
        const first = FaceOutcomeResponse.parse((await mismatch()).json.data);
        expect(first).toEqual({ authentication: null, lockedUntil: null, mismatchesLeft: 2 });
        // No face does not count toward the lockout.
        const noFace = await sendOutcome(
          outcomeOf(personId, consentId, {
            decision: 'noFace',
            distance: null,
            framesUsed: 0,
            liveness: { method: 'headTurn', result: 'noFace' },
          }),
        );
        expect(noFace.json.data.mismatchesLeft).toBe(2);
        expect((await mismatch()).json.data.mismatchesLeft).toBe(1);
        const stillPhoto = await mismatch({
          decision: 'livenessFailed',
          distance: 0.3,
          liveness: { method: 'headTurn', result: 'notLive' },
        });
        const locked = FaceOutcomeResponse.parse(stillPhoto.json.data);
        const lockedUntil = new Date(clock + config.lockout.lockMinutes * MINUTE).toISOString();
        expect(locked).toEqual({ authentication: null, lockedUntil, mismatchesLeft: 0 });
        const { rows } = await get().db.query<Record<string, unknown>>(
          'SELECT kiosk_id, failures, locked_until, review_status FROM face_lockouts WHERE person_id = $1',
          [personId],
        );
        expect(rows).toEqual([
          {
            kiosk_id: kiosk.kioskId,
            failures: 3,
            locked_until: new Date(lockedUntil),
            review_status: 'pending',
          },
        ]);
        expect(await statusOf(personId)).toMatchObject({ lockedUntil, mismatchesLeft: 0 });

        const before = await pensionRow(personId);
        const refused = FaceOutcomeResponse.parse(
          (await sendOutcome(outcomeOf(personId, consentId))).json.data,
        );
        expect(refused).toEqual({ authentication: null, lockedUntil, mismatchesLeft: 0 });
        expect(await pensionRow(personId)).toEqual(before);
        expect((await call(P.photo, { personId, consentId })).json).toMatchObject({
          code: 'NOT_ELIGIBLE',
          field: 'lockedUntil',
        });
        const attempts = await get().db.query<{ decision: string; refused_locked: boolean }>(
          'SELECT decision, refused_locked FROM face_attempts WHERE person_id = $1 ORDER BY id',
          [personId],
        );
        expect(attempts.rows.map((r) => r.decision)).toEqual([
          'mismatch',
          'noFace',
          'mismatch',
          'livenessFailed',
          'match',
        ]);
        expect(attempts.rows.at(-1)?.refused_locked).toBe(true);

        // After the lockout the allowance starts again.
        clock += (config.lockout.lockMinutes + 1) * MINUTE;
        expect(await statusOf(personId)).toMatchObject({ lockedUntil: null, mismatchesLeft: 3 });
        const { rows: audit } = await get().db.query<{ result: string }>(
          "SELECT result FROM audit_log WHERE action = 'authentication.faceOutcome' AND details->>'personId' = $1 ORDER BY id",
          [personId],
        );
        expect(audit.map((r) => r.result)).toEqual([
          'notAuthenticated',
          'notAuthenticated',
          'notAuthenticated',
          'lockedOut',
          'LOCKED',
        ]);
        expect((await verifyAuditChain(get().db)).ok).toBe(true);
      });
    });

    describe('staff and the assisted path', () => {
      it('signs staff in with password and TOTP at their own bank only', async () => {
        const wrongPassword = await signIn(kiosk, { password: 'not-the-password' });
        expect(wrongPassword.status).toBe(401);
        expect(wrongPassword.json.code).toBe('UNAUTHORIZED');
        const code = totpCode(DEMO_STAFF.totpSecretBase32, clock);
        const wrongOtp = await signIn(kiosk, { otp: code === '000000' ? '111111' : '000000' });
        expect(wrongOtp.json.code).toBe('UNAUTHORIZED');
        const unknown = await signIn(kiosk, { staffNumber: '999999' });
        expect(unknown.json.code).toBe('UNAUTHORIZED');
        const otherBank = await signIn(boc);
        expect(otherBank.json).toMatchObject({ code: 'UNAUTHORIZED' });
        expect(otherBank.json.message).toMatch(/本网点所属银行/);

        const ok = await signIn(kiosk);
        expect(ok.status, JSON.stringify(ok.json)).toBe(200);
        const session = StaffSession.parse(ok.json.data);
        expect(session).toMatchObject({ staffName: DEMO_STAFF.name, role: 'bankStaff' });
        expect(Date.parse(session.expiresAt) - clock).toBe(config.staffSessionMinutes * MINUTE);
        // The same code again (replayed, or read over a shoulder): refused.
        expect((await signIn(kiosk)).json.code).toBe('UNAUTHORIZED');

        const { rows } = await get().db.query<{ token_hash: string }>(
          'SELECT token_hash FROM staff_sessions',
        );
        expect(rows.map((r) => r.token_hash)).not.toContain(session.staffToken);
        const audit = await get().db.query<{ details: unknown }>(
          "SELECT details FROM audit_log WHERE action = 'staff.signIn'",
        );
        const text = JSON.stringify(audit.rows);
        expect(text).not.toContain(DEMO_STAFF.password);
        expect(text).not.toContain(session.staffToken);
        const failures = await get().db.query<{ reason: string }>(
          'SELECT reason FROM staff_sign_in_failures ORDER BY id',
        );
        expect(failures.rows.map((r) => r.reason)).toEqual([
          'password',
          'otp',
          'unknownStaff',
          'otherBank',
          'otp',
        ]);
      });

      it('throttles repeated failures of one staff number', async () => {
        const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
        await insertStaff(get().db, {
          staffNumber: '100077',
          name: '赵测试',
          role: 'bankStaff',
          bankId: 'ICBC',
          passwordHash: await hashStaffPassword('right-password'),
          totpSecret: secret,
        });
        const attempt = (password: string) =>
          call(P.signIn, { staffNumber: '100077', password, otp: totpCode(secret, clock) });
        for (let i = 0; i < config.staffThrottle.maxFailures; i++) {
          expect((await attempt('wrong')).json.message).not.toMatch(/次数过多/);
        }
        const throttled = await attempt('right-password');
        expect(throttled.status).toBe(401);
        expect(throttled.json.message).toMatch(/次数过多/);
        clock += (config.staffThrottle.windowMinutes + 1) * MINUTE;
        expect((await attempt('right-password')).status).toBe(200);
      });

      it('records an assisted authentication with the staff member and reason, flagged for the spot check', async () => {
        const personId = others('suspended')[0] ?? '';
        expect((await pensionRow(personId))?.status).toBe('suspended');
        const token = await staffToken();
        const key = newKey();
        const body = { idempotencyKey: key, personId, staffToken: token, reason: 'noReferencePhoto' };
        const reply = await call(P.assisted, body);
        expect(reply.status, JSON.stringify(reply.json)).toBe(200);
        const record = AuthenticationRecord.parse(reply.json.data);
        expect(record).toMatchObject({
          method: 'assisted',
          spotCheck: true,
          pensionResumed: true,
          validUntil: validUntilOf(new Date(clock), 12),
        });
        expect((await pensionRow(personId))?.status).toBe('active');
        const { rows } = await get().db.query<Record<string, unknown>>(
          'SELECT method, staff_number, reason, spot_check, kiosk_id FROM authentications WHERE person_id = $1',
          [personId],
        );
        expect(rows).toEqual([
          {
            method: 'assisted',
            staff_number: DEMO_STAFF.staffNumber,
            reason: 'noReferencePhoto',
            spot_check: true,
            kiosk_id: kiosk.kioskId,
          },
        ]);
        expect((await call(P.assisted, body)).json.data).toEqual(reply.json.data);
        expect((await call(P.assisted, { ...body, reason: 'cannotUseCamera' })).json.code).toBe('CONFLICT');
        const audit = await get().db.query<{ actor: string; details: Record<string, unknown> }>(
          "SELECT actor, details FROM audit_log WHERE action = 'authentication.assisted' ORDER BY id DESC LIMIT 1",
        );
        expect(audit.rows[0]).toMatchObject({
          actor: `staff:${DEMO_STAFF.staffNumber}`,
          details: {
            staffNumber: DEMO_STAFF.staffNumber,
            reason: 'noReferencePhoto',
            idNumberMasked: maskIdNumber(idNumberOf(personId)),
          },
        });
      });

      it('refuses a staff token that is unknown, from another kiosk, or expired', async () => {
        const personId = others('active')[1] ?? '';
        const body = (staffToken: string) => ({
          idempotencyKey: newKey(),
          personId,
          staffToken,
          reason: 'cannotUseCamera',
        });
        expect((await call(P.assisted, body('x'.repeat(43)))).json).toMatchObject({
          code: 'UNAUTHORIZED',
          field: 'staffToken',
        });
        const elsewhere = await staffToken(sameBank);
        expect((await call(P.assisted, body(elsewhere))).json.code).toBe('UNAUTHORIZED');
        const token = await staffToken();
        clock += (config.staffSessionMinutes + 1) * MINUTE;
        expect((await call(P.assisted, body(token))).json.code).toBe('UNAUTHORIZED');
        expect((await call(P.due, { staffToken: token })).json.code).toBe('UNAUTHORIZED');
      });

      it('lists pensioners due within N days and the suspended ones, masked, for signed-in staff', async () => {
        const token = await staffToken();
        const reply = await call(P.due, { staffToken: token, withinDays: 30 });
        expect(reply.status, JSON.stringify(reply.json)).toBe(200);
        const { asOf, pensioners } = reply.json.data as {
          asOf: string;
          pensioners: {
            personId: string;
            maskedName: string;
            maskedIdNumber: string;
            validUntil: string;
            pensionStatus: string;
          }[];
        };
        expect(asOf).toBe(chinaDate(clock));
        const until = new Date(Date.parse(`${asOf}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
        for (const p of pensioners) {
          expect(p.pensionStatus === 'suspended' || p.validUntil <= until, p.personId).toBe(true);
          expect(p.maskedIdNumber).toBe(maskIdNumber(idNumberOf(p.personId)));
        }
        const ids = pensioners.map((p) => p.personId);
        // Suspended pensioners nobody has authenticated in this test are all listed.
        for (const id of others('suspended').slice(1)) expect(ids).toContain(id);
        // Just authenticated: not due.
        expect(ids).not.toContain(personIdOf('pensioner-overdue'));
        const text = JSON.stringify(reply.json);
        for (const id of ids) expect(text).not.toContain(idNumberOf(id));
      });
    });

    describe('the daily status job', () => {
      it('suspends pensions whose authentication lapsed and resumes authenticated ones, idempotently and audited', async () => {
        const db = get().db;
        const job = (now: number) =>
          runAuthenticationStatusJob({
            db,
            config: { authentication: config },
            log: createRootLogger('silent'),
            now: () => now,
          });
        // Nothing to do on the seed's own day: its statuses follow the same rule.
        expect(await job(T0)).toMatchObject({ suspended: [], resumed: [] });

        const due = data.pensions.find((p) => p.personId === personIdOf('pensioner'));
        const lapsesOn = addMonths(chinaDate(new Date(due?.lastAuthenticatedAt ?? '')), 12);
        const after = Date.parse(`${lapsesOn}T02:00:00Z`) + 86_400_000;
        const first = await job(after);
        expect(first.suspended).toContain(personIdOf('pensioner'));
        expect(first.suspended).not.toContain(personIdOf('pensioner-overdue'));
        expect((await pensionRow(personIdOf('pensioner')))?.status).toBe('suspended');
        expect(await job(after)).toMatchObject({ suspended: [], resumed: [] });

        // The bureau corrects a record: the next run resumes payment.
        const fixed = personIdOf('pensioner');
        await db.query('UPDATE pensions SET last_authenticated_at = $2 WHERE person_id = $1', [
          fixed,
          new Date(after).toISOString(),
        ]);
        expect((await job(after)).resumed).toEqual([fixed]);
        const { rows } = await db.query<{ details: Record<string, unknown> }>(
          "SELECT details FROM audit_log WHERE action = 'authentication.statusJob' ORDER BY id",
        );
        expect(rows.map((r) => [r.details.suspended, r.details.resumed])).toEqual([
          [first.suspended.length, 0],
          [0, 1],
        ]);

        // Wired into the server: a server started after the overdue pensioner's new validity suspends at start.
        const overdue = personIdOf('pensioner-overdue');
        const authenticated = await pensionRow(overdue);
        const lapsed = addMonths(chinaDate(authenticated?.last_authenticated_at ?? new Date()), 12);
        const later = await startTestServer(db, {
          now: () => Date.parse(`${lapsed}T02:00:00Z`) + 86_400_000,
        });
        try {
          expect((await pensionRow(overdue))?.status).toBe('suspended');
        } finally {
          await later.close();
        }
      });
    });

    describe('the last valid day', () => {
      it('is the same in SQL (the job, the due list) as in the service (status, records)', async () => {
        const instants = [
          '2024-02-29T03:00:00Z',
          '2025-02-28T16:30:00Z',
          '2026-01-31T10:00:00Z',
          '2026-08-31T15:59:59Z',
          '2026-12-31T17:00:00Z',
        ];
        for (const months of [1, 6, 12]) {
          for (const at of instants) {
            const { rows } = await get().db.query<{ d: string }>(
              `SELECT ${validUntilSql('$1::timestamptz', '$2')} AS d`,
              [at, months],
            );
            expect(rows[0]?.d, `${at} + ${months}`).toBe(validUntilOf(new Date(at), months));
          }
        }
        expect(validUntilOf(new Date('2024-02-29T03:00:00Z'), 12)).toBe('2025-02-28');
        expect(validUntilOf(new Date('2026-12-31T17:00:00Z'), 1)).toBe('2027-02-01');
      });
    });

    describe('privacy', () => {
      it('keeps image bytes in the photo registry only', async () => {
        expect(await columnsHoldingImages(get().db)).toEqual([]);
        // The scan finds what it looks for.
        expect(await columnsHoldingImages(get().db, [])).toEqual(['photo_registry.jpeg']);
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
