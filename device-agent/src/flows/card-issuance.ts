import {
  type CardApplicationKind,
  type CardStage,
  type ChoiceOption,
  type FlowStep,
  type IdentityVerification,
  maskName,
} from '@sik/contract';
import { issueCard } from '../issuance/issuance.ts';
import {
  type CardView,
  DEFAULT_ISSUANCE_CONFIG,
  type IssuanceCitizen,
  type IssuanceDeps,
  type IssuanceOutcome,
} from '../issuance/types.ts';
import { createLogger } from '../log.ts';
import { type FaceCheckDeps, FaceVerification, type FaceVerificationResult } from './face-verification.ts';
import { Flow, type FlowContext, FlowError } from './flow.ts';
import type { FlowServices } from './services.ts';

const log = createLogger('card-issuance');

/** What the card flow needs besides the flow context: the issuance's devices, server and settings. */
export type CardIssuing = Omit<IssuanceDeps, 'journal'>;

/**
 * The face check before a card application (identity -> face check -> application): the server's identity-check
 * routes, the kiosk's camera and engine (null without a camera: staff confirm the person), the preview frames.
 */
export interface CardIdentityCheck {
  services: FlowServices;
  face: FaceCheckDeps | null;
  frames: (jpeg: Uint8Array) => void;
  now?: () => Date;
}

/** A verification that ends sooner than this is done again: confirming and applying take a moment. */
const VERIFIED_MARGIN_MS = 2 * 60_000;

type Matter = CardApplicationKind | 'reportLoss';
const MATTERS: readonly Matter[] = ['first', 'replacement', 'renewal', 'reportLoss'];
const MATTER_WORDS: Record<Matter, string> = {
  first: '首次申领',
  replacement: '补卡',
  renewal: '换卡',
  reportLoss: '挂失',
};

/** The order of the progress screen, and each stage's expected seconds with a real printer (see bench). */
export const CARD_STAGES: readonly CardStage[] = [
  'blank',
  'chip',
  'check',
  'print',
  'pin',
  'take',
  'activate',
];
const STAGE_SECONDS: Record<CardStage, number> = {
  blank: 4,
  chip: 3,
  check: 1,
  print: 24,
  pin: 20,
  take: 5,
  activate: 1,
};

/** How many times two different PINs may be typed before the PIN setting gives up. */
const PIN_MISMATCHES = 3;

/** A9****1234 style: enough for the citizen to recognise, not enough for a bystander to copy. */
export const maskCardNumber = (cardNumber: string): string =>
  `${cardNumber.slice(0, 2)}****${cardNumber.slice(-3)}`;

const STOP_REASONS = ['noStock', 'deviceFault', 'attemptsExhausted', 'notTaken', 'pinNotSet'] as const;

/**
 * Social security card (社保卡办理) at the kiosk: the citizen picks the matter (first application, replacement
 * after a loss, renewal, or a report of loss), confirms, and the card is made while they wait (issuance/
 * issuance.ts): progress they can follow, the PIN chosen on the PIN pad (only dots on screen), "take your
 * card", then the card is enabled. Once making has begun the citizen cannot leave the flow by accident: the
 * card under way must end in their hand or in the reject box.
 */
export class CardIssuanceFlow extends Flow {
  private matter: Matter | null = null;
  private activeCard: CardView | null = null;
  private attempt = 1;
  /** Counts the seconds shown on the PIN and take screens down, republishing the step once a second. */
  private ticker: NodeJS.Timeout | null = null;
  private pinEntry: AbortController | null = null;
  /** The face check before an application; null when the flow was built without one (the server then refuses). */
  private readonly verification: FaceVerification<IdentityVerification> | null = null;
  /** The matter screen, where leaving the face check returns to. */
  private chooseStep: FlowStep | null = null;
  /** Set while the history is rebuilt: nothing is published until the step is final. */
  private quiet = false;
  private readonly now: () => Date;

  constructor(
    ctx: FlowContext,
    private readonly issuing: CardIssuing | null,
    private readonly identity: CardIdentityCheck | null = null,
  ) {
    super('socialSecurityCard', ctx);
    this.now = identity?.now ?? (() => new Date());
    if (identity) this.verification = this.identityCheck(identity);
  }

  // --- the face check before the application ------------------------------------------------------------

