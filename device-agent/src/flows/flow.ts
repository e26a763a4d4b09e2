import { randomUUID } from 'node:crypto';
import type {
  ErrorCode,
  FlowKind,
  FlowStep,
  FlowView,
  IdCardIdentity,
  RecordsView,
  Result,
} from '@sik/contract';
import type { Journal } from '../journal/journal.ts';
import { createLogger } from '../log.ts';
import type { FaceVerificationHost } from './face-verification.ts';
import type { Peripherals } from './peripherals.ts';

const log = createLogger('flow');

/** Who the flow serves: the person the server matched to the card just read. Never published. */
export interface FlowCitizen {
  personId: string;
  identity: IdCardIdentity;
  /**
   * The photo of the card just read (WLT, as the chip holds it), held by the session for this visit and
   * overwritten with zeros when it ends. Flows read it, never keep a copy, and never put it in a view.
   */
  idCardPhoto?: Uint8Array;
}

/** What every flow is given by the session. */
export interface FlowContext {
  citizen: FlowCitizen;
  peripherals: Peripherals;
  journal: Journal;
  /** Called after every change of the flow's view. */
  changed(): void;
  /** Activity that is not a touch on the screen (keys on the PIN pad) keeps the session alive. */
  activity(): void;
}

/** Thrown by a flow for a command that does not fit its current step. */
export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    readonly code: 'WRONG_PHASE' | 'INVALID_INPUT',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The base of every service flow: the current step, a history for "back", the last error, and the rule that a
 * step awaiting the server or a device cannot be left behind by a second tap. Subclasses say what each answer
 * means. A flow holds personal data only in its own fields and drops it in dispose().
 */
export abstract class Flow {
  readonly flowId = randomUUID();
  protected step: FlowStep = { type: 'loading', label: 'checking' };
  protected error: { code: ErrorCode; message: string } | null = null;
  protected progress: { index: number; total: number } | null = null;
  private readonly history: FlowStep[] = [];
  /** The last step that was not a loading step: where "back" returns to from the next question. */
  private stable: FlowStep | null = null;
  protected disposed = false;
  /** Aborts device calls and stops polling when the visit ends. */
  protected readonly abort = new AbortController();
  /** Set while money or a submission is in flight: the citizen cannot leave or go back then. */
  protected committing = false;
  private retryAction: (() => Promise<void>) | null = null;

  constructor(
    readonly kind: FlowKind,
    protected readonly ctx: FlowContext,
    readonly bundleId: string | null = null,
  ) {}

  /** Starts the flow (first server call). */
  abstract start(): Promise<void>;
  /** The citizen's answer to the current step. */
  protected abstract onAnswer(value: string): Promise<void>;

  view(): FlowView {
    return {
      flowId: this.flowId,
      kind: this.kind,
      bundleId: this.bundleId,
      step: this.step,
      progress: this.progress,
      canGoBack: this.history.length > 0 && !this.committing && this.step.type !== 'result',
      error: this.error,
    };
  }

  async answer(value: string): Promise<void> {
    if (this.step.type === 'loading' || this.committing)
      throw new FlowError('WRONG_PHASE', 'the kiosk is still working on the last answer');
    this.error = null;
    await this.onAnswer(value);
  }

  back(): void {
    if (this.committing) throw new FlowError('WRONG_PHASE', 'cannot go back while this is being processed');
    const previous = this.history.pop();
    if (!previous) throw new FlowError('WRONG_PHASE', 'there is no previous step');
    this.error = null;
    this.step = previous;
    this.stable = previous;
    this.onBack(previous);
    this.changed();
  }

  /** Records flows show details; others refuse. */
  async showRecords(_view: RecordsView): Promise<void> {
    throw new FlowError('WRONG_PHASE', 'this service has no records views');
  }

  async print(): Promise<void> {
    throw new FlowError('WRONG_PHASE', 'there is nothing to print here');
  }

  async retry(): Promise<void> {
    const action = this.retryAction;
    if (!action || this.committing) throw new FlowError('WRONG_PHASE', 'there is nothing to retry');
    this.error = null;
    this.retryAction = null;
    this.background(action);
  }

  /**
   * Work that waits on people or devices (a PIN, a QR paid from a phone, a printer): the command that started
   * it is answered at once, and what happens next reaches the UI as published steps.
   */
  protected background(work: () => Promise<void>): void {
    void work().catch((error: unknown) => {
      this.committing = false;
      log.error({ flow: this.kind, err: (error as Error).message }, 'flow step crashed');
      this.fail('INTERNAL', '出现了意外问题，请重试或联系工作人员', null);
    });
  }

  /** Whether the citizen may leave now (false while a payment or submission is in flight). */
  canExit(): boolean {
    return !this.committing;
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.wipe();
  }

  /** Subclasses overwrite the personal data they hold. */
  protected wipe(): void {}

  /** Subclasses adjust their own answers when the citizen goes back to `step`. */
  protected onBack(_step: FlowStep): void {}

  /** Moves to a new question, remembering the current one for "back". */
  protected ask(step: FlowStep): void {
    if (this.stable) this.history.push(this.stable);
    this.step = step;
    this.stable = step;
    this.changed();
  }

  /** Replaces the current step without a way back to it (loading, results). */
  protected show(step: FlowStep): void {
    this.step = step;
    if (step.type !== 'loading') this.stable = step;
    this.changed();
  }

  /** Goes back to a step shown before (after a failure), without adding to the history. */
  protected restore(step: FlowStep): void {
    this.step = step;
    this.stable = step;
  }

  protected forgetHistory(): void {
    this.history.length = 0;
  }

  protected fail(code: ErrorCode, message: string, retry: (() => Promise<void>) | null): void {
    this.error = { code, message };
    this.retryAction = retry;
    log.info({ flow: this.kind, code }, 'flow step failed');
    this.changed();
  }

  /**
   * A server call with the loading step shown, and its failure shown on `back` (the step to return to) with a
   * retry; returns null on failure.
   */
  protected async load<T>(
    label: Extract<FlowStep, { type: 'loading' }>['label'],
    call: () => Promise<Result<T>>,
    onFailure: { back: FlowStep; retry: () => Promise<void> },
  ): Promise<T | null> {
    this.step = { type: 'loading', label };
    this.changed();
    const result = await call();
    if (this.disposed) return null;
    if (result.ok) return result.data;
    this.step = onFailure.back;
    if (onFailure.back.type !== 'loading') this.stable = onFailure.back;
    this.fail(result.code, result.message, onFailure.retry);
    return null;
  }

  /**
   * This flow's screens and guards, lent to a face check it hosts (face-verification.ts); `rewindTo` says how the
   * host drops the check's own screens from its history.
   */
  protected faceHost(now: () => Date, rewindTo: (step: FlowStep) => void): FaceVerificationHost {
    return {
      citizen: this.ctx.citizen,
      signal: this.abort.signal,
      now,
      disposed: () => this.disposed,
      step: () => this.step,
      ask: (step) => this.ask(step),
      show: (step) => this.show(step),
      restore: (step) => this.restore(step),
      rewindTo,
      changed: () => this.changed(),
      fail: (code, message, retry) => this.fail(code, message, retry),
      clearError: () => {
        this.error = null;
      },
      committing: (value) => {
        if (value !== undefined) this.committing = value;
        return this.committing;
      },
      background: (work) => this.background(work),
      load: (label, call, onFailure) => this.load(label, call, onFailure),
    };
  }

  protected changed(): void {
    if (!this.disposed) this.ctx.changed();
  }
}

export const yuan = (cents: number): string =>
  `${(cents / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}元`;
