import {
  CaseProgressResponse,
  EnrollmentPrefillResponse,
  EnrollmentSubmitResponse,
  Routes,
} from '@sik/contract';
import {
  DEMO_KIOSK_ID,
  demoCardHolders,
  generateSeedData,
  isFullTimeStudentOn,
  REFERENCE_DATE,
} from '@sik/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { chinaDate } from '../integrations/china-time.ts';
import { countAuditEntries, verifyAuditChain } from '../repositories/audit.ts';
import type { RunningServer } from '../server.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { type KioskKeys, newKioskKeys, provision, signedCall, startTestServer } from '../testing/harness.ts';

// A smaller town than the demo's (every demo card holder is in it): seeding both databases stays quick.
const data = generateSeedData({ citizens: 300 });
const holders = demoCardHolders(data);
const personIdOf = (key: string): string => {
  const holder = holders.find((h) => h.key === key);
  const person = data.people.find((p) => p.identity.idNumber === holder?.identity.idNumber);
  if (!person) throw new Error(`no demo card holder ${key}`);
  return person.personId;
};

/** Residents aged 25-55 with no pension insurance and not studying: eligible, other than the demo holder. */
const eligible = data.people
  .filter((p) => {
    const age = Number(REFERENCE_DATE.slice(0, 4)) - Number(p.identity.birthDate.slice(0, 4));
    return (
      p.identity.cardType === 'resident' &&
      age >= 26 &&
      age <= 54 &&
      !data.insurances.some((i) => i.personId === p.personId && i.type === 'pension') &&
      !data.studentEnrollments.some(
        (e) => e.personId === p.personId && isFullTimeStudentOn(e, REFERENCE_DATE),
      )
    );
  })
  .map((p) => p.personId)
  .filter((id) => id !== personIdOf('new-resident'));

const PREFILL = Routes.enrollmentPrefill.path;
const SUBMIT = Routes.enrollmentSubmit.path;
const caseProgressPath = (caseNumber: string, personId: string) =>
  `${Routes.caseProgress.path.replace('{caseNumber}', caseNumber)}?personId=${personId}`;

let keySeq = 0;
const newKey = () => `enroll-test-key-${String(++keySeq).padStart(4, '0')}-${Date.now()}`;

const TABLES = ['cases', 'case_events', 'enrollments', 'commitments', 'insurances', 'case_counters'];
async function counts(db: Db): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    result[table] = rows[0]?.n ?? -1;
  }
  return result;
}

const body = (personId: string, extra: Record<string, unknown> = {}) => ({
  personId,
  gradeYuan: 500,
  phone: '13800138000',
  householdType: 'urban',
  residenceProof: 'provided',
  idempotencyKey: newKey(),
  ...extra,
});

