import type { AuthenticationRecord, FlowStep } from '@sik/contract';
import {
  type FaceCheckDeps,
  FaceVerification,
  type FaceVerificationHost,
  type FaceVerificationResult,
} from './face-verification.ts';
import { Flow, type FlowContext, FlowError } from './flow.ts';
import type { FlowServices } from './services.ts';

export { CARD_PHOTO_UNREADABLE, type FaceCheckDeps } from './face-verification.ts';

/** 2027-03-31 -> 2027年3月31日 */
export const dateWords = (isoDate: string): string => {
  const [y, m, d] = isoDate.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

/** The result line for a recorded authentication, in words for the citizen. */
export function authenticationMessage(record: AuthenticationRecord): string {
  const parts = [
    record.method === 'face' ? '人脸核验通过，资格认证已完成。' : '工作人员已核实您的身份，资格认证已完成。',
    `本次认证有效期至${dateWords(record.validUntil)}，下次请在此日期前再来认证。`,
  ];
  if (record.pensionResumed) parts.push('您暂停的养老金已恢复发放。');
  if (record.spotCheck) parts.push('本次为工作人员协助认证，社保经办机构会进行抽查回访。');
  return parts.join('');
}

/**
 * Benefit qualification authentication (待遇领取资格认证): a pensioner agrees to the face check on a screen of its
 * own, looks at the camera, and the kiosk signs the outcome for the server. Whoever cannot or will not use the
 * camera is confirmed by a bank staff member instead. The check itself (consent, reference photo, camera,
 * retries, staff sign-in and confirmation) is a FaceVerification (face-verification.ts) this flow hosts; the
 * flow adds who must authenticate, the server's qualification routes, and the result in words.
 */
export class QualificationAuthFlow extends Flow {
  private readonly verification: FaceVerification<AuthenticationRecord>;

  constructor(
    ctx: FlowContext,
    private readonly services: FlowServices,
    /** Null when this kiosk has no camera: only the assisted path is offered. */
    face: FaceCheckDeps | null,
    /** Preview frames for the capture screen; called only while it shows. */
    frames: (jpeg: Uint8Array) => void,
    now: () => Date = () => new Date(),
  ) {
    super('qualificationAuth', ctx);
    const personId = ctx.citizen.personId;
    this.verification = new FaceVerification<AuthenticationRecord>(
      this.verificationHost(now),
      {
        consent: ({ version, granted }) => services.authenticationConsent({ personId, version, granted }),
        referencePhoto: (consentId) => services.referencePhoto(personId, consentId),
        outcome: async (outcome, key) => {
          const answer = await services.faceOutcome(outcome, key);
          return answer.ok
            ? {
                ok: true,
                data: {
                  record: answer.data.authentication,
                  lockedUntil: answer.data.lockedUntil,
                  mismatchesLeft: answer.data.mismatchesLeft,
                },
              }
            : answer;
        },
        staffSignIn: (credentials) => services.staffSignIn(credentials),
        assisted: (request) => services.authenticationAssisted({ personId, ...request }),
      },
      face,
      frames,
      (result) => this.verified(result),
    );
  }

  /** The flow's screens and guards, lent to the face check it hosts. */
  private verificationHost(now: () => Date): FaceVerificationHost {
    return this.faceHost(now, (step) => {
      // The check's first screen is this flow's first: nothing before it to keep.
      this.forgetHistory();
      this.restore(step);
    });
  }

  async start(): Promise<void> {
    const status = await this.load(
      'checking',
      () => this.services.authenticationStatus(this.ctx.citizen.personId),
      { back: { type: 'loading', label: 'checking' }, retry: () => this.start() },
    );
    if (!status) return;
    if (!status.pensioner || status.pensionStatus === 'terminated') {
      this.show({
        type: 'notEligible',
        reasons: [
          status.pensioner
            ? '您的养老金待遇已终止，不需要办理待遇领取资格认证。'
            : '您目前没有领取养老金，不需要办理待遇领取资格认证。',
        ],
      });
      return;
    }
    this.verification.begin({
      consent: status.consent,
      lockedUntil: status.lockedUntil,
      mismatchesLeft: status.mismatchesLeft,
      referencePhoto: status.referencePhoto,
      validUntil: status.validUntil,
      daysLeft: status.daysLeft,
      pensionSuspended: status.pensionStatus === 'suspended',
    });
  }

  override view() {
    const view = super.view();
    // Nothing to go back to while the server or the camera is being waited for; during the capture "back"
    // stops the camera and returns to the consent screen.
    if (this.step.type === 'loading') return { ...view, canGoBack: false };
    if (this.step.type === 'faceCapture') return { ...view, canGoBack: this.verification.captureCanGoBack };
    return view;
  }

  override back(): void {
    if (this.step.type === 'loading')
      throw new FlowError('WRONG_PHASE', 'please wait: the kiosk is still working on the last step');
    if (this.verification.back()) return;
    super.back();
  }

  protected override onBack(step: FlowStep): void {
    this.verification.onBack(step);
  }

  protected async onAnswer(value: string): Promise<void> {
    await this.verification.answer(value);
  }

  /** Staff credentials from the command `flow.staffSignIn`; they are passed on and not kept. */
  async staffSignIn(credentials: { staffNumber: string; password: string; otp: string }): Promise<void> {
    await this.verification.staffSignIn(credentials);
  }

  private verified(result: FaceVerificationResult<AuthenticationRecord>): void {
    if (result.kind === 'gaveUp') return;
    const record = result.record;
    this.forgetHistory();
    this.show({
      type: 'result',
      outcome: 'success',
      items: [
        {
          item: 'authentication',
          status: 'done',
          message: authenticationMessage(record),
          reference: record.authenticationId,
        },
      ],
      printed: null,
      printProblem: null,
    });
  }

  protected override wipe(): void {
    this.verification.wipe();
  }
}
