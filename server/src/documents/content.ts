import {
  type DocumentFacts,
  type DocumentKind,
  type IdCardType,
  type InsuranceStatus,
  type InsuranceType,
  maskIdNumber,
  maskName,
} from '@sik/contract';
import type { DocumentLayout, TableRow } from './render.ts';
import { groupVerificationCode } from './verification-code.ts';

/**
 * What each kind of document says, worded in Chinese: the facts signed into its QR, the PDF's layout and the
 * kiosk's on-screen preview, all from the same records. Pure: the caller reads the records and the clock.
 */

export type Scheme = 'employee' | 'resident';

export interface Holder {
  personId: string;
  name: string;
  idNumber: string;
  cardType: IdCardType;
}

export interface InsuranceRecord {
  type: InsuranceType;
  scheme: Scheme;
  status: InsuranceStatus;
  /** YYYY-MM-DD */
  since: string;
}

export interface ContributionRecord {
  type: InsuranceType;
  year: number;
  months: number;
  baseCents: number;
  amountCents: number;
}

export interface PensionPaymentRecord {
  /** YYYY-MM */
  month: string;
  amountCents: number;
  status: 'paid' | 'withheld';
  paidAt: Date | null;
}

export type DocumentRecords =
  | {
      kind: 'enrollmentCertificate';
      insurances: InsuranceRecord[];
      /** The whole record, for the months contributed per type. */
      contributions: ContributionRecord[];
    }
  | { kind: 'contributionDetails'; fromYear: number; toYear: number; contributions: ContributionRecord[] }
  | { kind: 'pensionPayments'; fromMonth: string; toMonth: string; payments: PensionPaymentRecord[] };

export interface DocumentContext {
  holder: Holder;
  code: string;
  kioskId: string;
  issuedAt: Date;
  issuer: string;
  /** The page the QR and the footer link to. */
  verifyUrl: string;
}

export interface DocumentContent {
  facts: DocumentFacts;
  /** Everything but the QR text, which needs the signed facts. */
  layout: Omit<DocumentLayout, 'qrText'>;
  preview: { title: string; holderMasked: string; idNumberMasked: string; lines: string[] };
}

export const DOCUMENT_TITLES: Readonly<Record<DocumentKind, string>> = {
  enrollmentCertificate: '社会保险参保证明',
  contributionDetails: '社会保险个人缴费明细',
  pensionPayments: '养老金发放记录',
};

export const TYPE_ORDER: readonly InsuranceType[] = [
  'pension',
  'medical',
  'unemployment',
  'workInjury',
  'maternity',
];

export const TYPE_NAMES: Readonly<Record<InsuranceType, string>> = {
  pension: '养老保险',
  medical: '医疗保险',
  unemployment: '失业保险',
  workInjury: '工伤保险',
  maternity: '生育保险',
};

export const SCHEME_NAMES: Readonly<Record<Scheme, string>> = { employee: '城镇职工', resident: '城乡居民' };

export const STATUS_NAMES: Readonly<Record<InsuranceStatus, string>> = {
  active: '正常参保',
  suspended: '暂停参保',
  terminated: '终止参保',
};

const PAYMENT_STATUS_NAMES = { paid: '已发放', withheld: '暂停发放（待资格认证）' } as const;

/** 1234567 fen -> 12,345.67 (yuan, thousands grouped). */
export function formatYuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 301 -> 25年1个月; 300 -> 25年; 7 -> 7个月. */
export function formatMonths(months: number): string {
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (years === 0) return `${rest}个月`;
  return rest === 0 ? `${years}年` : `${years}年${rest}个月`;
}

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** The wall clock in China (UTC+8 all year). */
export function chinaClock(at: Date): {
  /** 2026-11-25T10:43:32+08:00 */
  iso: string;
  /** 2026-11-25 10:43:32 */
  text: string;
  /** 2026年11月25日 */
  dateText: string;
  year: number;
  /** YYYY-MM */
  month: string;
} {
  const local = new Date(Math.floor(at.getTime() / 1000) * 1000 + CHINA_OFFSET_MS).toISOString();
  const date = local.slice(0, 10);
  const time = local.slice(11, 19);
  const [y, m, d] = date.split('-');
  return {
    iso: `${date}T${time}+08:00`,
    text: `${date} ${time}`,
    dateText: `${y}年${Number(m)}月${Number(d)}日`,
    year: Number(y),
    month: date.slice(0, 7),
  };
}

/** 2024-03 -> 2024年3月 */
export function monthText(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

function idLabel(cardType: IdCardType): string {
  switch (cardType) {
    case 'resident':
      return '公民身份号码';
    case 'hkMacaoTaiwan':
      return '居住证号码';
    default:
      return '永久居留证号码';
  }
}

function byTypeOrder<T extends { type: InsuranceType }>(a: T, b: T): number {
  return TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type);
}

