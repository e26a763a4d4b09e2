import type { SummaryLine } from '@sik/contract';
import type { FlowContext } from './flow.ts';
import { yuan } from './flow.ts';
import { gradeQuestion, paymentMethodQuestion } from './form.ts';
import { isFinal, PayingFlow, type PaymentAttempt, paymentItem } from './paying-flow.ts';
import type { FlowServices, PaymentChoices, PaymentResult } from './services.ts';

/**
 * Contribution payment (社保缴费) for the residents' pension: grade, method, confirmation, then the PIN pad
 * or a QR on screen. Exactly once: the journal holds the idempotency key before the request leaves; a lost
 * answer is resolved by asking, and a retry after a decline is a new payment with a new key.
 */
export class PaymentFlow extends PayingFlow {
  private choices: PaymentChoices | null = null;

  constructor(
    ctx: FlowContext,
    protected readonly services: FlowServices,
  ) {
    super('contributionPayment', ctx);
  }

  async start(): Promise<void> {
    const choices = await this.load(
      'checking',
      () => this.services.paymentChoices(this.ctx.citizen.personId),
      {
        back: { type: 'loading', label: 'checking' },
        retry: () => this.start(),
      },
    );
    if (!choices) return;
    if (!choices.eligible) {
      this.show({ type: 'notEligible', reasons: choices.reasons });
      return;
    }
    this.choices = choices;
    this.startForm([
      gradeQuestion(choices.gradesYuan),
      paymentMethodQuestion(
        choices.account && {
          bankName: choices.account.bankName,
          accountMasked: choices.account.accountMasked,
        },
      ),
    ]);
  }

  protected confirmLines(): SummaryLine[] {
    const choices = this.choices;
    const lines: SummaryLine[] = [
      { label: '缴费险种', value: '城乡居民基本养老保险' },
      { label: '缴费年度', value: `${choices?.year ?? ''}年` },
      { label: '缴费金额', value: yuan(this.amountCents()) },
    ];
    lines.push(this.methodLine(choices?.account ?? null));
    return lines;
  }

  protected async submit(): Promise<void> {
    const choices = this.choices;
    if (!choices) return;
    const confirm = this.step;
    const amountCents = this.amountCents();
    const method = await this.paymentMethod(choices.account, amountCents, confirm);
    if (!method) return;
    const attempt = this.newAttempt(amountCents, choices.year);
    const request = {
      personId: this.ctx.citizen.personId,
      year: choices.year,
      amountCents,
      method,
      idempotencyKey: attempt.idempotencyKey,
    };
    const sent = await this.sendPayment(attempt, method.kind, () => this.services.pay(request));
    if ('answer' in sent && !sent.answer.ok) {
      this.committing = false;
      if (this.disposed) return;
      this.restore(confirm);
      this.fail(sent.answer.code, sent.answer.message, null);
      return;
    }
    let payment = 'answer' in sent ? (sent.answer.ok ? sent.answer.data : null) : sent.lost;
    if (payment?.status === 'awaitingQr') payment = await this.awaitQr(payment, attempt.idempotencyKey);
    else if (payment && !isFinal(payment)) {
      const resolved = await this.resolveByKey(attempt.idempotencyKey);
      if (resolved?.ok) payment = resolved.data;
    }
    await this.finish(attempt, payment);
  }

  private async finish(attempt: PaymentAttempt, payment: PaymentResult | null): Promise<void> {
    this.settle(attempt, payment);
    const paper = payment ? await this.printReceipt(payment) : { printed: null, printProblem: null };
    this.committing = false;
    this.forgetHistory();
    const item = paymentItem(payment, attempt.amountCents);
    this.show({
      type: 'result',
      outcome: item.status === 'done' ? 'success' : item.status === 'failed' ? 'failure' : 'pending',
      items: [item],
      ...paper,
    });
  }
}
