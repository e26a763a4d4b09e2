import { randomUUID } from 'node:crypto';
import type { FaceCheckConfig } from '@sik/config';
import {
  type AssistReason,
  type AuthenticationRecord,
  type FaceOutcome,
  type FlowStep,
  maskIdNumber,
  maskName,
} from '@sik/contract';
import type { Camera, CameraStream, LivenessSensor } from '../devices/camera/camera.ts';
import type { FaceCheckRequest, FaceCheckResult, FaceEngine } from '../face/face-check.ts';
import { decodeIdCardPhoto, IdCardPhotoError } from '../face/id-card-photo.ts';
import { createLogger } from '../log.ts';
import { Flow, type FlowContext, FlowError } from './flow.ts';
import type { FaceConsent, FlowServices, StaffSignedIn } from './services.ts';

const log = createLogger('qualification-auth');

/**
 * The face check parts the flow drives, as one seam: the engine and runFaceCheck (device-agent/src/face), the
 * camera and its liveness module (device-agent/src/devices/camera). The agent passes the real ones; a test may
 * pass a scripted `run` to reach the error paths. `config.idCardPhotoDecoder`, when set, lets the ID card's
 * photo stand in for a missing registry photo.
 */
export interface FaceCheckDeps {
  engine: FaceEngine;
  camera: Camera;
  liveness: LivenessSensor | null;
  config: FaceCheckConfig;
  run(request: FaceCheckRequest): Promise<FaceCheckResult>;
}

type ConsentStep = Extract<FlowStep, { type: 'faceConsent' }>;
type CaptureStep = Extract<FlowStep, { type: 'faceCapture' }>;
type FailedStep = Extract<FlowStep, { type: 'faceFailed' }>;
type SignInStep = Extract<FlowStep, { type: 'staffSignIn' }>;

/** Shown when the card photo was to be the reference and could not be decoded. */
export const CARD_PHOTO_UNREADABLE =
  '照片库中没有您的照片，身份证上的照片也无法读取，不能进行人脸核验。请由工作人员协助认证。';

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
 * camera is confirmed by a bank staff member instead. The reference photo comes from the server's photo registry,
 * or, when the registry has none and a WLT decoder is configured, from the photo on the ID card just read
 * (decoded after consent, like the registry photo is fetched after consent). The reference photo and the
 * camera's frames stay in this process's memory: the photo is overwritten when the check ends, preview frames
 * only pass through to the screen.
 */
export class QualificationAuthFlow extends Flow {
  private consentStep: ConsentStep | null = null;
  private consent: FaceConsent | null = null;
  private attempts = 0;
  private mismatchesLeft = Number.POSITIVE_INFINITY;
  /** The check under way: aborting it (back, exit, end of session) stops the engine and closes the camera. */
  private check: AbortController | null = null;
  /** The camera stream and reference photo of the check under way, released when it ends (or the flow does). */
  private held: Held | null = null;
  private staff: StaffSignedIn | null = null;
  private readonly assistedKey = randomUUID();
  /** Where the reference photo comes from, known once the server has said whether its registry has one. */
  private referenceSource: 'registry' | 'idCard' = 'registry';

  constructor(
    ctx: FlowContext,
    private readonly services: FlowServices,
    /** Null when this kiosk has no camera: only the assisted path is offered. */
    private readonly face: FaceCheckDeps | null,
    /** Preview frames for the capture screen; called only while it shows. */
    private readonly frames: (jpeg: Uint8Array) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    super('qualificationAuth', ctx);
  }

  /** Checks the citizen may start in this visit (the server's lockout counts mismatches across visits). */
  private get maxAttempts(): number {
    return this.face?.config.maxAttempts ?? 0;
  }