describeEachDatabase(
  'enrollment',
  (get) => {
    let server: RunningServer;
    const kiosk = { kioskId: DEMO_KIOSK_ID } as { kioskId: string } & KioskKeys;
    const boc = { kioskId: 'KIOSK-0007' } as { kioskId: string } & KioskKeys;

    beforeAll(async () => {
      server = await startTestServer(get().db);
      for (const k of [kiosk, boc]) {
        Object.assign(k, newKioskKeys());
        expect((await provision(server, k.kioskId, k.publicKeyPem)).status).toBe(200);
      }
    });
    afterAll(() => server.close());

    describe('prefill', () => {
      it('finds the new resident eligible, with the form filled from the ID card and the configured grades', async () => {
        const personId = personIdOf('new-resident');
        const reply = await signedCall(server, kiosk, 'GET', `${PREFILL}?personId=${personId}`);
        expect(reply.status).toBe(200);
        const prefill = EnrollmentPrefillResponse.parse(reply.json.data);
        const identity = holders.find((h) => h.key === 'new-resident')?.identity;
        expect(prefill).toMatchObject({ eligible: true, failedRules: [] });
        expect(prefill.form).toMatchObject({
          address: identity?.address,
          phone: null,
          gradesYuan: [200, 300, 500, 1000, 2000, 3000, 5000],
          minAge: 16,
        });
        expect(prefill.form.maskedName).not.toBe(identity?.name);
        expect(prefill.commitment.version).toMatch(/^residence-proof-commitment\//);
        expect(prefill.commitment.text).toMatch(/承诺/);
      });

      it('names in plain Chinese each rule a person fails', async () => {
        const cases: [string, string, RegExp][] = [
          ['student', 'notFullTimeStudent', /全日制在校学生/],
          ['young-worker', 'notInEmployeeScheme', /城镇职工/],
          ['resident-insured', 'notAlreadyEnrolled', /已参加城乡居民养老保险/],
        ];
        for (const [key, rule, words] of cases) {
          const reply = await signedCall(server, kiosk, 'GET', `${PREFILL}?personId=${personIdOf(key)}`);
          const prefill = EnrollmentPrefillResponse.parse(reply.json.data);
          expect(prefill.eligible, key).toBe(false);
          expect(
            prefill.failedRules.map((f) => f.rule),
            key,
          ).toContain(rule);
          expect(prefill.failedRules.find((f) => f.rule === rule)?.message).toMatch(words);
        }
      });

      it('takes the minimum age from config, and lists every failed rule at once', async () => {
        const strict = await startTestServer(get().db, { config: { residentPension: { minAge: 30 } } });
        try {
          // The student (16-22) is both too young for 30 and a full-time student.
          const reply = await signedCall(
            strict,
            kiosk,
            'GET',
            `${PREFILL}?personId=${personIdOf('student')}`,
          );
          const prefill = EnrollmentPrefillResponse.parse(reply.json.data);
          expect(prefill.failedRules.map((f) => f.rule)).toEqual(['minAge', 'notFullTimeStudent']);
          expect(prefill.failedRules[0]?.message).toBe('未满30周岁，暂不能参加城乡居民养老保险');
          const before = await counts(get().db);
          const refused = await signedCall(strict, kiosk, 'POST', SUBMIT, {
            body: body(personIdOf('student')),
          });
          expect(refused.status).toBe(422);
          expect(refused.json.message).toMatch(/未满30周岁.*全日制在校学生/);
          expect(await counts(get().db)).toEqual(before);
        } finally {
          await strict.close();
        }
      });
    });

    describe('submit', () => {
      it('approves a commitment-based enrollment at once, flags it for a spot check, and shows its progress', async () => {
        const { db } = get();
        const personId = personIdOf('new-resident');
        const audit = await countAuditEntries(db);
        const request = body(personId, {
          residenceProof: 'commitment',
          commitmentSigned: true,
          householdType: 'rural',
          gradeYuan: 300,
        });
        const reply = await signedCall(server, kiosk, 'POST', SUBMIT, { body: request });
        expect(reply.status).toBe(200);
        const result = EnrollmentSubmitResponse.parse(reply.json.data);
        const today = chinaDate(Date.now());
        expect(result.caseNumber).toMatch(new RegExp(`^RS${today.replaceAll('-', '')}\\d{6}$`));
        expect(result).toMatchObject({
          status: 'approved',
          spotCheck: true,
          gradeYuan: 300,
          insurance: { type: 'pension', scheme: 'resident', status: 'active', since: today },
        });
        expect(result.events.map((e) => e.kind)).toEqual([
          'received',
          'accepted',
          'approved',
          'flaggedForSpotCheck',
        ]);
        expect(result.events[2]?.note).toMatch(/秒批/);

        const insurance = await db.query(
          'SELECT scheme, status, since FROM insurances WHERE person_id = $1 AND type = $2',
          [personId, 'pension'],
        );
        expect(insurance.rows).toEqual([{ scheme: 'resident', status: 'active', since: today }]);
        const commitment = await db.query<{ text_version: string; check_due: string; check_status: string }>(
          'SELECT text_version, check_due, check_status FROM commitments WHERE case_number = $1',
          [result.caseNumber],
        );
        expect(commitment.rows).toEqual([
          {
            text_version: result.commitment?.version,
            check_due: result.commitment?.checkDue,
            check_status: 'pending',
          },
        ]);
        expect((result.commitment?.checkDue ?? '') > today).toBe(true);
        const enrollment = await db.query(
          'SELECT grade_cents, household_type, phone FROM enrollments WHERE case_number = $1',
          [result.caseNumber],
        );
        expect(enrollment.rows).toEqual([
          { grade_cents: 30000, household_type: 'rural', phone: '13800138000' },
        ]);
        expect(await countAuditEntries(db)).toBe(audit + 1);

        const progress = await signedCall(
          server,
          kiosk,
          'GET',
          caseProgressPath(result.caseNumber, personId),
        );
        expect(progress.status).toBe(200);
        const view = CaseProgressResponse.parse(progress.json.data);
        expect(view).toMatchObject({ caseNumber: result.caseNumber, status: 'approved', spotCheck: true });
        expect(view.events).toEqual(result.events);
        // Another person's view of the case, or a number that does not exist: the same 404.
        const other = await signedCall(
          server,
          kiosk,
          'GET',
          caseProgressPath(result.caseNumber, personIdOf('student')),
        );
        expect(other.status).toBe(404);
        const none = await signedCall(server, kiosk, 'GET', caseProgressPath('RS20260101999999', personId));
        expect(none.status).toBe(404);
        const bad = await signedCall(server, kiosk, 'GET', caseProgressPath('nonsense', personId));
        expect(bad.json).toMatchObject({ code: 'INVALID_INPUT', field: 'caseNumber' });

        // Now enrolled: the prefill says so, and the phone given is prefilled.
        const prefill = EnrollmentPrefillResponse.parse(
          (await signedCall(server, kiosk, 'GET', `${PREFILL}?personId=${personId}`)).json.data,
        );
        expect(prefill.failedRules.map((f) => f.rule)).toEqual(['notAlreadyEnrolled']);
        expect(prefill.form.phone).toBe('13800138000');
      });

      it('answers the same key and body with the same answer, another body CONFLICT, another key NOT_ELIGIBLE', async () => {
        const { db } = get();
        const personId = eligible[0] ?? '';
        const request = body(personId);
        const first = await signedCall(server, kiosk, 'POST', SUBMIT, { body: request });
        expect(first.status).toBe(200);
        expect(first.json.data.spotCheck).toBe(false);
        expect(first.json.data.events.map((e: { kind: string }) => e.kind)).toEqual([
          'received',
          'accepted',
          'approved',
        ]);
        const before = await counts(db);
        const again = await signedCall(server, kiosk, 'POST', SUBMIT, { body: request });
        expect(again.status).toBe(200);
        expect(again.json.data).toEqual(first.json.data);
        const changed = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: { ...request, gradeYuan: 1000 },
        });
        expect(changed.status).toBe(409);
        expect(changed.json).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
        const twice = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: { ...request, idempotencyKey: newKey() },
        });
        expect(twice.status).toBe(422);
        expect(twice.json).toMatchObject({ code: 'NOT_ELIGIBLE', field: 'notAlreadyEnrolled' });
        expect(await counts(db)).toEqual(before);
      });

      it('enrolls once when the same submission arrives twice at once', async () => {
        const { db } = get();
        const personId = eligible[1] ?? '';
        const request = body(personId);
        const replies = await Promise.all([
          signedCall(server, kiosk, 'POST', SUBMIT, { body: request }),
          signedCall(server, kiosk, 'POST', SUBMIT, { body: request }),
        ]);
        expect(replies.map((r) => r.status)).toEqual([200, 200]);
        expect(replies[0]?.json.data.caseNumber).toBe(replies[1]?.json.data.caseNumber);
        const { rows } = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM cases WHERE person_id = $1',
          [personId],
        );
        expect(rows[0]?.n).toBe(1);
      });

      it('refuses a full-time student 422 naming the rule, and writes nothing but the audit entry', async () => {
        const { db } = get();
        const before = await counts(db);
        const audit = await countAuditEntries(db);
        const reply = await signedCall(server, kiosk, 'POST', SUBMIT, { body: body(personIdOf('student')) });
        expect(reply.status).toBe(422);
        expect(reply.json).toMatchObject({ ok: false, code: 'NOT_ELIGIBLE', field: 'notFullTimeStudent' });
        expect(reply.json.message).toMatch(/全日制在校学生/);
        expect(await counts(db)).toEqual(before);
        expect(await countAuditEntries(db)).toBe(audit + 1);
      });

      it('refuses invalid fields 400 naming each, before anything is written', async () => {
        const { db } = get();
        const personId = eligible[2] ?? '';
        const before = await counts(db);
        const audit = await countAuditEntries(db);
        const problems: [Record<string, unknown>, string][] = [
          [{ phone: '1234' }, 'phone'],
          [{ gradeYuan: 250 }, 'gradeYuan'],
          [{ householdType: 'city' }, 'householdType'],
          [{ residenceProof: 'commitment' }, 'commitmentSigned'],
          [{ idempotencyKey: 'short' }, 'idempotencyKey'],
          [{ personId: 'X1' }, 'personId'],
        ];
        for (const [change, field] of problems) {
          const reply = await signedCall(server, kiosk, 'POST', SUBMIT, { body: body(personId, change) });
          expect(reply.status, field).toBe(400);
          expect(reply.json, field).toMatchObject({ code: 'INVALID_INPUT', field });
        }
        const unknown = await signedCall(server, kiosk, 'POST', SUBMIT, { body: body('P99999999') });
        expect(unknown.status).toBe(404);
        expect(await counts(db)).toEqual(before);
        expect(await countAuditEntries(db)).toBe(audit);
      });

      it('refuses 403 at a bank not authorised for enrollment', async () => {
        const reply = await signedCall(server, boc, 'POST', SUBMIT, { body: body(eligible[2] ?? '') });
        expect(reply.status).toBe(403);
        expect(reply.json.code).toBe('SERVICE_NOT_AUTHORISED');
        expect((await verifyAuditChain(get().db)).ok).toBe(true);
      });
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, data)) },
);
