import { generateKeyPairSync } from 'node:crypto';
import { type DocumentFacts, maskIdNumber, maskName } from '@sik/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDocumentContent,
  type DocumentContext,
  type DocumentRecords,
  formatMonths,
  formatYuan,
} from './content.ts';
import {
  FIXTURE_HOLDER,
  FIXTURE_INSURANCES,
  fixtureContributions,
  fixturePensionPayments,
} from './fixtures.ts';
import { compact, decodeQrCodes, pdfFonts, pdfInfo, pdfText } from './pdf-tools.ts';
import { type RenderedDocument, renderDocumentPdf } from './render.ts';
import {
  type DocumentSigner,
  documentQrText,
  keyIdOf,
  type PublishedKey,
  verifyDocumentQr,
} from './signed-qr.ts';
import { groupVerificationCode, newVerificationCode } from './verification-code.ts';

const BASE_URL = 'https://si.example.cn';

function newSigner(): DocumentSigner & PublishedKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyId: keyIdOf(publicKey),
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const signer = newSigner();
// 2026-03-05 10:20:30 in China.
const ISSUED_AT = new Date('2026-03-05T02:20:30Z');

interface Issued extends RenderedDocument {
  facts: DocumentFacts;
  qrText: string;
  code: string;
  text: string;
  pageTexts: string[];
}

async function issue(records: DocumentRecords): Promise<Issued> {
  const code = newVerificationCode();
  const context: DocumentContext = {
    holder: FIXTURE_HOLDER,
    code,
    kioskId: 'KIOSK-0001',
    issuedAt: ISSUED_AT,
    issuer: '成都市人力资源和社会保障局',
    verifyUrl: `${BASE_URL}/verify/${code}`,
  };
  const content = buildDocumentContent(records, context);
  const qrText = documentQrText(BASE_URL, content.facts, signer);
  const rendered = await renderDocumentPdf({ ...content.layout, qrText });
  const text = pdfText(rendered.pdf);
  return {
    ...rendered,
    facts: content.facts,
    qrText,
    code,
    text,
    pageTexts: text.split('\f').filter((p) => p.trim().length > 0),
  };
}

/** Every page carries the code, the issue time, the kiosk and "page x of n". */
function expectFooters(doc: Issued): void {
  expect(doc.pageTexts).toHaveLength(doc.pages);
  doc.pageTexts.forEach((page, i) => {
    const c = compact(page);
    expect(c, `page ${i + 1}`).toContain(`验证码：${groupVerificationCode(doc.code)}`);
    expect(c, `page ${i + 1}`).toContain('打印时间：2026-03-0510:20:30');
    expect(c, `page ${i + 1}`).toContain('终端编号：KIOSK-0001');
    expect(c, `page ${i + 1}`).toContain(`第${i + 1}页/共${doc.pages}页`);
  });
}

/** The QR as a phone reads it: rendered at 150 dpi, decoded by zbarimg, verified with the public key. */
function expectQrVerifies(doc: Issued): void {
  const codes = decodeQrCodes(doc.pdf);
  expect(codes).toEqual([doc.qrText]);
  const verified = verifyDocumentQr(codes[0] ?? '', [signer]);
  expect(verified).toEqual({ ok: true, facts: doc.facts, keyId: signer.keyId, code: doc.code });
}

