import { BundleDefinitionResponse, BundleSubmitResponse, Routes } from '@sik/contract';
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
import { LedgerSnapshot } from '../integrations/bank-host/protocol.ts';
import { initialBalanceFen } from '../integrations/bank-host/simulator.ts';
import { chinaDate } from '../integrations/china-time.ts';
import { demoPinBlock, type SimulatorProcess, startSimulatorProcess } from '../integrations/testing.ts';
import { countAuditEntries, verifyAuditChain } from '../repositories/audit.ts';
import type { RunningServer } from '../server.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { type KioskKeys, newKioskKeys, provision, signedCall, startTestServer } from '../testing/harness.ts';

/**
 * The bundle engine through the signed routes of a real server, on both databases, with the real payment service
 * talking to the bank host simulator running as its own process (its own ledger, real HTTP).
 */

// A smaller town than the demo's (every demo card holder is in it); the simulator is given the same size.
const CITIZENS = 300;
const data = generateSeedData({ citizens: CITIZENS });
const holders = demoCardHolders(data);
const personIdOf = (key: string): string => {
  const holder = holders.find((h) => h.key === key);
  const person = data.people.find((p) => p.identity.idNumber === holder?.identity.idNumber);
  if (!person) throw new Error(`no demo card holder ${key}`);
  return person.personId;
};
const accountOf = (personId: string) => data.bankAccounts.find((a) => a.personId === personId);

/** Residents who may enroll: 25-55, no pension insurance, not studying full-time. */
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
  .map((p) => p.personId);
/** With a linked account holding at least 10,000 CNY in the simulator's ledger. */
const wellOff = eligible.filter((id) => {
  const account = accountOf(id);
  return account !== undefined && initialBalanceFen(account.accountId) >= 1_000_000;
});
const withoutAccount = eligible.filter((id) => accountOf(id) === undefined);

const DEFINITION = Routes.bundleDefinition.path;
const SUBMIT = Routes.bundleSubmit.path;
let keySeq = 0;
const newKey = () => `bundle-test-${String(++keySeq).padStart(4, '0')}-${Date.now()}`;

const TABLES = [
  'cases',
  'case_events',
  'case_counters',
  'enrollments',
  'commitments',
  'insurances',
  'contributions',
  'card_applications',
  'bundle_submissions',
];
async function counts(db: Db): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    result[table] = rows[0]?.n ?? -1;
  }
  return result;
}

const fields = (extra: Record<string, unknown> = {}) => ({
  phone: '13912345678',
  gradeYuan: 300,
  householdType: 'urban',
  residenceProof: 'provided',
  ...extra,
});
const submission = (personId: string, extra: Record<string, unknown> = {}) => ({
  bundleId: 'newResident',
  personId,
  idempotencyKey: newKey(),
  fields: fields(),
  payment: {
    kind: 'bankAccount',
    pinBlockHex: demoPinBlock(accountOf(personId)?.accountNumber ?? '6212260000000000000'),
  },
  ...extra,
});

