import type { DocumentFacts } from '@sik/contract';
import {
  chinaClock,
  DOCUMENT_TITLES,
  formatMonths,
  formatYuan,
  monthText,
  SCHEME_NAMES,
  STATUS_NAMES,
  TYPE_NAMES,
  TYPE_ORDER,
} from './content.ts';
import type { QrVerification } from './signed-qr.ts';
import { groupVerificationCode } from './verification-code.ts';

/**
 * The public verification page (/verify/<code>): plain HTML, readable on a phone, in Chinese. It states what the
 * server holds for the code, whether the document is valid, and, when opened from the QR link, whether the QR's
 * signed facts match the record. Everything shown is escaped.
 */

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The facts as label and value lines, in the order a reader checks them against the paper. */
export function factLines(facts: DocumentFacts): Array<{ label: string; value: string }> {
  const lines = [
    { label: '文件类型', value: DOCUMENT_TITLES[facts.kind] },
    { label: '验证码', value: groupVerificationCode(facts.code) },
    { label: '姓名', value: facts.holderMasked },
    { label: '证件号码', value: facts.idNumberMasked },
  ];
  switch (facts.kind) {
    case 'enrollmentCertificate':
      for (const i of facts.insurances) {
        lines.push({
          label: TYPE_NAMES[i.type],
          value: `${SCHEME_NAMES[i.scheme]}，${STATUS_NAMES[i.status]}，${i.since} 起，累计缴费 ${formatMonths(i.months)}`,
        });
      }
      lines.push({ label: '养老保险累计缴费', value: formatMonths(facts.pensionMonths) });
      break;
    case 'contributionDetails': {
      lines.push({ label: '缴费期间', value: `${facts.fromYear}年至${facts.toYear}年` });
      for (const type of TYPE_ORDER) {
        const t = facts.totals[type];
        if (t)
          lines.push({ label: TYPE_NAMES[type], value: `${t.months} 个月，${formatYuan(t.amountCents)} 元` });
      }
      lines.push({ label: '缴费合计', value: `${formatYuan(facts.totalCents)} 元` });
      break;
    }
    case 'pensionPayments':
      lines.push({ label: '发放期间', value: `${monthText(facts.fromMonth)}至${monthText(facts.toMonth)}` });
      lines.push({
        label: '已发放',
        value: `${facts.paidMonths} 个月，合计 ${formatYuan(facts.paidCents)} 元`,
      });
      if (facts.withheldMonths > 0) {
        lines.push({
          label: '暂停发放',
          value: `${facts.withheldMonths} 个月，合计 ${formatYuan(facts.withheldCents)} 元`,
        });
      }
      break;
  }
  const issued = facts.issuedAt.replace('T', ' ').replace(/\+08:00$/, '');
  lines.push({ label: '出具时间', value: issued }, { label: '出具终端', value: facts.kioskId });
  return lines;
}

export type QrComparison =
  /** Opened without the QR's signed facts (typed code or plain link). */
  | { kind: 'none' }
  | { kind: 'match' }
  | { kind: 'mismatch' }
  | { kind: 'rejected'; verification: Extract<QrVerification, { ok: false }> };

export type VerifyPageState =
  | { kind: 'form'; message?: string }
  | { kind: 'unknown'; code: string }
  | {
      kind: 'found';
      facts: DocumentFacts;
      pages: number;
      keyId: string;
      /** The stored facts verify with a published key. */
      valid: boolean;
      qr: QrComparison;
    };

const REJECTIONS = {
  malformed: '二维码内容不完整或格式不正确',
  unknownKey: '二维码使用了未公布的签名密钥',
  badSignature: '二维码的数字签名不正确，内容可能被篡改',
  invalidFacts: '二维码内容与验证码不对应',
} as const;

export function renderVerifyPage(state: VerifyPageState, now: Date): string {
  const checkedAt = chinaClock(now).text;
  let body: string;
  switch (state.kind) {
    case 'form':
      body = `${state.message ? `<p class="bad">${escapeHtml(state.message)}</p>` : ''}${form('')}`;
      break;
    case 'unknown':
      body = `<p class="verdict bad">✗ 未找到此验证码</p>
<p>验证码 <b>${escapeHtml(state.code)}</b> 没有对应的证明文件。请核对验证码是否输入正确；如无误，该文件不是本系统出具的，请勿采信。</p>
${form(state.code)}`;
      break;
    case 'found': {
      const ok = state.valid && state.qr.kind !== 'mismatch' && state.qr.kind !== 'rejected';
      const verdict = ok
        ? '<p class="verdict good">✓ 文件有效：本系统出具过此文件</p>'
        : '<p class="verdict bad">✗ 文件无法通过核验</p>';
      const notes: string[] = [];
      if (!state.valid) notes.push('<p class="bad">存档记录的数字签名无法核验，请到社保经办机构核实。</p>');
      if (state.qr.kind === 'match') notes.push('<p class="good">二维码内容与存档一致，数字签名正确。</p>');
      if (state.qr.kind === 'mismatch') {
        notes.push('<p class="bad">二维码的签名虽然正确，但内容与存档不一致，请勿采信此文件。</p>');
      }
      if (state.qr.kind === 'rejected') {
        notes.push(
          `<p class="bad">${escapeHtml(REJECTIONS[state.qr.verification.reason])}，请勿采信此文件。</p>`,
        );
      }
      const rows = factLines(state.facts)
        .map((l) => `<tr><th>${escapeHtml(l.label)}</th><td>${escapeHtml(l.value)}</td></tr>`)
        .join('\n');
      body = `${verdict}
${notes.join('\n')}
<p>本系统存档的内容如下，请与纸质文件逐项核对（姓名和证件号码部分隐去）：</p>
<table>
${rows}
<tr><th>页数</th><td>${state.pages}</td></tr>
<tr><th>签名密钥</th><td>${escapeHtml(state.keyId)}</td></tr>
</table>`;
      break;
    }
  }
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>社会保险证明核验</title>
<style>
body { font-family: system-ui, "PingFang SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; margin: 0 auto;
  max-width: 40rem; padding: 1rem; font-size: 1.125rem; line-height: 1.6; color: #111; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
.verdict { font-size: 1.3rem; font-weight: bold; padding: .75rem 1rem; border-radius: .5rem; }
.good { color: #0a5c2b; } .verdict.good { background: #e3f5e9; }
.bad { color: #9b1c1c; } .verdict.bad { background: #fde8e8; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-bottom: 1px solid #ccc; }
th { white-space: nowrap; color: #444; font-weight: normal; width: 7.5em; }
input, button { font-size: 1.125rem; padding: .6rem; } input { width: 100%; box-sizing: border-box; }
button { margin-top: .5rem; min-height: 48px; min-width: 8rem; }
footer { margin-top: 1.5rem; font-size: .95rem; color: #444; }
</style>
</head>
<body>
<h1>社会保险证明核验</h1>
${body}
<footer>核验时间：${escapeHtml(checkedAt)}（北京时间）。二维码内的信息经数字签名，也可使用公布的公钥离线核验。</footer>
</body>
</html>
`;
}

function form(code: string): string {
  return `<form method="get" action="/verify">
<label for="code">输入证明上的16位验证码：</label>
<input id="code" name="code" value="${escapeHtml(code)}" autocomplete="off" autocapitalize="characters" maxlength="32">
<button type="submit">核验</button>
</form>`;
}