describe('rights-record PDFs read back with pdftotext, pdfinfo, pdffonts and zbarimg', () => {
  describe('contribution details (缴费明细) over 17 years', () => {
    const contributions = fixtureContributions(2004, 2020);
    let doc: Issued;
    beforeAll(async () => {
      doc = await issue({ kind: 'contributionDetails', fromYear: 2004, toYear: 2020, contributions });
    });

    it('runs to 3 A4 pages under 100 KB, the CJK font embedded as a subset', () => {
      expect(doc.pages).toBe(3);
      const info = pdfInfo(doc.pdf);
      expect(info.Pages).toBe('3');
      expect(info['Page size']).toMatch(/^595\.28 x 841\.89 pts \(A4\)/);
      expect(info.Title).toBe('社会保险个人缴费明细');
      console.info(`3-page contribution record: ${(doc.pdf.length / 1024).toFixed(1)} KB`);
      expect(doc.pdf.length).toBeLessThan(100 * 1024);
      expect(pdfFonts(doc.pdf)).toMatch(
        /[A-Z]{6}\+NotoSansHans-Regular\s+CID Type 0C\s+Identity-H\s+yes\s+yes/,
      );
    });

    it('names the holder in full with the full ID number', () => {
      const first = compact(doc.pageTexts[0] ?? '');
      expect(first).toContain('社会保险个人缴费明细');
      expect(first).toContain('出具单位：成都市人力资源和社会保障局');
      expect(first).toContain(`姓名：${FIXTURE_HOLDER.name}`);
      expect(first).toContain(`公民身份号码：${FIXTURE_HOLDER.idNumber}`);
      expect(first).toContain('缴费期间：2004年至2020年');
      // Later pages repeat who the record is about.
      expect(compact(doc.pageTexts[2] ?? '')).toContain(FIXTURE_HOLDER.idNumber);
    });

    it('lists every year and type with months, base and amount in yuan, and the totals', () => {
      const all = compact(doc.text);
      for (const c of contributions) {
        expect(all, `${c.year} ${c.type}`).toContain(
          `${c.year}${typeName(c.type)}${c.months}${formatYuan(c.baseCents)}${formatYuan(c.amountCents)}`,
        );
      }
      const pension = contributions.filter((c) => c.type === 'pension');
      const pensionCents = pension.reduce((s, c) => s + c.amountCents, 0);
      const pensionMonths = pension.reduce((s, c) => s + c.months, 0);
      expect(pensionMonths).toBe(6 + 16 * 12);
      expect(all).toContain(`小计养老保险${pensionMonths}${formatYuan(pensionCents)}`);
      const total = contributions.reduce((s, c) => s + c.amountCents, 0);
      expect(formatYuan(total)).toMatch(/^\d{1,3}(,\d{3})+\.\d{2}$/);
      expect(all).toContain(`合计${formatYuan(total)}`);
      expect(doc.facts).toMatchObject({
        totalCents: total,
        totals: { pension: { months: pensionMonths, amountCents: pensionCents } },
      });
    });

    it('repeats the table header and the footer on every page', () => {
      for (const page of doc.pageTexts)
        expect(compact(page)).toContain('年度险种缴费月数缴费基数/档次（元）缴费金额（元）');
      expectFooters(doc);
    });

    it('carries a QR that zbarimg reads and that verifies offline with the public key', () => {
      expectQrVerifies(doc);
      expect(doc.qrText.startsWith(`${BASE_URL}/verify/${doc.code}?d=`)).toBe(true);
      expect(doc.facts).toMatchObject({
        kind: 'contributionDetails',
        code: doc.code,
        holderMasked: maskName(FIXTURE_HOLDER.name),
        idNumberMasked: maskIdNumber(FIXTURE_HOLDER.idNumber),
        fromYear: 2004,
        toYear: 2020,
        issuedAt: '2026-03-05T10:20:30+08:00',
        kioskId: 'KIOSK-0001',
      });
      // Anyone can read the QR: the full name and number are not in it.
      const decoded = Buffer.from(new URL(doc.qrText).searchParams.get('d') ?? '', 'base64url').toString(
        'utf8',
      );
      expect(decoded).not.toContain(FIXTURE_HOLDER.idNumber);
      expect(decoded).not.toContain(FIXTURE_HOLDER.name);
    });

    it('refuses the QR with an amount changed, or signed by another key', () => {
      const url = new URL(doc.qrText);
      const facts = JSON.parse(Buffer.from(url.searchParams.get('d') ?? '', 'base64url').toString('utf8'));
      facts.totalCents += 100_00;
      url.searchParams.set('d', Buffer.from(JSON.stringify(facts)).toString('base64url'));
      expect(verifyDocumentQr(url.toString(), [signer])).toMatchObject({ ok: false, reason: 'badSignature' });

      const forger = newSigner();
      const forged = documentQrText(BASE_URL, doc.facts, forger);
      expect(verifyDocumentQr(forged, [signer])).toMatchObject({ ok: false, reason: 'unknownKey' });
      const claimingOurKey = forged.replace(`k=${forger.keyId}`, `k=${signer.keyId}`);
      expect(verifyDocumentQr(claimingOurKey, [signer])).toMatchObject({ ok: false, reason: 'badSignature' });
    });
  });

  it('enrollment certificate (参保证明): every insurance with scheme, status, since, and the years paid', async () => {
    const contributions = fixtureContributions(2004, 2025);
    const doc = await issue({ kind: 'enrollmentCertificate', insurances: FIXTURE_INSURANCES, contributions });
    expect(doc.pages).toBe(1);
    const all = compact(doc.text);
    expect(all).toContain('社会保险参保证明');
    expect(all).toContain(`姓名：${FIXTURE_HOLDER.name}`);
    expect(all).toContain(`公民身份号码：${FIXTURE_HOLDER.idNumber}`);
    const months = 6 + 21 * 12;
    expect(formatMonths(months)).toBe('21年6个月');
    expect(all).toContain(`养老保险累计缴费年限：21年6个月（${months}个月）`);
    expect(all).toContain(`养老保险城镇职工正常参保1995-07-0121年6个月`);
    expect(all).toContain(`工伤保险城镇职工暂停参保2004-01-0121年6个月`);
    expect(all).toContain(`生育保险城镇职工终止参保2004-01-0121年6个月`);
    expect(all).toContain('截至2026年3月5日，参保险种5项，其中正常参保3项。');
    expectFooters(doc);
    expectQrVerifies(doc);
    expect(doc.facts).toMatchObject({ kind: 'enrollmentCertificate', pensionMonths: months });
    expect(doc.pdf.length).toBeLessThan(100 * 1024);
  });

  it('pension payment record (养老金发放记录): each month paid or withheld, dated, with both totals', async () => {
    const payments = fixturePensionPayments('2024-03', '2026-02', ['2025-07', '2025-08']);
    const doc = await issue({ kind: 'pensionPayments', fromMonth: '2024-03', toMonth: '2026-02', payments });
    const all = compact(doc.text);
    expect(all).toContain('养老金发放记录');
    expect(all).toContain('发放期间：2024年3月至2026年2月');
    expect(all).toContain(`2024年3月${formatYuan(payments[0]?.amountCents ?? 0)}已发放2024-03-10`);
    expect(all).toContain(`2025年7月${formatYuan(payments[16]?.amountCents ?? 0)}暂停发放（待资格认证）—`);
    const paid = payments.filter((p) => p.status === 'paid');
    const paidCents = paid.reduce((s, p) => s + p.amountCents, 0);
    expect(all).toContain(`已发放22个月${formatYuan(paidCents)}`);
    const withheldCents = (payments[16]?.amountCents ?? 0) + (payments[17]?.amountCents ?? 0);
    expect(all).toContain(`暂停发放2个月${formatYuan(withheldCents)}`);
    expectFooters(doc);
    expectQrVerifies(doc);
    expect(doc.facts).toMatchObject({ paidMonths: 22, paidCents, withheldMonths: 2, withheldCents });
  });

  it('formats fen as yuan with grouped thousands', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(123_456_789)).toBe('1,234,567.89');
    expect(formatYuan(100_000)).toBe('1,000.00');
  });
});

function typeName(type: string): string {
  return {
    pension: '养老保险',
    medical: '医疗保险',
    unemployment: '失业保险',
    workInjury: '工伤保险',
    maternity: '生育保险',
  }[type] as string;
}
