import type { ResultItem, SummaryLine } from '@sik/contract';
import { enrollmentAnswers, enrollmentLines } from './enrollment.ts';
import { type FlowContext, yuan } from './flow.ts';
import {
  commitmentQuestion,
  gradeQuestion,
  householdQuestion,
  paymentMethodQuestion,
  phoneQuestion,
  type Question,
  residenceProofQuestion,
} from './form.ts';
import { isFinal, PayingFlow, paymentItem } from './paying-flow.ts';
import type { BundleForm, FlowServices, PaymentResult } from './services.ts';

/** The bundle engine pays the contribution item under the submission's key with this suffix. */
export const bundlePaymentKey = (submissionKey: string): string => `${submissionKey}-contribution`;

/**
 * A bundled matter (一件事): one form whose questions are the union of the items' fields, one confirmation,
 * one PIN, one submission the server splits into its items, and one answer that says what happened to each.
 */
export class BundleFlow extends PayingFlow {
  private form: BundleForm | null = null;

  constructor(
    ctx: FlowContext,
    protected readonly services: FlowServices,
    bundleId: string,
  ) {
    super('bundle', ctx, bundleId);
  }

  async start(): Promise<void> {
    const bundleId = this.bundleId ?? '';
    const form = await this.load(
      'checking',
      () => this.services.bundleForm(bundleId, this.ctx.citizen.personId),
      {
        back: { type: 'loading', label: 'checking' },
        retry: () => this.start(),
      },
    );
    if (!form) return;
    if (!form.eligible) {
      this.show({ type: 'notEligible', reasons: form.reasons });
      return;
    }
    this.form = form;
    const account = form.account && {
      bankName: form.account.bankName,
      accountMasked: form.account.accountMasked,
    };
    // The server's field list decides which questions are asked, in its order; each is asked once.
    const byField: Record<string, Question[]> = {
      grade: [gradeQuestion(form.gradesYuan)],
      phone: [phoneQuestion(form.phone)],
      householdType: [householdQuestion],
      residenceProof: [residenceProofQuestion, commitmentQuestion()],
      paymentMethod: [paymentMethodQuestion(account)],
    };
    this.startForm(form.fields.flatMap((field) => byField[field] ?? []));
  }

  protected confirmLines(): SummaryLine[] {
    const form = this.form;
    const lines = enrollmentLines(enrollmentAnswers(this.answers));
    lines.push({ label: `${form?.year ?? ''}年度首次缴费`, value: yuan(this.amountCents()) });
    lines.push(this.methodLine(form?.account ?? null));
    lines.push({ label: '社会保障卡', value: '同时申领' });
    return lines;
  }

  protected async submit(): Promise<void> {
    const form = this.form;
    if (!form) return;
    const confirm = this.step;
    const amountCents = this.amountCents();
    const payment = await this.paymentMethod(form.account, amountCents, confirm);
    if (!payment) return;
    const attempt = this.newAttempt(amountCents, form.year, bundlePaymentKey);
    const request = {
      bundleId: this.bundleId ?? '',
      personId: this.ctx.citizen.personId,
      idempotencyKey: attempt.idempotencyKey,
      answers: enrollmentAnswers(this.answers),
      payment,
    };
    const sent = await this.sendPayment(attempt, payment.kind, () => this.services.bundleSubmit(request));
    if ('answer' in sent && !sent.answer.ok) {
      this.committing = false;
      if (this.disposed) return;
      this.restore(confirm);
      this.fail(sent.answer.code, sent.answer.message, null);
      return;
    }
    // A lost answer: what the items became is asked for later; the payment is resolved by its key.
    const answer = 'answer' in sent && sent.answer.ok ? sent.answer.data : null;
    const items: ResultItem[] = answer ? [...answer.items] : [];
    let paid: PaymentResult | null = answer ? answer.payment : 'lost' in sent ? sent.lost : null;
    if (paid?.status === 'awaitingQr') paid = await this.awaitQr(paid, attempt.paymentKey);
    else if (paid && !isFinal(paid)) {
      const resolved = await this.resolveByKey(attempt.paymentKey);
      if (resolved?.ok) paid = resolved.data;
    }
    this.settle(attempt, paid);
    // The contribution line reflects what is known now (a QR paid after the answer, a resolved timeout).
    const contribution = paymentItem(paid, amountCents);
    const merged = items.some((i) => i.item === 'contribution')
      ? items.map((i) => (i.item === 'contribution' && paid ? contribution : i))
      : [...items, contribution];
    const paper = paid ? await this.printReceipt(paid) : { printed: null, printProblem: null };
    this.committing = false;
    this.forgetHistory();
    const failed = merged.filter((i) => i.status === 'failed').length;
    const pending = merged.some((i) => i.status === 'pending' || i.status === 'awaitingPayment');
    this.show({
      type: 'result',
      outcome: !answer
        ? 'pending'
        : failed === merged.length
          ? 'failure'
          : failed > 0
            ? 'partial'
            : pending
              ? 'pending'
              : 'success',
      items: answer ? merged : [paymentItem(paid, amountCents)],
      ...paper,
    });
  }
}
