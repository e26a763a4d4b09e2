import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  DocumentIssueResponse,
  DocumentKeysResponse,
  maskIdNumber,
  maskName,
  PublicDocumentResponse,
  Routes,
} from '@sik/contract';
import { DEMO_KIOSK_ID, defaultSeedData } from '@sik/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { formatYuan } from '../documents/content.ts';
import {
  FIXTURE_HOLDER,
  FIXTURE_INSURANCES,
  FIXTURE_PENSION_MONTHLY_CENTS,
  fixtureContributions,
  fixturePensionPayments,
} from '../documents/fixtures.ts';
import { compact, decodeQrCodes, pdfText } from '../documents/pdf-tools.ts';
import { verifyDocumentQr } from '../documents/signed-qr.ts';
import { groupVerificationCode } from '../documents/verification-code.ts';
import { verifyAuditChain } from '../repositories/audit.ts';
import type { RunningServer } from '../server.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import {
  type KioskKeys,
  newKioskKeys,
  provision,
  type Reply,
  send,
  signedCall,
  startTestServer,
} from '../testing/harness.ts';

const ISSUE = Routes.documentIssue.path;
const KEYS = Routes.documentKeys.path;
const publicDocumentPath = (code: string) => Routes.publicDocument.path.replace('{code}', code);
const PUBLIC_BASE_URL = 'https://si.example.cn/';
/** Has insurance and a little history, no pension. */
const OTHER_PERSON = 'P99990002';

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