  async start(): Promise<void> {
    const status = await this.load(
      'checking',
      () => this.services.authenticationStatus(this.ctx.citizen.personId),
      { back: { type: 'loading', label: 'checking' }, retry: () => this.start() },
    );
    if (!status) return;
    this.mismatchesLeft = status.mismatchesLeft;
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
    if (status.lockedUntil) {
      this.show({ type: 'faceFailed', reason: 'mismatch', attemptsLeft: 0, lockedUntil: status.lockedUntil });
      return;
    }
    if (!status.referencePhoto && !this.cardPhotoDecodable()) {
      this.show({ type: 'staffSignIn', reason: 'noReferencePhoto', failed: false });
      return;
    }
    this.referenceSource = status.referencePhoto ? 'registry' : 'idCard';
    if (!this.face) {
      this.show({ type: 'staffSignIn', reason: 'cannotUseCamera', failed: false });
      return;
    }
    this.consentStep = {
      type: 'faceConsent',
      text: status.consent.text,
      version: status.consent.version,
      validUntil: status.validUntil,
      daysLeft: status.daysLeft,
      pensionSuspended: status.pensionStatus === 'suspended',
    };
    this.ask(this.consentStep);
  }

  override view() {
    const view = super.view();
    // Nothing to go back to while the server or the camera is being waited for; during the capture "back"
    // stops the camera and returns to the consent screen.
    if (this.step.type === 'loading') return { ...view, canGoBack: false };
    if (this.step.type === 'faceCapture') return { ...view, canGoBack: this.check !== null };
    return view;
  }

  override back(): void {
    if (this.step.type === 'loading')
      throw new FlowError('WRONG_PHASE', 'please wait: the kiosk is still working on the last step');
    if (this.step.type === 'faceCapture') {
      if (!this.check || !this.consentStep) throw new FlowError('WRONG_PHASE', 'the check is being decided');
      this.check.abort();
      this.error = null;
      this.forgetHistory();
      this.restore(this.consentStep);
      this.changed();
      return;
    }
    super.back();
  }

  protected override onBack(step: FlowStep): void {
    // Going back past the confirmation signs the staff member out of this visit.
    if (step.type === 'staffSignIn') this.staff = null;
  }

  protected async onAnswer(value: string): Promise<void> {
    const step = this.step;
    switch (step.type) {
      case 'faceConsent':
        if (value === 'agree') {
          this.background(() => this.runCheck());
          return;
        }
        if (value === 'decline') {
          await this.decline(step);
          return;
        }
        throw new FlowError('INVALID_INPUT', "answer 'agree' or 'decline'");
      case 'faceFailed':
        if (value === 'retry') {
          if (step.attemptsLeft < 1 || step.lockedUntil)
            throw new FlowError('WRONG_PHASE', 'no more face checks are allowed now');
          this.background(() => this.runCheck());
          return;
        }
        if (value === 'assisted') {
          const reason: AssistReason =
            step.reason === 'cameraUnavailable' ? 'cannotUseCamera' : 'faceCheckFailed';
          this.ask({ type: 'staffSignIn', reason, failed: false });
          return;
        }
        throw new FlowError('INVALID_INPUT', "answer 'retry' or 'assisted'");
      case 'staffConfirm':
        if (value !== 'confirm') throw new FlowError('INVALID_INPUT', "answer 'confirm'");
        await this.submitAssisted();
        return;
      default:
        throw new FlowError('WRONG_PHASE', 'nothing to answer here');
    }
  }

  /** A declined face check is recorded (without any image), then staff are asked to confirm the person. */
  private async decline(consentStep: ConsentStep): Promise<void> {
    const recorded = await this.load(
      'checking',
      () =>
        this.services.authenticationConsent({
          personId: this.ctx.citizen.personId,
          version: consentStep.version,
          granted: false,
        }),
      { back: consentStep, retry: () => this.decline(consentStep) },
    );
    if (!recorded) return;
    this.ask({ type: 'staffSignIn', reason: 'declinedFaceCheck', failed: false });
  }

  // --- the face check ------------------------------------------------------------------------------------