  /** A FaceVerification for the card purpose, hosted by this flow's screens. */
  private identityCheck(identity: CardIdentityCheck): FaceVerification<IdentityVerification> {
    const { services } = identity;
    const personId = this.ctx.citizen.personId;
    const purpose = 'cardIssuance';
    return new FaceVerification<IdentityVerification>(
      this.faceHost(this.now, (step) => this.rewindTo(step)),
      {
        consent: ({ version, granted }) =>
          services.identityCheckConsent({ personId, purpose, version, granted }),
        referencePhoto: (consentId) => services.identityReferencePhoto(personId, consentId),
        outcome: async (outcome, key) => {
          const answer = await services.identityFaceOutcome(purpose, outcome, key);
          return answer.ok
            ? {
                ok: true,
                data: {
                  record: answer.data.verification,
                  lockedUntil: answer.data.lockedUntil,
                  mismatchesLeft: answer.data.mismatchesLeft,
                },
              }
            : answer;
        },
        staffSignIn: (credentials) => services.staffSignIn(credentials),
        assisted: (request) => services.identityAssisted({ personId, purpose, ...request }),
      },
      identity.face,
      identity.frames,
      (result) => this.verified(result),
    );
  }

  /**
   * After the matter, before the confirmation: the face check for the card (or staff), unless the person was
   * verified at this kiosk moments ago (the server keeps the verification for cards.identityCheckMinutes).
   */
  private async checkIdentity(choose: FlowStep, matter: CardApplicationKind): Promise<void> {
    const verification = this.verification;
    const identity = this.identity;
    if (!verification || !identity) {
      this.ask({ type: 'confirm', lines: this.confirmLines(matter) });
      return;
    }
    const status = await this.load(
      'checking',
      () => identity.services.identityCheckStatus(this.ctx.citizen.personId, 'cardIssuance'),
      { back: choose, retry: () => this.checkIdentity(choose, matter) },
    );
    if (!status) return;
    if (
      status.verifiedUntil &&
      Date.parse(status.verifiedUntil) - this.now().getTime() > VERIFIED_MARGIN_MS
    ) {
      this.ask({ type: 'confirm', lines: this.confirmLines(matter) });
      return;
    }
    verification.begin({
      consent: status.consent,
      lockedUntil: status.lockedUntil,
      mismatchesLeft: status.mismatchesLeft,
      referencePhoto: status.referencePhoto,
      validUntil: null,
      daysLeft: null,
      pensionSuspended: false,
    });
  }

  /** `step` as the current step, unpublished, with only the matter screen to go back to. */
  private rewindTo(step: FlowStep): void {
    this.forgetHistory();
    const choose = this.chooseStep;
    if (!choose) {
      this.restore(step);
      return;
    }
    this.restore(choose);
    // ask() is the only way to put a step in the history; what it publishes is not final yet.
    this.quiet = true;
    try {
      this.ask(step);
    } finally {
      this.quiet = false;
    }
  }

  protected override changed(): void {
    if (!this.quiet) super.changed();
  }

  /** The face check ended: verified (by face or staff) -> the confirmation, with "back" to the matter. */
  private verified(result: FaceVerificationResult<IdentityVerification>): void {
    if (result.kind === 'gaveUp') return;
    const matter = this.matter;
    if (!matter || matter === 'reportLoss') return;
    this.rewindTo({ type: 'confirm', lines: this.confirmLines(matter) });
    this.changed();
  }

  override view() {
    const view = super.view();
    // Nothing to go back to while the server, the camera or the card is being waited for; during the capture
    // "back" stops the camera and returns to the consent screen.
    if (this.step.type === 'loading') return { ...view, canGoBack: false };
    if (this.step.type === 'faceCapture')
      return { ...view, canGoBack: this.verification?.captureCanGoBack ?? false };
    return view;
  }

  override back(): void {
    if (this.step.type === 'loading')
      throw new FlowError('WRONG_PHASE', 'please wait: the kiosk is still working on the last step');
    if (this.verification?.back()) return;
    super.back();
  }

  protected override onBack(step: FlowStep): void {
    if (!this.verification) return;
    this.verification.onBack(step);
    // Back at the matter from the face check's first screen: the check is left (camera off, staff signed out).
    if (step.type === 'choose') this.verification.abandon();
  }

  /** Staff credentials from the command `flow.staffSignIn`, for the face check's assisted path; not kept. */
  async staffSignIn(credentials: { staffNumber: string; password: string; otp: string }): Promise<void> {
    if (!this.verification) throw new FlowError('WRONG_PHASE', 'this service has no staff sign-in now');
    await this.verification.staffSignIn(credentials);
  }

  protected override wipe(): void {
    this.verification?.wipe();
  }