function monthsByType(contributions: readonly ContributionRecord[]): Map<InsuranceType, number> {
  const months = new Map<InsuranceType, number>();
  for (const c of contributions) months.set(c.type, (months.get(c.type) ?? 0) + c.months);
  return months;
}

export function buildDocumentContent(records: DocumentRecords, context: DocumentContext): DocumentContent {
  const clock = chinaClock(context.issuedAt);
  const common = {
    v: 1 as const,
    code: context.code,
    holderMasked: maskName(context.holder.name),
    idNumberMasked: maskIdNumber(context.holder.idNumber),
    issuedAt: clock.iso,
    kioskId: context.kioskId,
  };
  const title = DOCUMENT_TITLES[records.kind];
  const base = {
    title,
    issuer: `出具单位：${context.issuer}`,
    holderName: context.holder.name,
    idLabel: idLabel(context.holder.cardType),
    idNumber: context.holder.idNumber,
    verificationCode: groupVerificationCode(context.code),
    verifyUrl: context.verifyUrl,
    issuedAtText: clock.text,
    kioskId: context.kioskId,
    issuedAt: context.issuedAt,
  };
  const noun = { enrollmentCertificate: '证明', contributionDetails: '明细', pensionPayments: '记录' }[
    records.kind
  ];
  const checkNote = `扫描二维码或访问 ${context.verifyUrl} 可核验本${noun}的真伪与内容；二维码内的信息经出具机构数字签名，离线亦可核验。`;
  const preview = (lines: string[]) => ({
    title,
    holderMasked: common.holderMasked,
    idNumberMasked: common.idNumberMasked,
    lines,
  });

  switch (records.kind) {
    case 'enrollmentCertificate': {
      const insurances = [...records.insurances].sort(byTypeOrder);
      const months = monthsByType(records.contributions);
      const pensionMonths = months.get('pension') ?? 0;
      const rows: TableRow[] = insurances
        .map((i) => [
          TYPE_NAMES[i.type],
          SCHEME_NAMES[i.scheme],
          STATUS_NAMES[i.status],
          i.since,
          formatMonths(months.get(i.type) ?? 0),
        ])
        .map((cells) => ({ cells }));
      const facts: DocumentFacts = {
        kind: 'enrollmentCertificate',
        ...common,
        insurances: insurances.map((i) => ({ ...i, months: months.get(i.type) ?? 0 })),
        pensionMonths,
      };
      const active = insurances.filter((i) => i.status === 'active').map((i) => TYPE_NAMES[i.type]);
      return {
        facts,
        layout: {
          ...base,
          infoLines: [
            `截至 ${clock.dateText}，参保险种 ${insurances.length} 项，其中正常参保 ${active.length} 项。`,
            `养老保险累计缴费年限：${formatMonths(pensionMonths)}（${pensionMonths} 个月）`,
          ],
          table: {
            columns: [
              { header: '险种', width: 1.3, align: 'left' },
              { header: '参保类别', width: 1.1, align: 'center' },
              { header: '参保状态', width: 1.1, align: 'center' },
              { header: '参保日期', width: 1.2, align: 'center' },
              { header: '累计缴费', width: 1.2, align: 'right' },
            ],
            rows,
          },
          notes: [
            `兹证明 ${context.holder.name} 在本地参加社会保险，参保情况如上表所列。`,
            '本证明所列信息来自社会保险经办机构的记录，截至打印时间。',
            checkNote,
          ],
        },
        preview: preview([
          ...insurances.map(
            (i) =>
              `${TYPE_NAMES[i.type]}：${SCHEME_NAMES[i.scheme]}，${STATUS_NAMES[i.status]}，${i.since} 起`,
          ),
          `养老保险累计缴费 ${formatMonths(pensionMonths)}`,
        ]),
      };
    }

    case 'contributionDetails': {
      const contributions = [...records.contributions].sort((a, b) => a.year - b.year || byTypeOrder(a, b));
      const totals: Partial<Record<InsuranceType, { months: number; amountCents: number }>> = {};
      for (const c of contributions) {
        const t = totals[c.type] ?? { months: 0, amountCents: 0 };
        t.months += c.months;
        t.amountCents += c.amountCents;
        totals[c.type] = t;
      }
      const totalCents = contributions.reduce((sum, c) => sum + c.amountCents, 0);
      const typeTotals = TYPE_ORDER.flatMap((type) => {
        const t = totals[type];
        return t ? [{ type, ...t }] : [];
      });
      const rows: TableRow[] = contributions.map((c) => ({
        cells: [
          `${c.year}`,
          TYPE_NAMES[c.type],
          `${c.months}`,
          formatYuan(c.baseCents),
          formatYuan(c.amountCents),
        ],
      }));
      for (const t of typeTotals) {
        rows.push({
          cells: ['小计', TYPE_NAMES[t.type], `${t.months}`, '', formatYuan(t.amountCents)],
          total: true,
        });
      }
      rows.push({ cells: ['合计', '', '', '', formatYuan(totalCents)], total: true });
      const period = `${records.fromYear}年至${records.toYear}年`;
      return {
        facts: {
          kind: 'contributionDetails',
          ...common,
          fromYear: records.fromYear,
          toYear: records.toYear,
          totals,
          totalCents,
        },
        layout: {
          ...base,
          infoLines: [
            `缴费期间：${period}`,
            `缴费合计：${formatYuan(totalCents)} 元（${typeTotals.length} 个险种，${contributions.length} 条记录）`,
          ],
          table: {
            columns: [
              { header: '年度', width: 0.8, align: 'center' },
              { header: '险种', width: 1.2, align: 'left' },
              { header: '缴费月数', width: 0.9, align: 'right' },
              { header: '缴费基数/档次（元）', width: 1.6, align: 'right' },
              { header: '缴费金额（元）', width: 1.5, align: 'right' },
            ],
            rows,
          },
          notes: [
            '缴费基数：城镇职工为月缴费基数，城乡居民为年缴费档次；缴费金额含单位和个人缴纳部分。',
            '本明细所列信息来自社会保险经办机构的记录，截至打印时间。',
            checkNote,
          ],
        },
        preview: preview([
          `缴费期间：${period}`,
          ...typeTotals.map(
            (t) => `${TYPE_NAMES[t.type]}：${t.months} 个月，${formatYuan(t.amountCents)} 元`,
          ),
          `合计：${formatYuan(totalCents)} 元`,
        ]),
      };
    }

    case 'pensionPayments': {
      const payments = [...records.payments].sort((a, b) => (a.month < b.month ? -1 : 1));
      const paid = payments.filter((p) => p.status === 'paid');
      const withheld = payments.filter((p) => p.status === 'withheld');
      const sum = (list: PensionPaymentRecord[]) => list.reduce((s, p) => s + p.amountCents, 0);
      const rows: TableRow[] = payments.map((p) => ({
        cells: [
          monthText(p.month),
          formatYuan(p.amountCents),
          PAYMENT_STATUS_NAMES[p.status],
          p.paidAt ? chinaClock(p.paidAt).text.slice(0, 10) : '—',
        ],
      }));
      rows.push({
        cells: [`已发放 ${paid.length} 个月`, formatYuan(sum(paid)), '', ''],
        total: true,
      });
      if (withheld.length > 0) {
        rows.push({
          cells: [`暂停发放 ${withheld.length} 个月`, formatYuan(sum(withheld)), '', ''],
          total: true,
        });
      }
      const period = `${monthText(records.fromMonth)}至${monthText(records.toMonth)}`;
      return {
        facts: {
          kind: 'pensionPayments',
          ...common,
          fromMonth: records.fromMonth,
          toMonth: records.toMonth,
          paidMonths: paid.length,
          paidCents: sum(paid),
          withheldMonths: withheld.length,
          withheldCents: sum(withheld),
        },
        layout: {
          ...base,
          infoLines: [
            `发放期间：${period}`,
            `已发放：${paid.length} 个月，合计 ${formatYuan(sum(paid))} 元` +
              (withheld.length > 0
                ? `；暂停发放：${withheld.length} 个月，合计 ${formatYuan(sum(withheld))} 元`
                : ''),
          ],
          table: {
            columns: [
              { header: '发放月份', width: 1.2, align: 'center' },
              { header: '发放金额（元）', width: 1.3, align: 'right' },
              { header: '发放状态', width: 1.8, align: 'center' },
              { header: '发放日期', width: 1.2, align: 'center' },
            ],
            rows,
          },
          notes: [
            '暂停发放的月份在完成待遇领取资格认证后补发。',
            '本记录所列信息来自社会保险经办机构的记录，截至打印时间。',
            checkNote,
          ],
        },
        preview: preview([
          `发放期间：${period}`,
          `已发放 ${paid.length} 个月，合计 ${formatYuan(sum(paid))} 元`,
          ...(withheld.length > 0
            ? [`暂停发放 ${withheld.length} 个月，合计 ${formatYuan(sum(withheld))} 元`]
            : []),
        ]),
      };
    }
  }
}
