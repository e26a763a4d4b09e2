import type { BundleItemResult } from '@sik/contract';
import { ApiError } from '../../errors.ts';
import type { ContributionPaymentOutcome } from '../payments.ts';

/**
 * The contribution item's result from the payment service's outcome, in words for the citizen. Whatever happens
 * to the payment, the items written before it stand; the message says so when the payment did not go through.
 */

const yuan = (cents: number): string => (cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2));

export function contributionResult(
  item: string,
  year: number,
  outcome: ContributionPaymentOutcome,
): BundleItemResult {
  const base = { item, kind: 'contribution' as const, reference: outcome.paymentId };
  const amount = `${year}年度城乡居民养老保险费${yuan(outcome.amountCents)}元`;
  switch (outcome.status) {
    case 'posted':
      return { ...base, status: 'done', message: `已缴纳${amount}` };
    case 'awaitingQr':
      return {
        ...base,
        status: 'awaitingPayment',
        message: `请用手机扫码支付${amount}`,
        ...(outcome.qr ? { qr: outcome.qr } : {}),
      };
    case 'pending':
      return {
        ...base,
        status: 'queued',
        message: `${amount}的扣款结果银行尚未返回，系统会向银行查询确认，不会重复扣款；可稍后在缴费查询中查看结果`,
      };
    case 'declined':
      return {
        ...base,
        status: 'failed',
        message: `缴费未成功：${outcome.reason ?? '银行拒绝了这笔扣款'}。其他事项已办理，可稍后单独缴费`,
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        message: `缴费未成功：${outcome.reason ?? '未能完成扣款'}。其他事项已办理，可稍后单独缴费`,
      };
  }
}

/**
 * The payment service threw: the item failed. A refusal's message is meant for people and is passed on; any
 * other error's text is not shown (it may hold internal detail), the citizen is told the system could not do it.
 */
export function contributionError(item: string, error: unknown): BundleItemResult {
  const reason = error instanceof ApiError ? error.message : '系统暂时无法处理缴费';
  return {
    item,
    kind: 'contribution',
    status: 'failed',
    message: `缴费未能办理（${reason}）。其他事项已办理，可稍后单独缴费`,
    reference: null,
  };
}
