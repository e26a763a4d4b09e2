import { err, type PaymentOutcome, type Result } from '@sik/contract';
import type { ServerClient } from '../server-client/client.ts';
import type { FlowServices, PaymentResult } from './services.ts';

const map = <T, U>(result: Result<T>, fn: (data: T) => U): Result<U> =>
  result.ok ? { ok: true, data: fn(result.data) } : result;

const yuanText = (cents: number) => `${(cents / 100).toFixed(2)}元`;

/** The server's payment outcome in the flows' terms, with the receipt's lines ready for the printer. */
export function paymentResult(outcome: PaymentOutcome): PaymentResult {
  const receipt = outcome.receipt;
  return {
    paymentId: outcome.paymentId,
    status: outcome.status,
    amountCents: outcome.amountCents,
    reason: outcome.reason ?? null,
    qr: outcome.qr ?? null,
    receipt: receipt
      ? {
          reference: receipt.paymentId,
          lines: [
            { label: '险种', value: '城乡居民基本养老保险' },
            { label: '缴费年度', value: `${receipt.year}年` },
            { label: '金额', value: yuanText(receipt.amountCents) },
            { label: '支付渠道', value: receipt.payee },
            ...(receipt.maskedAccount ? [{ label: '账户', value: receipt.maskedAccount }] : []),
            { label: '交易参考号', value: receipt.upstreamRef },
            { label: '缴费时间', value: receipt.paidAt.replace('T', ' ').slice(0, 19) },
            { label: '业务流水号', value: receipt.paymentId },
          ],
        }
      : null,
  };
}

/** The flows' server calls bound to the contract's routes. */
export function createFlowServices(server: ServerClient): FlowServices {
  return {
    async recordsSummary(personId) {
      const answer = await server.request('recordsSummary', { query: { personId } });
      return map(answer, (s) => ({
        insurances: s.insurances,
        pension: s.pension && {
          status: s.pension.status,
          monthlyAmountCents: s.pension.monthlyAmountCents,
          nextAuthenticationDue: s.pension.nextAuthenticationDue,
        },
        personalAccountCents: s.personalAccount.creditedCents,
        contributionYears: s.contribution.years,
      }));
    },
    async recordsContributions(personId) {
      const answer = await server.request('recordsContributions', { query: { personId } });
      return map(answer, (r) =>
        r.years.flatMap((y) =>
          y.entries.map((e) => ({
            year: y.year,
            type: e.type,
            months: e.months,
            amountCents: e.amountCents,
          })),
        ),
      );
    },
    async recordsPensionPayments(personId) {
      const answer = await server.request('recordsPensionPayments', { query: { personId } });
      return map(answer, (r) =>
        r.months.map(({ month, amountCents, status }) => ({ month, amountCents, status })),
      );
    },
    async issueDocument() {
      return err('SERVICE_UNAVAILABLE', 'documents are not bound yet');
    },
    async enrollmentCheck() {
      return err('SERVICE_UNAVAILABLE', 'enrollment is not bound yet');
    },
    async enrollmentSubmit() {
      return err('SERVICE_UNAVAILABLE', 'enrollment is not bound yet');
    },
    async paymentChoices(personId) {
      const answer = await server.request('paymentOptions', { body: { personId } });
      return map(answer, (o) => ({
        eligible: o.eligible,
        reasons: o.reason ? [o.reason] : [],
        year: o.year,
        gradesYuan: o.gradesCents.map((c) => c / 100),
        account: null,
      }));
    },
    async pay(request) {
      const answer = await server.request('paymentCreate', { body: request });
      return map(answer, paymentResult);
    },
    async paymentByKey(idempotencyKey) {
      const answer = await server.request('paymentStatusByKey', { params: { idempotencyKey } });
      return map(answer, paymentResult);
    },
    async bundleForm() {
      return err('SERVICE_UNAVAILABLE', 'bundles are not bound yet');
    },
    async bundleSubmit() {
      return err('SERVICE_UNAVAILABLE', 'bundles are not bound yet');
    },
  };
}
