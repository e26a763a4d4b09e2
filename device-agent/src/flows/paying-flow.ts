import { randomUUID } from 'node:crypto';
import type { FlowStep, Result, ResultItem } from '@sik/contract';
import { createLogger } from '../log.ts';
import { yuan } from './flow.ts';
import { FormFlow } from './form.ts';
import type { FlowServices, LinkedAccount, PaymentMethodInput, PaymentResult } from './services.ts';

const log = createLogger('payment');

export const PIN_LENGTH = 6;
const PIN_TIMEOUT_MS = 60_000;
/** How often a QR payment or an unknown outcome is asked about, and for how long, before "pending". */
const POLL_MS = 1_500;
const RESOLVE_TRIES = 4;

/** A payment the kiosk has sent: the journal entry is open until its outcome is known. */
export interface PaymentAttempt {
  /** The key of the request the kiosk sends (a payment, or a bundle submission). */
  idempotencyKey: string;
  /** The key the payment itself is known by on the server (for a bundle, derived from the submission's). */
  paymentKey: string;
  amountCents: number;
  year: number;
}

/**
 * The part of a flow that moves money: PIN on the PIN pad (or a QR on screen), the journal entry written
 * before the request leaves, the outcome found by asking again (never by paying again) when the answer is lost,
 * and the receipt printed only once the server says the payment is posted.
 */
export abstract class PayingFlow extends FormFlow {
  protected abstract readonly services: FlowServices;
  /** Aborts the PIN entry under way (the citizen tapped back on the screen instead of cancel on the pad). */
  private pinEntry: AbortController | null = null;

  /** "Back" during PIN entry cancels the entry on the pad; the flow then returns to the confirmation. */
  override back(): void {
    if (this.pinEntry) {
      this.pinEntry.abort();
      return;
    }
    super.back();
  }

  /** The chosen yearly grade, in fen. */
  protected amountCents(): number {
    return Number(this.answers.grade) * 100;
  }

  /** How the citizen chose to pay, as the confirmation states it. */
  protected methodLine(account: LinkedAccount | null): { label: string; value: string } {
    return this.answers.paymentMethod === 'bankAccount' && account
      ? { label: '扣款账户', value: `${account.bankName} ${account.accountMasked}` }
      : { label: '支付方式', value: '手机扫码支付' };
  }

  /**
   * The payment method the citizen chose, with the PIN block when it is the bank account; null when the PIN
   * entry did not finish (the flow is back on `returnTo`).
   */
  protected async paymentMethod(
    account: LinkedAccount | null,
    amountCents: number,
    returnTo: FlowStep,
  ): Promise<PaymentMethodInput | null> {
    if (this.answers.paymentMethod !== 'bankAccount' || !account) return { kind: 'qr' };
    const pinBlockHex = await this.collectPin(account, amountCents, returnTo);
    return pinBlockHex ? { kind: 'bankAccount', pinBlockHex } : null;
  }

  /**
   * PIN entry on the pad for `account`; returns the encrypted block, or null when the citizen cancelled or the
   * pad failed (the flow is then back on `returnTo` with the reason shown).
   */
  protected async collectPin(
    account: LinkedAccount,
    amountCents: number,
    returnTo: FlowStep,
  ): Promise<string | null> {
    const pinStep = (keysEntered: number): FlowStep => ({
      type: 'pin',
      keysEntered,
      pinLength: PIN_LENGTH,
      accountMasked: account.accountMasked,
      bankName: account.bankName,
      amountCents,
    });
    // The PIN screen shows once the pad reports entry has begun (its first key count, 0): a key pressed before
    // the pad is listening would be lost, and the screen must not ask for what the pad cannot yet take.
    this.pinEntry = new AbortController();
    const entered = await this.ctx.peripherals.enterPin(
      { accountNumber: account.accountNumber, pinLength: PIN_LENGTH, timeoutMs: PIN_TIMEOUT_MS },
      (count) => {
        this.ctx.activity();
        this.show(pinStep(count));
      },
      AbortSignal.any([this.abort.signal, this.pinEntry.signal]),
    );
    this.pinEntry = null;
    if (this.disposed) return null;
    if (!entered.ok) {
      this.restore(returnTo);
      this.fail(entered.reason === 'canceled' ? 'CANCELED' : 'DEVICE_NOT_READY', entered.message, null);
      return null;
    }
    return entered.pinBlockHex;
  }