  /** Consent, reference photo, engine, camera, then the check itself; the outcome goes to the server signed. */
  private async runCheck(): Promise<void> {
    const face = this.face;
    const consentStep = this.consentStep;
    if (!face || !consentStep) return;
    this.error = null;
    this.show({ type: 'loading', label: 'preparingCamera' });
    const consent = await this.currentConsent(consentStep);
    if (!consent || this.disposed) return;

    const check = new AbortController();
    this.check = check;
    const signal = AbortSignal.any([this.abort.signal, check.signal]);
    const method = face.liveness ? 'binocular' : 'headTurn';
    const held: Held = { stream: null, reference: null };
    this.held = held;
    let result: FaceCheckResult | null = null;
    let failure: Error | null = null;
    try {
      if (this.referenceSource === 'idCard') {
        const decoded = await this.decodeCardPhoto(face, signal);
        if (signal.aborted || this.disposed) {
          decoded?.fill(0);
          return;
        }
        if (!decoded) {
          // No photo to compare with: only staff can confirm the person now.
          this.forgetHistory();
          this.restore({ type: 'staffSignIn', reason: 'noReferencePhoto', failed: false });
          this.fail('DEVICE_ERROR', CARD_PHOTO_UNREADABLE, null);
          return;
        }
        held.reference = decoded;
      } else {
        const photo = await this.services.referencePhoto(this.ctx.citizen.personId, consent.consentId);
        if (signal.aborted) {
          if (photo.ok) photo.data.jpeg.fill(0);
          return;
        }
        if (!photo.ok) {
          this.backToConsent();
          this.fail(photo.code, photo.message, () => this.runCheck());
          return;
        }
        held.reference = photo.data.jpeg;
      }
      try {
        await face.engine.load();
      } catch (error) {
        log.error({ err: (error as Error).message }, 'face engine did not load');
        if (signal.aborted) return;
        this.backToConsent();
        this.fail('DEVICE_NOT_READY', '人脸核验暂时无法使用，请重试，或选择工作人员协助认证', () =>
          this.runCheck(),
        );
        return;
      }
      if (signal.aborted) return;
      try {
        held.stream = await face.camera.open(signal);
      } catch (error) {
        if (signal.aborted) return;
        log.warn({ err: (error as Error).message }, 'camera did not open');
        result = {
          decision: 'cameraUnavailable',
          distance: null,
          threshold: face.config.threshold,
          framesUsed: 0,
          liveness: { method, result: 'notChecked' },
          modelVersion: face.engine.modelVersion,
          timings: { toDecisionMs: 0 },
        };
      }
      if (held.stream && held.reference && !result)
        result = await this.capture(face, held.stream, held.reference, signal, method);
    } catch (error) {
      if (signal.aborted) return;
      // The engine or the photo failed (a reference that is not a usable JPEG, a crashed worker): back to the
      // consent screen with a retry, where declining leads to staff; never stuck on a camera screen.
      log.error({ err: (error as Error).message }, 'face check failed');
      failure = error as Error;
    } finally {
      if (this.check === check) this.check = null;
      if (this.held === held) this.held = null;
      release(held);
    }
    if (failure && !signal.aborted && !this.disposed) {
      this.backToConsent();
      this.fail('DEVICE_ERROR', '人脸核验暂时无法进行，请重试，或选择由工作人员协助认证', () =>
        this.runCheck(),
      );
      return;
    }
    if (!result || signal.aborted || this.disposed) return;
    await this.sendOutcome({
      personId: this.ctx.citizen.personId,
      consentId: consent.consentId,
      decision: result.decision,
      distance: result.distance === null ? null : Math.min(2, Math.max(0, result.distance)),
      threshold: result.threshold,
      framesUsed: result.framesUsed,
      liveness: result.liveness,
      modelVersion: result.modelVersion,
      decidedAt: this.now().toISOString(),
    });
  }

  /** Whether the ID card's photo can be the reference: a decoder is configured and the card gave a photo. */
  private cardPhotoDecodable(): boolean {
    return Boolean(this.face?.config.idCardPhotoDecoder && this.ctx.citizen.idCardPhoto?.length);
  }

  /** The ID card's photo decoded to a JPEG (overwritten by the caller after the check); null when it failed. */
  private async decodeCardPhoto(face: FaceCheckDeps, signal: AbortSignal): Promise<Uint8Array | null> {
    const decoder = face.config.idCardPhotoDecoder;
    const wlt = this.ctx.citizen.idCardPhoto;
    if (!decoder || !wlt) return null;
    try {
      return await decodeIdCardPhoto(decoder, wlt, { signal });
    } catch (error) {
      // The message names the decoder and what it did; it never holds the photo's bytes.
      if (!signal.aborted)
        log.warn(
          {
            reason: error instanceof IdCardPhotoError ? error.reason : 'unexpected',
            err: (error as Error).message,
          },
          'ID card photo not decoded',
        );
      return null;
    }
  }