  async start(): Promise<void> {
    if (!this.issuing) {
      this.show({ type: 'notEligible', reasons: ['本机没有制卡设备，请到柜台办理社保卡。'] });
      return;
    }
    const issuing = this.issuing;
    const overview = await this.load('checking', () => issuing.server.overview(this.ctx.citizen.personId), {
      back: { type: 'loading', label: 'checking' },
      retry: () => this.start(),
    });
    if (!overview) return;
    this.activeCard = overview.cards.find((c) => c.status === 'active') ?? null;
    const open = overview.openApplication?.status === 'applied' ? overview.openApplication : null;
    const allowed = new Set<Matter>(open ? [open.kind] : overview.allowed);
    if (this.activeCard) allowed.add('reportLoss');
    const options: ChoiceOption[] = MATTERS.map((m) => ({
      value: m,
      disabled: !allowed.has(m),
      ...(open?.kind === m ? { detail: '继续办理您未完成的申请' } : {}),
      ...(m === 'reportLoss' && this.activeCard
        ? { detail: `卡号 ${maskCardNumber(this.activeCard.cardNumber)}` }
        : {}),
    }));
    this.ask({ type: 'choose', question: 'cardMatter', options, selected: null });
  }

  protected async onAnswer(value: string): Promise<void> {
    const step = this.step;
    if (step.type === 'choose' && step.question === 'cardMatter') {
      const option = step.options.find((o) => o.value === value);
      if (!option || option.disabled) throw new FlowError('INVALID_INPUT', `${value} is not offered`);
      this.matter = value as Matter;
      this.chooseStep = step;
      if (this.matter === 'reportLoss') this.ask({ type: 'confirm', lines: this.confirmLines(this.matter) });
      else await this.checkIdentity(step, this.matter);
      return;
    }
    if (this.verification && FaceVerification.owns(step)) {
      await this.verification.answer(value);
      return;
    }
    if (step.type === 'confirm' && value === 'confirm' && this.matter) {
      if (this.matter === 'reportLoss') this.background(() => this.reportLoss(step));
      else this.background(() => this.issue(this.matter as CardApplicationKind));
      return;
    }
    throw new FlowError('WRONG_PHASE', `nothing to answer with ${value} on ${step.type}`);
  }

  private confirmLines(matter: Matter) {
    const name = maskName(this.ctx.citizen.identity.name);
    if (matter === 'reportLoss') {
      return [
        { label: '办理事项', value: '社保卡挂失' },
        { label: '持卡人', value: name },
        { label: '卡号', value: maskCardNumber(this.activeCard?.cardNumber ?? '') },
        { label: '说明', value: '挂失后此卡立即停用，可以马上在本机补卡' },
      ];
    }
    const minutes = Math.ceil(Object.values(STAGE_SECONDS).reduce((a, b) => a + b, 0) / 60);
    return [
      { label: '办理事项', value: `社保卡${MATTER_WORDS[matter]}` },
      { label: '持卡人', value: name },
      { label: '费用', value: '免费' },
      { label: '所需时间', value: `约${minutes}分钟，请不要离开` },
      ...(matter === 'renewal' ? [{ label: '说明', value: '新卡启用后，旧卡将停止使用' }] : []),
      ...(matter === 'replacement' ? [{ label: '说明', value: '新卡启用后，已挂失的旧卡将注销' }] : []),
    ];
  }

  private async reportLoss(confirm: FlowStep): Promise<void> {
    const card = this.activeCard;
    const issuing = this.issuing;
    if (!card || !issuing) return;
    this.committing = true;
    const done = await this.load(
      'submitting',
      () => issuing.server.reportLoss({ personId: this.ctx.citizen.personId, cardNumber: card.cardNumber }),
      { back: confirm, retry: () => this.reportLoss(confirm) },
    );
    this.committing = false;
    if (!done) return;
    this.forgetHistory();
    this.show({
      type: 'result',
      outcome: 'success',
      items: [
        {
          item: 'card',
          status: 'done',
          message: `卡号 ${maskCardNumber(card.cardNumber)} 的社保卡已挂失停用。您可以回到首页选择“社保卡办理”马上补卡。`,
          reference: card.cardNumber,
        },
      ],
      printed: null,
      printProblem: null,
    });
  }

  private async issue(kind: CardApplicationKind): Promise<void> {
    const issuing = this.issuing;
    if (!issuing) return;
    this.committing = true;
    this.forgetHistory();
    this.show({ type: 'loading', label: 'preparingCard' });
    const { identity, personId } = this.ctx.citizen;
    const citizen: IssuanceCitizen = {
      choosePin: (signal) => this.choosePin(signal),
      presented: (cardNumber) =>
        this.countDown(issuing.config.takeTimeoutMs, (secondsLeft) =>
          this.show({ type: 'cardTake', maskedCardNumber: maskCardNumber(cardNumber), secondsLeft }),
        ),
    };
    const outcome = await issueCard(
      { ...issuing, journal: this.ctx.journal },
      { personId, name: identity.name, idNumber: identity.idNumber },
      kind,
      citizen,
      { stage: (stage, attempt, notice) => this.showStage(stage, attempt, notice) },
      this.abort.signal,
    );
    this.committing = false;
    if (this.disposed) return;
    this.showOutcome(outcome);
  }