  /**
   * Sends the payment (through `send`, which the caller binds to a plain payment or a bundle submission) under
   * a journal entry. When the answer is lost, the outcome is asked for by the payment's key (never paid again):
   * `lost` carries what was found, null while still unknown (the journal keeps the entry for recovery).
   */
  protected async sendPayment<T>(
    attempt: PaymentAttempt,
    method: PaymentMethodInput['kind'],
    send: () => Promise<Result<T>>,
  ): Promise<{ answer: Result<T> } | { lost: PaymentResult | null }> {
    const { journal } = this.ctx;
    journal.begin('payment', attempt.idempotencyKey, {
      flow: this.kind,
      year: attempt.year,
      amountCents: attempt.amountCents,
      method,
      paymentKey: attempt.paymentKey,
    });
    this.committing = true;
    this.show({ type: 'loading', label: 'paying' });
    const answer = await send();
    if (answer.ok || (answer.code !== 'SERVER_UNREACHABLE' && answer.code !== 'INTERNAL')) {
      if (!answer.ok) journal.finish(attempt.idempotencyKey, `refused:${answer.code}`);
      return { answer };
    }
    log.warn({ code: answer.code }, 'payment answer lost; asking for the outcome by key');
    const found = await this.resolveByKey(attempt.paymentKey);
    return { lost: found?.ok ? found.data : null };
  }

  /** Asks the server for the outcome of a payment by its key until it is final or the tries run out. */
  protected async resolveByKey(idempotencyKey: string): Promise<Result<PaymentResult> | null> {
    for (let attempt = 0; attempt < RESOLVE_TRIES; attempt += 1) {
      await sleep(POLL_MS * (attempt + 1));
      const found = await this.services.paymentByKey(idempotencyKey);
      if (found.ok && isFinal(found.data)) return found;
    }
    return null;
  }

  /** Waits for a QR payment to be paid at the gateway (or to expire); null when still open at the deadline. */
  protected async awaitQr(payment: PaymentResult, idempotencyKey: string): Promise<PaymentResult | null> {
    const qr = payment.qr;
    if (!qr) return payment;
    this.committing = false; // the citizen may walk away from a QR nobody paid: nothing moves until it is paid
    this.show({ type: 'qr', content: qr.content, amountCents: payment.amountCents, expiresAt: qr.expiresAt });
    const deadline = Date.parse(qr.expiresAt);
    while (!this.disposed && Date.now() < deadline + POLL_MS) {
      await sleep(POLL_MS);
      if (this.disposed) break;
      const found = await this.services.paymentByKey(idempotencyKey);
      if (found.ok && found.data.status !== 'awaitingQr') {
        this.committing = true;
        return found.data;
      }
    }
    return null;
  }

  /** Closes the journal entry with the final outcome; pending ones stay open for recovery. */
  protected settle(attempt: PaymentAttempt, payment: PaymentResult | null): void {
    if (payment && isFinal(payment)) this.ctx.journal.finish(attempt.idempotencyKey, payment.status);
  }

  /** The receipt, printed only for a posted payment; returns what the result step says about paper. */
  protected async printReceipt(
    payment: PaymentResult,
  ): Promise<{ printed: 'receipt' | null; printProblem: string | null }> {
    if (payment.status !== 'posted' || !payment.receipt) return { printed: null, printProblem: null };
    const printed = await this.ctx.peripherals.printReceipt(
      {
        title: '社会保险费缴费凭证',
        lines: payment.receipt.lines,
        qr: payment.receipt.reference,
        footer: '请妥善保管本凭证',
      },
      AbortSignal.timeout(30_000),
    );
    if (printed.ok) return { printed: 'receipt', printProblem: null };
    return { printed: null, printProblem: `缴费已成功，但凭条未能打印：${printed.message}。可到柜台补打。` };
  }

  protected newAttempt(
    amountCents: number,
    year: number,
    paymentKeyOf = (key: string) => key,
  ): PaymentAttempt {
    const idempotencyKey = randomUUID();
    return { idempotencyKey, paymentKey: paymentKeyOf(idempotencyKey), amountCents, year };
  }
}

export function isFinal(payment: PaymentResult): boolean {
  return payment.status === 'posted' || payment.status === 'declined' || payment.status === 'failed';
}

/** The result line for a payment, in words for the citizen. */
export function paymentItem(payment: PaymentResult | null, amountCents: number): ResultItem {
  if (!payment)
    return {
      item: 'contribution',
      status: 'pending',
      message: `${yuan(amountCents)}的缴费结果正在确认，不会重复扣款；结果出来后可在“参保查询”中查看。`,
      reference: null,
    };
  switch (payment.status) {
    case 'posted':
      return {
        item: 'contribution',
        status: 'done',
        message: `已缴费${yuan(payment.amountCents)}。`,
        reference: payment.paymentId,
      };
    case 'declined':
    case 'failed':
      return {
        item: 'contribution',
        status: 'failed',
        message: `缴费未成功：${payment.reason ?? '银行未能扣款'}。没有扣款。`,
        reference: payment.paymentId,
      };
    case 'awaitingQr':
    case 'pending':
      return {
        item: 'contribution',
        status: 'pending',
        message: '缴费结果正在确认，不会重复扣款。',
        reference: payment.paymentId,
      };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