  /** The camera is on: the capture screen follows the engine's instructions and shows the preview frames. */
  private async capture(
    face: FaceCheckDeps,
    stream: CameraStream,
    reference: Uint8Array,
    signal: AbortSignal,
    method: 'binocular' | 'headTurn',
  ): Promise<FaceCheckResult> {
    this.attempts += 1;
    const base: CaptureStep = {
      type: 'faceCapture',
      instruction: 'lookAtCamera',
      hint: null,
      liveness: method,
      attempt: this.attempts,
      maxAttempts: this.maxAttempts,
      secondsLeft: Math.ceil(face.config.timeoutMs / 1000),
    };
    this.show(base);
    const stopPreview = stream.onPreview((jpeg) => {
      if (!signal.aborted && !this.disposed && this.step.type === 'faceCapture') this.frames(jpeg);
    });
    try {
      return await face.run({
        engine: face.engine,
        referenceJpeg: reference,
        stream,
        liveness: face.liveness,
        config: face.config,
        signal,
        onProgress: (p) => {
          if (signal.aborted || this.disposed || this.step.type !== 'faceCapture') return;
          const next: CaptureStep = {
            ...base,
            instruction: p.instruction,
            hint: p.hint,
            secondsLeft: Math.max(0, Math.ceil(p.secondsLeft)),
          };
          const shown = this.step;
          if (
            shown.instruction !== next.instruction ||
            shown.hint !== next.hint ||
            shown.secondsLeft !== next.secondsLeft
          )
            this.show(next);
        },
      });
    } finally {
      stopPreview();
    }
  }

  /** The consent recorded for this visit, asked for again once it has expired. */
  private async currentConsent(consentStep: ConsentStep): Promise<FaceConsent | null> {
    if (this.consent && Date.parse(this.consent.expiresAt) > this.now().getTime() + 30_000)
      return this.consent;
    const recorded = await this.services.authenticationConsent({
      personId: this.ctx.citizen.personId,
      version: consentStep.version,
      granted: true,
    });
    if (this.disposed) return null;
    if (!recorded.ok) {
      this.backToConsent();
      this.fail(recorded.code, recorded.message, () => this.runCheck());
      return null;
    }
    this.consent = recorded.data;
    return recorded.data;
  }

  /** Sends the signed outcome; a match becomes the result, anything else the failure screen. */
  private async sendOutcome(outcome: FaceOutcome, idempotencyKey = randomUUID()): Promise<void> {
    const match = outcome.decision === 'match';
    // A match on its way to the server is the citizen's authentication: no going back while it is in flight.
    this.committing = match;
    this.show({ type: 'loading', label: 'submitting' });
    const answer = await this.services.faceOutcome(outcome, idempotencyKey);
    this.committing = false;
    if (this.disposed) return;
    if (!answer.ok) {
      if (match) {
        // The same key again: the server records one authentication however often it is sent.
        this.fail(answer.code, answer.message, () => this.sendOutcome(outcome, idempotencyKey));
        return;
      }
      log.warn({ code: answer.code, decision: outcome.decision }, 'face outcome not recorded');
      this.showFailed(outcome.decision as FailedStep['reason'], null);
      return;
    }
    this.mismatchesLeft = answer.data.mismatchesLeft;
    const record = answer.data.authentication;
    if (match && record) {
      this.showRecorded(record);
      return;
    }
    if (match && answer.data.lockedUntil) {
      // Locked meanwhile (repeated mismatches for this card, e.g. at another kiosk): the server refuses even a
      // match until the lockout ends; staff can still confirm the person.
      this.showFailed('mismatch', answer.data.lockedUntil);
      return;
    }
    if (match) {
      this.fail('INTERNAL', '认证结果未能记录，请重试或联系工作人员', () =>
        this.sendOutcome(outcome, idempotencyKey),
      );
      return;
    }
    this.showFailed(outcome.decision as FailedStep['reason'], answer.data.lockedUntil);
  }

