import type { DeclineCode } from '../../integrations/bank-host/protocol.ts';
import type { PaymentRow } from '../../repositories/payments.ts';
import type { ContributionPaymentOutcome } from '../payments.ts';

/** Plain Chinese, shown on the kiosk and read aloud. */
export const DECLINE_REASONS: Record<DeclineCode, string> = {
  INSUFFICIENT_FUNDS: '银行账户余额不足，本次未扣款',
  WRONG_PIN: '密码错误，本次未扣款，请重新输入密码',
  PIN_LOCKED: '密码错误次数过多，账户已被银行锁定，请到银行柜台办理',
  NO_SUCH_ACCOUNT: '银行账户不存在或已销户，请到银行柜台核实',
  INVALID_PIN_BLOCK: '密码校验失败，本次未扣款，请重新输入密码',
  DECLINED: '银行拒绝了本次扣款，请联系开户银行',
  REQUEST_VOIDED: '银行未受理本次扣款，本次未扣款',
};

export const REASONS = {
  bankUnreachable: '银行系统暂时无法连接，本次未扣款，请稍后再试',
  bankNeverReceived: '银行未收到本次扣款请求，本次未扣款',
  pending: '银行尚未确认扣款结果，正在查询，请勿重复缴费，稍后可查询结果',
  gatewayUnreachable: '支付平台暂时无法连接，请稍后再试或选择银行卡缴费',
  qrExpired: '二维码已过期，未付款',
  qrClosed: '扫码缴费已取消，未付款',
} as const;

/** The name the receipt shows for QR payments. */
export const QR_CHANNEL = '扫码支付';

export function toOutcome(row: PaymentRow): ContributionPaymentOutcome {
  const outcome: ContributionPaymentOutcome = {
    paymentId: row.payment_id,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    personId: row.person_id,
    year: row.year,
    amountCents: row.amount_cents,
    method: row.method,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.status === 'pending') outcome.reason = row.reason ?? REASONS.pending;
  else if (row.reason) outcome.reason = row.reason;
  if (row.status === 'awaitingQr' && row.qr_content && row.qr_expires_at)
    outcome.qr = { content: row.qr_content, expiresAt: row.qr_expires_at.toISOString() };
  if (row.status === 'posted' && row.upstream_ref && row.upstream_at && row.posted_at) {
    outcome.receipt = {
      paymentId: row.payment_id,
      personId: row.person_id,
      year: row.year,
      amountCents: row.amount_cents,
      method: row.method,
      payee: row.paid_through,
      maskedAccount: row.masked_account,
      upstreamRef: row.upstream_ref,
      paidAt: row.upstream_at.toISOString(),
      postedAt: row.posted_at.toISOString(),
    };
  }
  return outcome;
}