/** The fixture person, with insurances, 17 years of contributions, a pension and 24 months of payments. */
async function insertFixture(db: Db): Promise<void> {
  const h = FIXTURE_HOLDER;
  for (const [personId, idNumber, name] of [
    [h.personId, h.idNumber, h.name],
    [OTHER_PERSON, '510104200001010014', '张伟'],
  ] as const) {
    await db.query(
      `INSERT INTO people (person_id, id_number, card_type, name, sex, nation_code, birth_date, valid_from)
       VALUES ($1, $2, 'resident', $3, 'female', '01', '1962-03-15', '2015-01-01')`,
      [personId, idNumber, name],
    );
  }
  for (const i of FIXTURE_INSURANCES) {
    await db.query(
      'INSERT INTO insurances (person_id, type, scheme, status, since) VALUES ($1, $2, $3, $4, $5)',
      [h.personId, i.type, i.scheme, i.status, i.since],
    );
  }
  await db.query(
    `INSERT INTO insurances (person_id, type, scheme, status, since) VALUES ($1, 'medical', 'resident', 'active', '2020-01-01')`,
    [OTHER_PERSON],
  );
  const rows = [
    ...fixtureContributions(2004, 2020).map((c) => ({ ...c, personId: h.personId })),
    ...fixtureContributions(2020, 2021)
      .filter((c) => c.type === 'medical')
      .map((c) => ({ ...c, personId: OTHER_PERSON })),
  ];
  for (const c of rows) {
    await db.query(
      `INSERT INTO contributions (person_id, type, year, months, base_cents, amount_cents)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.personId, c.type, c.year, c.months, c.baseCents, c.amountCents],
    );
  }
  await db.query(
    `INSERT INTO pensions (person_id, scheme, start_date, monthly_amount_cents, last_authenticated_at, status)
     VALUES ($1, 'employee', '2022-04-01', $2, '2025-09-01T02:00:00Z', 'active')`,
    [h.personId, FIXTURE_PENSION_MONTHLY_CENTS],
  );
  for (const p of fixturePensionPayments('2024-01', '2025-12', ['2025-07', '2025-08'])) {
    await db.query(
      `INSERT INTO pension_payments (person_id, month, amount_cents, status, paid_at) VALUES ($1, $2, $3, $4, $5)`,
      [h.personId, `${p.month}-01`, p.amountCents, p.status, p.paidAt?.toISOString() ?? null],
    );
  }
}

function pdfOf(reply: Reply): Buffer {
  return Buffer.from(reply.json.data.pdfBase64, 'base64');
}

describeEachDatabase(
  'rights-record documents over HTTP',
  (get) => {
    let server: RunningServer;
    const icbc = { kioskId: DEMO_KIOSK_ID } as { kioskId: string } & KioskKeys;
    const boc = { kioskId: 'KIOSK-0007' } as { kioskId: string } & KioskKeys;
    const issue = (body: unknown, kiosk = icbc) => signedCall(server, kiosk, 'POST', ISSUE, { body });
    const thisYear = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));

    beforeAll(async () => {
      server = await startTestServer(get().db, { config: { publicBaseUrl: PUBLIC_BASE_URL } });
      for (const k of [icbc, boc]) {
        Object.assign(k, newKioskKeys());
        expect((await provision(server, k.kioskId, k.publicKeyPem)).status).toBe(200);
      }
    });
    afterAll(() => server.close());

    describe('a 3-page contribution record, issued and checked', () => {
      let reply: Reply;
      let pdf: Buffer;
      let qr: string;
      beforeAll(async () => {
        reply = await issue({
          personId: FIXTURE_HOLDER.personId,
          kind: 'contributionDetails',
          fromYear: 2004,
          toYear: 2020,
        });
        pdf = reply.status === 200 ? pdfOf(reply) : Buffer.alloc(0);
        qr = decodeQrCodes(pdf)[0] ?? '';
      });

      it('answers the PDF with its hash, pages and a masked preview', () => {
        expect(reply.status).toBe(200);
        const data = DocumentIssueResponse.parse(reply.json.data);
        expect(data.kind).toBe('contributionDetails');
        expect(data.pages).toBe(3);
        expect(data.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        expect(data.preview).toMatchObject({
          title: '社会保险个人缴费明细',
          holderMasked: maskName(FIXTURE_HOLDER.name),
          idNumberMasked: maskIdNumber(FIXTURE_HOLDER.idNumber),
        });
        const total = fixtureContributions(2004, 2020).reduce((s, c) => s + c.amountCents, 0);
        expect(data.preview.lines).toContain(`合计：${formatYuan(total)} 元`);
        // The preview is for the screen: nothing unmasked.
        expect(JSON.stringify(data.preview)).not.toContain(FIXTURE_HOLDER.idNumber);
      });

      it('prints the holder in full, the years, the amounts and the code', () => {
        const text = compact(pdfText(pdf));
        expect(text).toContain(`姓名：${FIXTURE_HOLDER.name}`);
        expect(text).toContain(FIXTURE_HOLDER.idNumber);
        for (const c of fixtureContributions(2004, 2020).filter((c) => c.type === 'pension')) {
          expect(text).toContain(
            `${c.year}养老保险${c.months}${formatYuan(c.baseCents)}${formatYuan(c.amountCents)}`,
          );
        }
        expect(text).toContain(`验证码：${groupVerificationCode(reply.json.data.verificationCode)}`);
        expect(text).toContain('第3页/共3页');
      });

      it('carries a QR that verifies offline with the key the public route publishes', async () => {
        const keys = await send(server, 'GET', KEYS);
        expect(keys.status).toBe(200);
        const published = DocumentKeysResponse.parse(keys.json.data).keys;
        expect(published.filter((k) => k.current)).toHaveLength(1);
        const verified = verifyDocumentQr(qr, published);
        expect(verified).toMatchObject({
          ok: true,
          code: reply.json.data.verificationCode,
          facts: { kind: 'contributionDetails', fromYear: 2004, toYear: 2020, kioskId: DEMO_KIOSK_ID },
        });
        expect(qr.startsWith(`https://si.example.cn/verify/${reply.json.data.verificationCode}?d=`)).toBe(
          true,
        );
      });

      it('records what the document states, not the PDF, and audits the issue with the number masked', async () => {
        const { db } = get();
        const { rows } = await db.query<Record<string, unknown>>(
          'SELECT * FROM documents WHERE document_id = $1',
          [reply.json.data.documentId],
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          verification_code: reply.json.data.verificationCode,
          person_id: FIXTURE_HOLDER.personId,
          kind: 'contributionDetails',
          params: { kind: 'contributionDetails', fromYear: 2004, toYear: 2020 },
          sha256: reply.json.data.sha256,
          pages: 3,
          kiosk_id: DEMO_KIOSK_ID,
        });
        const stored = JSON.stringify(rows[0]);
        expect(stored).not.toContain(FIXTURE_HOLDER.idNumber);
        expect(stored).not.toContain(reply.json.data.pdfBase64.slice(0, 200));
        const { rows: audit } = await db.query<{
          action: string;
          result: string;
          details: Record<string, unknown>;
        }>(
          "SELECT action, result, details FROM audit_log WHERE action = 'document.issue' ORDER BY id DESC LIMIT 1",
        );
        expect(audit[0]).toMatchObject({
          result: 'ok',
          details: {
            personId: FIXTURE_HOLDER.personId,
            idNumberMasked: maskIdNumber(FIXTURE_HOLDER.idNumber),
            kind: 'contributionDetails',
            documentId: reply.json.data.documentId,
            pages: 3,
          },
        });
        const { rows: leaks } = await db.query('SELECT id FROM audit_log WHERE details::text LIKE $1', [
          `%${FIXTURE_HOLDER.idNumber}%`,
        ]);
        expect(leaks).toEqual([]);
        expect((await verifyAuditChain(db)).ok).toBe(true);
      });

      it('tells anyone what the document states by its code, grouped or not, in any case', async () => {
        const code: string = reply.json.data.verificationCode;
        for (const asTyped of [code, groupVerificationCode(code).toLowerCase()]) {
          const answer = await send(server, 'GET', publicDocumentPath(asTyped));
          expect(answer.status, asTyped).toBe(200);
          const data = PublicDocumentResponse.parse(answer.json.data);
          expect(data).toMatchObject({
            verificationCode: code,
            kind: 'contributionDetails',
            valid: true,
            pages: 3,
          });
          const fromQr = verifyDocumentQr(
            qr,
            DocumentKeysResponse.parse((await send(server, 'GET', KEYS)).json.data).keys,
          );
          expect(fromQr.ok && fromQr.facts).toEqual(data.facts);
          expect(JSON.stringify(answer.json)).not.toContain(FIXTURE_HOLDER.idNumber);
          expect(JSON.stringify(answer.json)).not.toContain(FIXTURE_HOLDER.name);
        }
        const unknown = await send(server, 'GET', publicDocumentPath('ABCD2345EFGH6789'));
        expect(unknown.status).toBe(404);
        expect(unknown.json).toMatchObject({ ok: false, code: 'NOT_FOUND' });
        const malformed = await send(server, 'GET', publicDocumentPath('not-a-code'));
        expect(malformed.status).toBe(400);
        expect(malformed.json).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'code' });
      });

      it('serves the verification page the QR links to: valid, matching the record, escaped', async () => {
        const url = new URL(qr);
        const page = await send(server, 'GET', `${url.pathname}${url.search}`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
        expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
        const html: string = page.json;
        expect(html).toContain('<html lang="zh-CN">');
        expect(html).toContain('文件有效');
        expect(html).toContain('二维码内容与存档一致');
        expect(html).toContain(maskName(FIXTURE_HOLDER.name));
        expect(html).toContain(maskIdNumber(FIXTURE_HOLDER.idNumber));
        expect(html).not.toContain(FIXTURE_HOLDER.idNumber);
        expect(html).toContain('2004年至2020年');

        // The same link with the amount changed in the QR's facts.
        const facts = JSON.parse(Buffer.from(url.searchParams.get('d') ?? '', 'base64url').toString('utf8'));
        facts.totalCents -= 1000_00;
        url.searchParams.set('d', Buffer.from(JSON.stringify(facts)).toString('base64url'));
        const tampered = await send(server, 'GET', `${url.pathname}${url.search}`);
        expect(tampered.status).toBe(200);
        expect(tampered.json).toContain('文件无法通过核验');
        expect(tampered.json).toContain('数字签名不正确');

        const plain = await send(server, 'GET', url.pathname);
        expect(plain.json).toContain('文件有效');
        expect(plain.json).not.toContain('二维码内容');

        const unknown = await send(server, 'GET', '/verify/ABCD2345EFGH6789');
        expect(unknown.status).toBe(404);
        expect(unknown.json).toContain('未找到此验证码');
        const hostile = await send(
          server,
          'GET',
          `/verify/${encodeURIComponent('<script>alert(1)</script>')}`,
        );
        expect(hostile.status).toBe(404);
        expect(hostile.json).not.toContain('<script>alert');
        expect(hostile.json).toContain('&lt;script&gt;');

        const form = await fetch(
          new URL(
            `/verify?code=${groupVerificationCode(reply.json.data.verificationCode).toLowerCase()}`,
            server.url,
          ),
          {
            redirect: 'manual',
          },
        );
        expect(form.status).toBe(303);
        expect(form.headers.get('location')).toBe(`/verify/${reply.json.data.verificationCode}`);
        expect((await send(server, 'GET', '/verify')).json).toContain('输入证明上的16位验证码');
      });
    });

    it('issues an enrollment certificate with every insurance and the years paid', async () => {
      const reply = await issue({ personId: FIXTURE_HOLDER.personId, kind: 'enrollmentCertificate' });
      expect(reply.status).toBe(200);
      expect(reply.json.data.pages).toBe(1);
      const text = compact(pdfText(pdfOf(reply)));
      expect(text).toContain('社会保险参保证明');
      expect(text).toContain(FIXTURE_HOLDER.idNumber);
      expect(text).toContain('养老保险城镇职工正常参保1995-07-0116年6个月');
      expect(text).toContain('养老保险累计缴费年限：16年6个月（198个月）');
      const keys = DocumentKeysResponse.parse((await send(server, 'GET', KEYS)).json.data).keys;
      expect(verifyDocumentQr(decodeQrCodes(pdfOf(reply))[0] ?? '', keys)).toMatchObject({
        ok: true,
        facts: { kind: 'enrollmentCertificate', pensionMonths: 198 },
      });
    });

    it('issues a pension payment record for the months asked', async () => {
      const reply = await issue({
        personId: FIXTURE_HOLDER.personId,
        kind: 'pensionPayments',
        fromMonth: '2025-01',
        toMonth: '2025-12',
      });
      expect(reply.status).toBe(200);
      const text = compact(pdfText(pdfOf(reply)));
      expect(text).toContain('发放期间：2025年1月至2025年12月');
      const payments = fixturePensionPayments('2025-01', '2025-12', ['2025-07', '2025-08']);
      const paidCents = payments.filter((p) => p.status === 'paid').reduce((s, p) => s + p.amountCents, 0);
      expect(text).toContain(`已发放10个月${formatYuan(paidCents)}`);
      expect(text).toContain('2025年7月');
      expect(text).not.toContain('2024年12月');
      expect(reply.json.data.preview.lines).toContain(`已发放 10 个月，合计 ${formatYuan(paidCents)} 元`);
    });

    describe('refusals, with nothing written', () => {
      let documentsBefore: number;
      beforeAll(async () => {
        documentsBefore = await count(get().db, 'documents');
      });

      it('400 naming the field for ranges that make no sense', async () => {
        const base = { personId: FIXTURE_HOLDER.personId, kind: 'contributionDetails' };
        const cases: Array<[Record<string, unknown>, string, RegExp]> = [
          [{ ...base, fromYear: 2010, toYear: thisYear + 1 }, 'toYear', /future/],
          [{ ...base, fromYear: 2015, toYear: 2010 }, 'fromYear', /after toYear/],
          [{ ...base, fromYear: 1990, toYear: 2020 }, 'fromYear', /at most 30 years/],
          [{ ...base, fromYear: 1949 }, 'fromYear', /1950/],
          [{ ...base, fromYear: 2010.5 }, 'fromYear', /whole year/],
          [{ ...base, fromMonth: '2024-01' }, 'fromMonth', /not used for contributionDetails/],
          [
            { ...base, kind: 'enrollmentCertificate', toYear: 2020 },
            'toYear',
            /not used for enrollmentCertificate/,
          ],
          [{ ...base, kind: 'pensionPayments', fromMonth: '2024-13' }, 'fromMonth', /YYYY-MM/],
          [
            { ...base, kind: 'pensionPayments', fromMonth: '2025-06', toMonth: '2025-01' },
            'fromMonth',
            /after toMonth/,
          ],
          [{ ...base, kind: 'pensionPayments', toMonth: `${thisYear + 1}-01` }, 'toMonth', /future/],
          [
            { ...base, kind: 'pensionPayments', fromMonth: '1990-01', toMonth: '2025-01' },
            'fromMonth',
            /at most 30 years/,
          ],
          [{ ...base, kind: 'diploma' }, 'kind', /./],
          [{ ...base, personId: 'someone' }, 'personId', /P and 8 digits/],
        ];
        for (const [body, field, message] of cases) {
          const reply = await issue(body);
          expect(reply.status, JSON.stringify(body)).toBe(400);
          expect(reply.json, JSON.stringify(body)).toMatchObject({ ok: false, code: 'INVALID_INPUT', field });
          expect(reply.json.message, JSON.stringify(body)).toMatch(message);
        }
      });

      it('404 for an unknown person, 422 when the records hold nothing to state', async () => {
        const unknown = await issue({ personId: 'P99999999', kind: 'enrollmentCertificate' });
        expect(unknown.status).toBe(404);
        expect(unknown.json.code).toBe('PERSON_NOT_FOUND');
        const empty = await issue({
          personId: OTHER_PERSON,
          kind: 'contributionDetails',
          fromYear: 2000,
          toYear: 2010,
        });
        expect(empty.status).toBe(422);
        expect(empty.json).toMatchObject({ code: 'NOT_ELIGIBLE', message: '2000年至2010年没有缴费记录' });
        const noPension = await issue({ personId: OTHER_PERSON, kind: 'pensionPayments' });
        expect(noPension.status).toBe(422);
        expect(noPension.json.message).toContain('没有养老金待遇记录');
        const { rows } = await get().db.query<{ result: string; details: Record<string, unknown> }>(
          "SELECT result, details FROM audit_log WHERE action = 'document.issue' ORDER BY id DESC LIMIT 3",
        );
        expect(rows.map((r) => r.result)).toEqual(['NOT_ELIGIBLE', 'NOT_ELIGIBLE', 'PERSON_NOT_FOUND']);
        expect(rows[0]?.details).toEqual({
          personId: OTHER_PERSON,
          idNumberMasked: maskIdNumber('510104200001010014'),
          kind: 'pensionPayments',
        });
      });

      it("403 when the kiosk's bank is not authorised for rights-record printing", async () => {
        const { db } = get();
        await db.query(
          "DELETE FROM bank_services WHERE bank_id = 'BOC' AND service_id = 'rightsRecordPrint'",
        );
        try {
          const refused = await issue(
            { personId: FIXTURE_HOLDER.personId, kind: 'enrollmentCertificate' },
            boc,
          );
          expect(refused.status).toBe(403);
          expect(refused.json.code).toBe('SERVICE_NOT_AUTHORISED');
        } finally {
          await db.query(
            "INSERT INTO bank_services (bank_id, service_id) VALUES ('BOC', 'rightsRecordPrint')",
          );
        }
      });

      it('401 without a kiosk signature', async () => {
        const reply = await send(server, 'POST', ISSUE, {
          body: JSON.stringify({ personId: FIXTURE_HOLDER.personId, kind: 'enrollmentCertificate' }),
        });
        expect(reply.status).toBe(401);
      });

      it('wrote no document for any of them', async () => {
        expect(await count(get().db, 'documents')).toBe(documentsBefore);
      });
    });

    describe('the signing key', () => {
      it('is generated once and shared by every server on the database', async () => {
        const { db, kind } = get();
        const before = DocumentKeysResponse.parse((await send(server, 'GET', KEYS)).json.data).keys;
        expect(before).toHaveLength(1);
        const { rows } = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM document_keys WHERE private_key_pem IS NOT NULL',
        );
        expect(rows[0]?.n).toBe(1);
        const secondDb = kind === 'postgres' ? await get().reopen() : db;
        const second = await startTestServer(secondDb, { config: { publicBaseUrl: PUBLIC_BASE_URL } });
        try {
          const again = DocumentKeysResponse.parse((await send(second, 'GET', KEYS)).json.data).keys;
          expect(again).toEqual(before);
        } finally {
          await second.close();
        }
      });

      it('is the configured one when set; documents signed before stay valid', async () => {
        const { db } = get();
        const earlier = await issue({ personId: FIXTURE_HOLDER.personId, kind: 'enrollmentCertificate' });
        const { privateKey } = generateKeyPairSync('ed25519');
        const signingKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        const configured = await startTestServer(db, {
          config: { publicBaseUrl: PUBLIC_BASE_URL, documents: { signingKeyPem } },
        });
        try {
          const keys = DocumentKeysResponse.parse((await send(configured, 'GET', KEYS)).json.data).keys;
          expect(keys).toHaveLength(2);
          const current = keys.find((k) => k.current);
          expect(current?.publicKeyPem).toContain('BEGIN PUBLIC KEY');
          const reply = await signedCall(configured, icbc, 'POST', ISSUE, {
            body: { personId: FIXTURE_HOLDER.personId, kind: 'enrollmentCertificate' },
          });
          expect(reply.status).toBe(200);
          const verified = verifyDocumentQr(decodeQrCodes(pdfOf(reply))[0] ?? '', keys);
          expect(verified).toMatchObject({ ok: true, keyId: current?.keyId });
          const old = await send(configured, 'GET', publicDocumentPath(earlier.json.data.verificationCode));
          expect(old.json.data).toMatchObject({ valid: true });
          expect(old.json.data.keyId).not.toBe(current?.keyId);
          expect(await count(db, 'document_keys')).toBe(2);
        } finally {
          await configured.close();
        }
      });
    });
  },
  {
    setup: async (db) => {
      await seedIfEmpty(db, defaultSeedData());
      await insertFixture(db);
    },
  },
);