  private showFailed(reason: FailedStep['reason'], lockedUntil: string | null): void {
    const local = this.maxAttempts - this.attempts;
    const cameraGone = reason === 'cameraUnavailable' && this.face?.camera.status.device !== 'online';
    const attemptsLeft = lockedUntil || cameraGone ? 0 : Math.max(0, Math.min(local, this.mismatchesLeft));
    const step: FailedStep = { type: 'faceFailed', reason, attemptsLeft, lockedUntil };
    this.forgetHistory();
    if (lockedUntil || !this.consentStep) {
      this.show(step);
      return;
    }
    // Back from the failure returns to the consent screen, not to the camera.
    this.restore(this.consentStep);
    this.ask(step);
  }

  private backToConsent(): void {
    if (!this.consentStep) return;
    this.forgetHistory();
    this.restore(this.consentStep);
  }

  // --- the assisted path ----------------------------------------------------------------------------------

  /** Staff credentials from the command `flow.staffSignIn`; they are passed on and not kept. */
  async staffSignIn(credentials: { staffNumber: string; password: string; otp: string }): Promise<void> {
    const step = this.step;
    if (step.type !== 'staffSignIn' || this.committing)
      throw new FlowError('WRONG_PHASE', 'staff sign in on the staff sign-in screen');
    this.error = null;
    const form: SignInStep = { ...step, failed: false };
    if (
      !/^[0-9]{6}$/.test(credentials.staffNumber) ||
      !/^[0-9]{6}$/.test(credentials.otp) ||
      credentials.password.length === 0
    ) {
      this.show({ ...form, failed: true });
      return;
    }
    this.committing = true;
    this.show({ type: 'loading', label: 'checking' });
    const answer = await this.services.staffSignIn(credentials);
    this.committing = false;
    if (this.disposed) return;
    if (!answer.ok) {
      if (answer.code === 'UNAUTHORIZED' || answer.code === 'INVALID_INPUT') {
        // The server's words say why (wrong credentials, or too many tries for now).
        this.restore({ ...form, failed: true });
        this.fail(answer.code, answer.message, null);
        return;
      }
      this.restore(form);
      this.fail(answer.code, answer.message, null);
      return;
    }
    this.staff = answer.data;
    log.info({ role: answer.data.role }, 'staff signed in for an assisted authentication');
    const identity = this.ctx.citizen.identity;
    this.ask({
      type: 'staffConfirm',
      staffName: answer.data.staffName,
      maskedName: maskName(identity.name),
      maskedIdNumber: maskIdNumber(identity.idNumber),
      reason: step.reason,
    });
  }

  private async submitAssisted(): Promise<void> {
    const confirm = this.step;
    const staff = this.staff;
    if (confirm.type !== 'staffConfirm' || !staff)
      throw new FlowError('WRONG_PHASE', 'staff must sign in first');
    this.committing = true;
    const record = await this.load(
      'submitting',
      () =>
        this.services.authenticationAssisted({
          personId: this.ctx.citizen.personId,
          staffToken: staff.staffToken,
          reason: confirm.reason,
          idempotencyKey: this.assistedKey,
        }),
      { back: confirm, retry: () => this.submitAssisted() },
    );
    this.committing = false;
    if (!record) return;
    this.staff = null;
    this.showRecorded(record);
  }

  private showRecorded(record: AuthenticationRecord): void {
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

  // --- leaving ---------------------------------------------------------------------------------------------

  protected override wipe(): void {
    this.check?.abort();
    this.check = null;
    if (this.held) release(this.held);
    this.held = null;
    this.staff = null;
    this.consent = null;
  }
}

interface Held {
  stream: CameraStream | null;
  reference: Uint8Array | null;
}

/** Closes the camera stream and overwrites the reference photo's bytes; safe to call twice. */
function release(held: Held): void {
  const stream = held.stream;
  held.stream = null;
  if (stream)
    void stream.close().catch((error: unknown) => {
      log.warn({ err: (error as Error).message }, 'camera did not close cleanly');
    });
  held.reference?.fill(0);
  held.reference = null;
}