describeEachDatabase(
  'bundle engine',
  (get) => {
    let server: RunningServer;
    let bank: SimulatorProcess | undefined;
    let gateway: SimulatorProcess | undefined;
    const kiosk = { kioskId: DEMO_KIOSK_ID } as { kioskId: string } & KioskKeys;
    // A kiosk of the rural commercial bank: authorised for enrollment and payment, not for the card.
    const cdrcbBranches = new Set(data.branches.filter((b) => b.bankId === 'CDRCB').map((b) => b.branchId));
    const cdrcb = {
      kioskId: data.kiosks.find((k) => k.enabled && cdrcbBranches.has(k.branchId))?.kioskId ?? '',
    } as { kioskId: string } & KioskKeys;

    const ledger = async (): Promise<LedgerSnapshot> =>
      LedgerSnapshot.parse(await (await fetch(new URL('/control/ledger', bank?.url))).json());

    beforeAll(async () => {
      const [bankHost, qrGateway] = await Promise.all([
        startSimulatorProcess('bankHost', ['--citizens', String(CITIZENS)]),
        startSimulatorProcess('gateway'),
      ]);
      bank = bankHost;
      gateway = qrGateway;
      server = await startTestServer(get().db, {
        config: { payments: { bankHostUrl: bankHost.url, gatewayUrl: qrGateway.url, timeoutMs: 3000 } },
      });
      for (const k of [kiosk, cdrcb]) {
        Object.assign(k, newKioskKeys());
        expect((await provision(server, k.kioskId, k.publicKeyPem)).status).toBe(200);
      }
    });
    afterAll(async () => {
      await server?.close();
      await bank?.stop();
      await gateway?.stop();
    });

    describe('definition', () => {
      it("gives one form, the union of the items' fields without repeats, prefilled, with each item eligible", async () => {
        const personId = personIdOf('new-resident');
        const reply = await signedCall(
          server,
          kiosk,
          'GET',
          `${DEFINITION}?bundleId=newResident&personId=${personId}`,
        );
        expect(reply.status).toBe(200);
        const definition = BundleDefinitionResponse.parse(reply.json.data);
        expect(definition.eligible).toBe(true);
        expect(definition.items.map((i) => [i.item, i.eligible])).toEqual([
          ['enrollment', true],
          ['contribution', true],
          ['cardApplication', true],
        ]);
        const ids = definition.fields.map((f) => f.id);
        expect(ids).toEqual([
          'personId',
          'phone',
          'gradeYuan',
          'householdType',
          'residenceProof',
          'commitmentSigned',
        ]);
        expect(new Set(ids).size).toBe(ids.length);
        expect(definition.fields.find((f) => f.id === 'phone')?.items).toEqual([
          'enrollment',
          'cardApplication',
        ]);
        expect(definition.fields.find((f) => f.id === 'gradeYuan')?.options?.map((o) => o.value)).toEqual([
          '200',
          '300',
          '500',
          '1000',
          '2000',
          '3000',
          '5000',
        ]);
        expect(definition.prefill).toMatchObject({ personId });
        const account = accountOf(personId)?.accountNumber ?? '';
        expect(definition.payment.methods).toEqual(['bankAccount', 'qr']);
        expect(definition.payment.linkedAccount?.maskedAccount).toBe(
          `${account.slice(0, 4)}${'*'.repeat(account.length - 8)}${account.slice(-4)}`,
        );
        expect(JSON.stringify(reply.json)).not.toContain(account);
      });

      it('names the failed rules of the item a person may not do', async () => {
        const reply = await signedCall(
          server,
          kiosk,
          'GET',
          `${DEFINITION}?bundleId=newResident&personId=${personIdOf('student')}`,
        );
        const definition = BundleDefinitionResponse.parse(reply.json.data);
        expect(definition.eligible).toBe(false);
        const enrollment = definition.items.find((i) => i.item === 'enrollment');
        expect(enrollment?.failedRules.map((r) => r.rule)).toEqual(['notFullTimeStudent']);
        expect(definition.items.find((i) => i.item === 'cardApplication')?.eligible).toBe(true);
      });

      it("refuses 403 at a bank not authorised for every item's service, naming the missing one", async () => {
        const personId = personIdOf('new-resident');
        const definition = await signedCall(
          server,
          cdrcb,
          'GET',
          `${DEFINITION}?bundleId=newResident&personId=${personId}`,
        );
        expect(definition.status).toBe(403);
        expect(definition.json).toMatchObject({ code: 'SERVICE_NOT_AUTHORISED' });
        expect(definition.json.message).toContain('socialSecurityCard');
        const before = await counts(get().db);
        const submit = await signedCall(server, cdrcb, 'POST', SUBMIT, { body: submission(personId) });
        expect(submit.status).toBe(403);
        expect(await counts(get().db)).toEqual(before);
      });
    });

    describe('refusals write nothing', () => {
      it('answers 400 naming the field for each invalid value, and writes no row', async () => {
        const { db } = get();
        const personId = wellOff[0] ?? '';
        const before = await counts(db);
        const audit = await countAuditEntries(db);
        const problems: [Record<string, unknown>, string][] = [
          [{ fields: fields({ phone: '0281234567' }) }, 'fields.phone'],
          [{ fields: fields({ gradeYuan: 250 }) }, 'fields.gradeYuan'],
          [{ fields: fields({ gradeYuan: '300' }) }, 'fields.gradeYuan'],
          [{ fields: fields({ householdType: undefined }) }, 'fields.householdType'],
          [{ fields: fields({ householdType: 'city' }) }, 'fields.householdType'],
          [{ fields: fields({ residenceProof: 'commitment' }) }, 'fields.commitmentSigned'],
          [
            { fields: fields({ residenceProof: 'commitment', commitmentSigned: false }) },
            'fields.commitmentSigned',
          ],
          [{ fields: fields({ nickname: '小王' }) }, 'fields.nickname'],
          [{ fields: fields({ personId: 'P00000001' }) }, 'fields.personId'],
          [{ payment: { kind: 'bankAccount', pinBlockHex: '1234' } }, 'payment.pinBlockHex'],
          [{ bundleId: 'noSuchBundle' }, 'bundleId'],
          [{ idempotencyKey: 'x' }, 'idempotencyKey'],
        ];
        for (const [change, field] of problems) {
          const reply = await signedCall(server, kiosk, 'POST', SUBMIT, {
            body: submission(personId, change),
          });
          expect(reply.status, field).toBe(400);
          expect(reply.json, field).toMatchObject({ ok: false, code: 'INVALID_INPUT', field });
        }
        expect(await counts(db)).toEqual(before);
        expect(await countAuditEntries(db)).toBe(audit);
      });

      it('answers 422 naming the rule for an ineligible person, and writes nothing but the audit entry', async () => {
        const { db } = get();
        const before = await counts(db);
        const audit = await countAuditEntries(db);
        const student = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: submission(personIdOf('student')),
        });
        expect(student.status).toBe(422);
        expect(student.json).toMatchObject({ ok: false, code: 'NOT_ELIGIBLE', field: 'notFullTimeStudent' });
        expect(student.json.message).toMatch(/参保登记：全日制在校学生/);
        const worker = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: submission(personIdOf('young-worker')),
        });
        expect(worker.json).toMatchObject({ code: 'NOT_ELIGIBLE', field: 'notInEmployeeScheme' });
        expect(await counts(db)).toEqual(before);
        expect(await countAuditEntries(db)).toBe(audit + 2);
      });

      it('refuses paying from a bank account a person does not have, before anything is written', async () => {
        const personId = withoutAccount[0];
        expect(personId, 'an eligible person without a linked account').toBeDefined();
        const before = await counts(get().db);
        const reply = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: submission(personId ?? '', { payment: { kind: 'bankAccount', pinBlockHex: '0'.repeat(32) } }),
        });
        expect(reply.status).toBe(422);
        expect(reply.json).toMatchObject({ code: 'NOT_ELIGIBLE', field: 'linkedAccount' });
        expect(reply.json.message).toMatch(/扫码/);
        expect(await counts(get().db)).toEqual(before);
      });
    });

    describe('one submission, every item answered', () => {
      it('enrolls, pays the first year from the linked account and queues the card, answered once', async () => {
        const { db } = get();
        const personId = wellOff[0] ?? '';
        const account = accountOf(personId)?.accountNumber ?? '';
        const request = submission(personId, {
          fields: fields({ residenceProof: 'commitment', commitmentSigned: true, gradeYuan: 500 }),
        });
        const reply = await signedCall(server, kiosk, 'POST', SUBMIT, { body: request });
        expect(reply.status).toBe(200);
        const answer = BundleSubmitResponse.parse(reply.json.data);
        const day = chinaDate(Date.now()).replaceAll('-', '');
        expect(answer.items.map((i) => [i.item, i.status])).toEqual([
          ['enrollment', 'done'],
          ['contribution', 'done'],
          ['cardApplication', 'queued'],
        ]);
        const [enrollment, contribution, card] = answer.items;
        expect(enrollment?.reference).toMatch(new RegExp(`^RS${day}\\d{6}$`));
        expect(enrollment?.message).toMatch(/告知承诺/);
        expect(contribution?.message).toMatch(/已缴纳\d{4}年度城乡居民养老保险费500元/);
        expect(card?.reference).toMatch(new RegExp(`^CA${day}\\d{6}$`));
        expect(answer.submissionId).toMatch(new RegExp(`^BS${day}\\d{6}$`));

        const year = Number(chinaDate(Date.now()).slice(0, 4));
        const paid = await db.query(
          'SELECT amount_cents FROM contributions WHERE person_id = $1 AND type = $2 AND year = $3',
          [personId, 'pension', year],
        );
        expect(paid.rows).toEqual([{ amount_cents: 50_000 }]);
        const insurance = await db.query(
          'SELECT scheme, status FROM insurances WHERE person_id = $1 AND type = $2',
          [personId, 'pension'],
        );
        expect(insurance.rows).toEqual([{ scheme: 'resident', status: 'active' }]);
        const cards = await db.query(
          'SELECT kind, status, source FROM card_applications WHERE person_id = $1',
          [personId],
        );
        expect(cards.rows).toEqual([{ kind: 'first', status: 'queued', source: 'bundle' }]);
        const debits = (await ledger()).debits.filter((d) => d.accountNumber === account);
        expect(debits.map((d) => [d.amountFen, d.status])).toEqual([[50_000, 'approved']]);

        // The same submission again: the stored answer, nothing new anywhere, no second debit.
        const before = await counts(db);
        const again = await signedCall(server, kiosk, 'POST', SUBMIT, { body: request });
        expect(again.status).toBe(200);
        expect(again.json.data).toEqual(reply.json.data);
        expect(await counts(db)).toEqual(before);
        expect((await ledger()).debits.filter((d) => d.accountNumber === account)).toHaveLength(1);
        // The same key with another body: CONFLICT.
        const other = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: { ...request, fields: fields({ gradeYuan: 1000 }) },
        });
        expect(other.status).toBe(409);
        expect(other.json).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
        // Done once: the bundle is no longer open to this person.
        const definition = BundleDefinitionResponse.parse(
          (await signedCall(server, kiosk, 'GET', `${DEFINITION}?bundleId=newResident&personId=${personId}`))
            .json.data,
        );
        expect(definition.items.map((i) => i.failedRules.map((r) => r.rule))).toEqual([
          ['notAlreadyEnrolled'],
          ['notAlreadyPaid'],
          ['noOpenCardApplication'],
        ]);
      });

      it('finishes a submission interrupted after its transaction, and does not pay twice', async () => {
        const { db } = get();
        const personId = wellOff[2] ?? '';
        const account = accountOf(personId)?.accountNumber ?? '';
        const request = submission(personId);
        const first = BundleSubmitResponse.parse(
          (await signedCall(server, kiosk, 'POST', SUBMIT, { body: request })).json.data,
        );
        expect(first.items.map((i) => i.status)).toEqual(['done', 'done', 'queued']);
        // As if the server had stopped after the commit, before the answer was stored.
        await db.query(
          "UPDATE bundle_submissions SET status = 'processing', response = NULL, answered_at = NULL WHERE submission_id = $1",
          [first.submissionId],
        );
        const before = await counts(db);
        const resumed = await signedCall(server, kiosk, 'POST', SUBMIT, { body: request });
        expect(resumed.status).toBe(200);
        expect(resumed.json.data.items).toEqual(first.items);
        expect(await counts(db)).toEqual(before);
        expect((await ledger()).debits.filter((d) => d.accountNumber === account)).toHaveLength(1);
        const stored = await db.query<{ status: string }>(
          'SELECT status FROM bundle_submissions WHERE submission_id = $1',
          [first.submissionId],
        );
        expect(stored.rows).toEqual([{ status: 'answered' }]);
      });

      it('answers the contribution as awaiting payment with the QR to scan when the citizen pays by QR', async () => {
        const personId = withoutAccount[0] ?? '';
        const reply = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: submission(personId, { payment: { kind: 'qr' } }),
        });
        expect(reply.status).toBe(200);
        const answer = BundleSubmitResponse.parse(reply.json.data);
        expect(answer.items.map((i) => [i.item, i.status])).toEqual([
          ['enrollment', 'done'],
          ['contribution', 'awaitingPayment'],
          ['cardApplication', 'queued'],
        ]);
        const qr = answer.items[1]?.qr;
        expect(qr?.content.length).toBeGreaterThan(10);
        expect(Date.parse(qr?.expiresAt ?? '')).toBeGreaterThan(Date.now());
        expect(answer.items[1]?.message).toMatch(/扫码支付/);
      });

      it('keeps the enrollment and the card when the bank declines the payment, and says so', async () => {
        const { db } = get();
        const personId = wellOff[1] ?? '';
        const account = accountOf(personId)?.accountNumber ?? '';
        const reply = await signedCall(server, kiosk, 'POST', SUBMIT, {
          body: submission(personId, {
            payment: { kind: 'bankAccount', pinBlockHex: demoPinBlock(account, '000000') },
          }),
        });
        expect(reply.status).toBe(200);
        const answer = BundleSubmitResponse.parse(reply.json.data);
        expect(answer.items.map((i) => [i.item, i.status])).toEqual([
          ['enrollment', 'done'],
          ['contribution', 'failed'],
          ['cardApplication', 'queued'],
        ]);
        expect(answer.items[1]?.message).toMatch(/缴费未成功.*其他事项已办理/);
        const enrolled = await db.query('SELECT 1 FROM insurances WHERE person_id = $1 AND type = $2', [
          personId,
          'pension',
        ]);
        expect(enrolled.rows).toHaveLength(1);
        const paid = await db.query('SELECT 1 FROM contributions WHERE person_id = $1 AND type = $2', [
          personId,
          'pension',
        ]);
        expect(paid.rows).toHaveLength(0);
        const debits = (await ledger()).debits.filter((d) => d.accountNumber === account);
        expect(debits.map((d) => d.status)).toEqual(['declined']);
        expect((await verifyAuditChain(db)).ok).toBe(true);
      });
    });
  },
  { setup: async (db) => void (await seedIfEmpty(db, data)) },
);