  private showStage(stage: CardStage, attempt: number, notice: string | null): void {
    this.stopCountDown();
    this.attempt = attempt;
    const at = CARD_STAGES.indexOf(stage);
    const secondsLeft = CARD_STAGES.slice(at).reduce((sum, s) => sum + STAGE_SECONDS[s], 0);
    this.show({
      type: 'cardProgress',
      stage,
      stagesDone: CARD_STAGES.slice(0, at),
      secondsLeft,
      attempt,
      maxAttempts: this.issuing?.config.maxBlanks ?? 1,
      notice,
    });
  }

  /** The PIN typed twice on the PIN pad; the digits stay in this function's locals. */
  private async choosePin(
    signal: AbortSignal,
  ): Promise<{ ok: true; pin: string } | { ok: false; reason: 'canceled' | 'timeout' | 'deviceError' }> {
    let mismatch = false;
    for (let round = 0; round < PIN_MISMATCHES; round++) {
      const first = await this.pinOnce('new', mismatch, signal);
      if (!first.ok) return first;
      const second = await this.pinOnce('repeat', false, signal);
      if (!second.ok) return second;
      if (first.pin === second.pin) {
        this.showStage('pin', this.attempt, null);
        return { ok: true, pin: first.pin };
      }
      mismatch = true;
    }
    log.info({ mismatches: PIN_MISMATCHES }, 'two different PINs typed too often: PIN setting given up');
    return { ok: false, reason: 'canceled' };
  }

  /** Shows `render(seconds left)` now and once a second until the next step replaces it. */
  private countDown(ms: number, render: (secondsLeft: number) => void): void {
    this.stopCountDown();
    const until = Date.now() + ms;
    const tick = () => render(Math.max(0, Math.ceil((until - Date.now()) / 1000)));
    tick();
    this.ticker = setInterval(tick, 1000);
    this.ticker.unref?.();
  }

  private stopCountDown(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private async pinOnce(
    phase: 'new' | 'repeat',
    mismatch: boolean,
    signal: AbortSignal,
  ): Promise<{ ok: true; pin: string } | { ok: false; reason: 'canceled' | 'timeout' | 'deviceError' }> {
    const { pinLength, pinTimeoutMs } = this.issuing?.config ?? DEFAULT_ISSUANCE_CONFIG;
    let keysEntered = 0;
    let secondsLeft = Math.round(pinTimeoutMs / 1000);
    const show = () => this.show({ type: 'cardPin', phase, keysEntered, pinLength, mismatch, secondsLeft });
    this.countDown(pinTimeoutMs, (left) => {
      secondsLeft = left;
      show();
    });
    this.pinEntry = new AbortController();
    const entered = await this.ctx.peripherals
      .enterCardPin(
        { pinLength, timeoutMs: pinTimeoutMs },
        (count) => {
          this.ctx.activity();
          keysEntered = count;
          show();
        },
        AbortSignal.any([signal, this.pinEntry.signal]),
      )
      .finally(() => this.stopCountDown());
    this.pinEntry = null;
    if (entered.ok) return { ok: true, pin: entered.pin };
    return {
      ok: false,
      reason:
        entered.reason === 'canceled' ? 'canceled' : entered.reason === 'timeout' ? 'timeout' : 'deviceError',
    };
  }

  private showOutcome(outcome: IssuanceOutcome): void {
    this.stopCountDown();
    if (outcome.ok) {
      const card = outcome.card;
      const until = card.validUntil ? `，有效期至${card.validUntil.replace(/-/g, '.')}` : '';
      this.show({
        type: 'result',
        outcome: 'success',
        items: [
          {
            item: 'card',
            status: 'done',
            message: `您的社保卡已制成并启用（卡号 ${maskCardNumber(card.cardNumber)}${until}）。请妥善保管，牢记密码。`,
            reference: card.cardNumber,
          },
        ],
        printed: null,
        printProblem: null,
      });
      return;
    }
    const reason = STOP_REASONS.find((r) => r === outcome.reason);
    if (reason) {
      this.show({
        type: 'cardStopped',
        reason,
        applicationKept: outcome.applicationKept,
        staffAlerted: outcome.staffAlerted,
        reference: outcome.applicationId,
      });
      return;
    }
    this.show({
      type: 'result',
      outcome: 'failure',
      items: [
        {
          item: 'card',
          status: 'failed',
          message: outcome.message,
          reference: outcome.applicationId,
        },
      ],
      printed: null,
      printProblem: null,
    });
  }

  override dispose(): void {
    this.stopCountDown();
    this.pinEntry?.abort();
    super.dispose();
  }
}
