import { randomUUID } from 'node:crypto';
import type { FaceCheckConfig } from '@sik/config';
import {
  type AssistReason,
  type ErrorCode,
  type FaceOutcome,
  type FlowStep,
  maskIdNumber,
  maskName,
  type Result,
} from '@sik/contract';
import type { Camera, CameraStream, LivenessSensor } from '../devices/camera/camera.ts';
import type { FaceCheckRequest, FaceCheckResult, FaceEngine } from '../face/face-check.ts';
import { decodeIdCardPhoto, IdCardPhotoError } from '../face/id-card-photo.ts';
import { createLogger } from '../log.ts';
import { type FlowCitizen, FlowError } from './flow.ts';
import type { FaceConsent, ReferencePhoto, StaffSignedIn } from './services.ts';

const log = createLogger('face-verification');

/**
 * The face check parts a flow drives, as one seam: the engine and runFaceCheck (device-agent/src/face), the
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

export type ConsentStep = Extract<FlowStep, { type: 'faceConsent' }>;
type CaptureStep = Extract<FlowStep, { type: 'faceCapture' }>;
type FailedStep = Extract<FlowStep, { type: 'faceFailed' }>;
type SignInStep = Extract<FlowStep, { type: 'staffSignIn' }>;
type LoadingLabel = Extract<FlowStep, { type: 'loading' }>['label'];

/** The steps a FaceVerification shows; the host flow hands their answers, back and sign-in to it. */
export const FACE_STEPS: ReadonlySet<FlowStep['type']> = new Set([
  'faceConsent',
  'faceCapture',
  'faceFailed',
  'staffSignIn',
  'staffConfirm',
]);

/** Shown when the card photo was to be the reference and could not be decoded. */
export const CARD_PHOTO_UNREADABLE =
  '照片库中没有您的照片，身份证上的照片也无法读取，不能进行人脸核验。请由工作人员协助认证。';

/**
 * The server calls of one purpose (qualification authentication, or an identity verification before a card),
 * in the terms of the check. `R` is what the server records for a success: an authentication, a verification.
 */
export interface FaceVerificationServer<R> {
  consent(request: { version: string; granted: boolean }): Promise<Result<FaceConsent>>;
  referencePhoto(consentId: string): Promise<Result<ReferencePhoto>>;
  /** Signs the outcome with the kiosk key and sends it; the same key sends the same outcome once. */
  outcome(
    outcome: FaceOutcome,
    idempotencyKey: string,
  ): Promise<Result<{ record: R | null; lockedUntil: string | null; mismatchesLeft: number }>>;
  staffSignIn(credentials: {
    staffNumber: string;
    password: string;
    otp: string;
  }): Promise<Result<StaffSignedIn>>;
  assisted(request: { staffToken: string; reason: AssistReason; idempotencyKey: string }): Promise<Result<R>>;
}

/** A flow that hosts a FaceVerification takes the staff member's credentials (socket command flow.staffSignIn). */
export interface HostsStaffSignIn {
  staffSignIn(credentials: { staffNumber: string; password: string; otp: string }): Promise<void>;
}

/** Whether the flow takes staff sign-in (the qualification and card flows do). */
export function hostsStaffSignIn(flow: object): flow is HostsStaffSignIn {
  return typeof (flow as Partial<HostsStaffSignIn>).staffSignIn === 'function';
}

/** How the check ended: verified by face (signed outcome recorded), confirmed by staff, or given up. */
export type FaceVerificationResult<R> =
  | { kind: 'face'; record: R }
  | { kind: 'staff'; record: R }
  | { kind: 'gaveUp' };

/**
 * What the check needs of the flow that hosts it: its screens (the Flow's protected step methods, passed as
 * closures), its error line, its "committing" guard, its background runner and its end.
 */
export interface FaceVerificationHost {
  citizen: FlowCitizen;
  /** The host flow's abort: the end of the visit. */
  signal: AbortSignal;
  now(): Date;
  disposed(): boolean;
  step(): FlowStep;
  ask(step: FlowStep): void;
  show(step: FlowStep): void;
  restore(step: FlowStep): void;
  /**
   * Makes `step` the current step (unpublished) with the history the check began with: the check's own
   * screens are forgotten, while "back" from its first screen still leads where the host had the citizen.
   */
  rewindTo(step: FlowStep): void;
  changed(): void;
  fail(code: ErrorCode, message: string, retry: (() => Promise<void>) | null): void;
  clearError(): void;
  committing(value?: boolean): boolean;
  background(work: () => Promise<void>): void;
  load<T>(
    label: LoadingLabel,
    call: () => Promise<Result<T>>,
    onFailure: { back: FlowStep; retry: () => Promise<void> },
  ): Promise<T | null>;
}

/** What the server said before the check: the consent to show, the lockout, whether it holds a photo. */
export interface FaceVerificationStart {
  consent: { text: string; version: string };
  lockedUntil: string | null;
  mismatchesLeft: number;
  referencePhoto: boolean;
  /** What the consent screen says of the current authentication (null and false when not about one). */
  validUntil: string | null;
  daysLeft: number | null;
  pensionSuspended: boolean;
}

/**
 * The face check with its consent and its staff-assisted path, driven by a host flow: a consent screen of its
 * own, the reference photo fetched (or the ID card's photo decoded) only after consent, engine and camera, the
 * capture screen following the engine's instructions, failures with retries up to the server's lockout, and
 * a bank staff member's sign-in and confirmation for whoever cannot or will not use the camera. The signed
 * outcome (or the staff confirmation) goes to the server through `server`; the host hears the result once.
 * The reference photo and the camera's frames stay in this process's memory: the photo is overwritten when the
 * check ends, preview frames only pass through to the screen.
 */
export class FaceVerification<R> {
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
    private readonly host: FaceVerificationHost,
    private readonly server: FaceVerificationServer<R>,
    /** Null when this kiosk has no camera: only the assisted path is offered. */
    private readonly face: FaceCheckDeps | null,
    /** Preview frames for the capture screen; called only while it shows. */
    private readonly frames: (jpeg: Uint8Array) => void,
    private readonly done: (result: FaceVerificationResult<R>) => void,
  ) {}

  /** Checks the citizen may start in this visit (the server's lockout counts mismatches across visits). */
  private get maxAttempts(): number {
    return this.face?.config.maxAttempts ?? 0;
  }

  /** The first screen of the check: locked, staff (no photo, no camera), or the consent. */
  begin(start: FaceVerificationStart): void {
    this.mismatchesLeft = start.mismatchesLeft;
    this.consentStep = null;
    if (start.lockedUntil) {
      this.host.ask({
        type: 'faceFailed',
        reason: 'mismatch',
        attemptsLeft: 0,
        lockedUntil: start.lockedUntil,
      });
      return;
    }
    if (!start.referencePhoto && !this.cardPhotoDecodable()) {
      this.host.ask({ type: 'staffSignIn', reason: 'noReferencePhoto', failed: false });
      return;
    }
    this.referenceSource = start.referencePhoto ? 'registry' : 'idCard';
    if (!this.face) {
      this.host.ask({ type: 'staffSignIn', reason: 'cannotUseCamera', failed: false });
      return;
    }
    this.consentStep = {
      type: 'faceConsent',
      text: start.consent.text,
      version: start.consent.version,
      validUntil: start.validUntil,
      daysLeft: start.daysLeft,
      pensionSuspended: start.pensionSuspended,
    };
    this.host.ask(this.consentStep);
  }

  /** Whether `step` is one of the check's screens. */
  static owns(step: FlowStep): boolean {
    return FACE_STEPS.has(step.type);
  }

  /** During the capture "back" is allowed once the check can still be stopped (not while it is decided). */
  get captureCanGoBack(): boolean {
    return this.check !== null;
  }

  /** "Back" on the capture screen stops the camera and returns to consent; false when not on that screen. */
  back(): boolean {
    if (this.host.step().type !== 'faceCapture') return false;
    if (!this.check || !this.consentStep) throw new FlowError('WRONG_PHASE', 'the check is being decided');
    this.check.abort();
    this.host.clearError();
    this.host.rewindTo(this.consentStep);
    this.host.changed();
    return true;
  }

  /** The host went back to `step`: going back past the confirmation signs the staff member out. */
  onBack(step: FlowStep): void {
    if (step.type === 'staffSignIn') this.staff = null;
  }

  async answer(value: string): Promise<void> {
    const step = this.host.step();
    switch (step.type) {
      case 'faceConsent':
        if (value === 'agree') {
          this.host.background(() => this.runCheck());
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
          this.host.background(() => this.runCheck());
          return;
        }
        if (value === 'assisted') {
          const reason: AssistReason =
            step.reason === 'cameraUnavailable' ? 'cannotUseCamera' : 'faceCheckFailed';
          this.host.ask({ type: 'staffSignIn', reason, failed: false });
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

  /** The citizen left the check (back past its first screen): it stops, forgets, and reports "gave up". */
  abandon(): void {
    this.wipe();
    this.done({ kind: 'gaveUp' });
  }

  /** A declined face check is recorded (without any image), then staff are asked to confirm the person. */
  private async decline(consentStep: ConsentStep): Promise<void> {
    const recorded = await this.host.load(
      'checking',
      () => this.server.consent({ version: consentStep.version, granted: false }),
      { back: consentStep, retry: () => this.decline(consentStep) },
    );
    if (!recorded) return;
    this.host.ask({ type: 'staffSignIn', reason: 'declinedFaceCheck', failed: false });
  }

  // --- the face check ------------------------------------------------------------------------------------

  /** Consent, reference photo, engine, camera, then the check itself; the outcome goes to the server signed. */
  private async runCheck(): Promise<void> {
    const face = this.face;
    const consentStep = this.consentStep;
    if (!face || !consentStep) return;
    this.host.clearError();
    this.host.show({ type: 'loading', label: 'preparingCamera' });
    const consent = await this.currentConsent(consentStep);
    if (!consent || this.host.disposed()) return;

    const check = new AbortController();
    this.check = check;
    const signal = AbortSignal.any([this.host.signal, check.signal]);
    const method = face.liveness ? 'binocular' : 'headTurn';
    const held: Held = { stream: null, reference: null };
    this.held = held;
    let result: FaceCheckResult | null = null;
    let failure: Error | null = null;
    try {
      if (this.referenceSource === 'idCard') {
        const decoded = await this.decodeCardPhoto(face, signal);
        if (signal.aborted || this.host.disposed()) {
          decoded?.fill(0);
          return;
        }
        if (!decoded) {
          // No photo to compare with: only staff can confirm the person now.
          this.host.rewindTo({ type: 'staffSignIn', reason: 'noReferencePhoto', failed: false });
          this.host.fail('DEVICE_ERROR', CARD_PHOTO_UNREADABLE, null);
          return;
        }
        held.reference = decoded;
      } else {
        const photo = await this.server.referencePhoto(consent.consentId);
        if (signal.aborted) {
          if (photo.ok) photo.data.jpeg.fill(0);
          return;
        }
        if (!photo.ok) {
          this.backToConsent();
          this.host.fail(photo.code, photo.message, () => this.runCheck());
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
        this.host.fail('DEVICE_NOT_READY', '人脸核验暂时无法使用，请重试，或选择工作人员协助认证', () =>
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
    if (failure && !signal.aborted && !this.host.disposed()) {
      this.backToConsent();
      this.host.fail('DEVICE_ERROR', '人脸核验暂时无法进行，请重试，或选择由工作人员协助认证', () =>
        this.runCheck(),
      );
      return;
    }
    if (!result || signal.aborted || this.host.disposed()) return;
    await this.sendOutcome({
      personId: this.host.citizen.personId,
      consentId: consent.consentId,
      decision: result.decision,
      distance: result.distance === null ? null : Math.min(2, Math.max(0, result.distance)),
      threshold: result.threshold,
      framesUsed: result.framesUsed,
      liveness: result.liveness,
      modelVersion: result.modelVersion,
      decidedAt: this.host.now().toISOString(),
    });
  }

  /** Whether the ID card's photo can be the reference: a decoder is configured and the card gave a photo. */
  private cardPhotoDecodable(): boolean {
    return Boolean(this.face?.config.idCardPhotoDecoder && this.host.citizen.idCardPhoto?.length);
  }

  /** The ID card's photo decoded to a JPEG (overwritten by the caller after the check); null when it failed. */
  private async decodeCardPhoto(face: FaceCheckDeps, signal: AbortSignal): Promise<Uint8Array | null> {
    const decoder = face.config.idCardPhotoDecoder;
    const wlt = this.host.citizen.idCardPhoto;
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
    this.host.show(base);
    const showing = () => !signal.aborted && !this.host.disposed() && this.host.step().type === 'faceCapture';
    const stopPreview = stream.onPreview((jpeg) => {
      if (showing()) this.frames(jpeg);
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
          if (!showing()) return;
          const next: CaptureStep = {
            ...base,
            instruction: p.instruction,
            hint: p.hint,
            secondsLeft: Math.max(0, Math.ceil(p.secondsLeft)),
          };
          const shown = this.host.step() as CaptureStep;
          if (
            shown.instruction !== next.instruction ||
            shown.hint !== next.hint ||
            shown.secondsLeft !== next.secondsLeft
          )
            this.host.show(next);
        },
      });
    } finally {
      stopPreview();
    }
  }

  /** The consent recorded for this visit, asked for again once it has expired. */
  private async currentConsent(consentStep: ConsentStep): Promise<FaceConsent | null> {
    if (this.consent && Date.parse(this.consent.expiresAt) > this.host.now().getTime() + 30_000)
      return this.consent;
    const recorded = await this.server.consent({ version: consentStep.version, granted: true });
    if (this.host.disposed()) return null;
    if (!recorded.ok) {
      this.backToConsent();
      this.host.fail(recorded.code, recorded.message, () => this.runCheck());
      return null;
    }
    this.consent = recorded.data;
    return recorded.data;
  }

  /** Sends the signed outcome; a match becomes the result, anything else the failure screen. */
  private async sendOutcome(outcome: FaceOutcome, idempotencyKey = randomUUID()): Promise<void> {
    const match = outcome.decision === 'match';
    // A match on its way to the server is the citizen's verification: no going back while it is in flight.
    this.host.committing(match);
    this.host.show({ type: 'loading', label: 'submitting' });
    const answer = await this.server.outcome(outcome, idempotencyKey);
    this.host.committing(false);
    if (this.host.disposed()) return;
    if (!answer.ok) {
      if (match) {
        // The same key again: the server records one success however often it is sent.
        this.host.fail(answer.code, answer.message, () => this.sendOutcome(outcome, idempotencyKey));
        return;
      }
      log.warn({ code: answer.code, decision: outcome.decision }, 'face outcome not recorded');
      this.showFailed(outcome.decision as FailedStep['reason'], null);
      return;
    }
    this.mismatchesLeft = answer.data.mismatchesLeft;
    const record = answer.data.record;
    if (match && record) {
      this.done({ kind: 'face', record });
      return;
    }
    if (match && answer.data.lockedUntil) {
      // Locked meanwhile (repeated mismatches for this card, e.g. at another kiosk): the server refuses even a
      // match until the lockout ends; staff can still confirm the person.
      this.showFailed('mismatch', answer.data.lockedUntil);
      return;
    }
    if (match) {
      this.host.fail('INTERNAL', '认证结果未能记录，请重试或联系工作人员', () =>
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
    if (lockedUntil || !this.consentStep) {
      this.host.rewindTo(step);
      this.host.changed();
      return;
    }
    // Back from the failure returns to the consent screen, not to the camera.
    this.host.rewindTo(this.consentStep);
    this.host.ask(step);
  }

  private backToConsent(): void {
    if (!this.consentStep) return;
    this.host.rewindTo(this.consentStep);
  }

  // --- the assisted path ----------------------------------------------------------------------------------

  /** Staff credentials from the command `flow.staffSignIn`; they are passed on and not kept. */
  async staffSignIn(credentials: { staffNumber: string; password: string; otp: string }): Promise<void> {
    const step = this.host.step();
    if (step.type !== 'staffSignIn' || this.host.committing())
      throw new FlowError('WRONG_PHASE', 'staff sign in on the staff sign-in screen');
    this.host.clearError();
    const form: SignInStep = { ...step, failed: false };
    if (
      !/^[0-9]{6}$/.test(credentials.staffNumber) ||
      !/^[0-9]{6}$/.test(credentials.otp) ||
      credentials.password.length === 0
    ) {
      this.host.show({ ...form, failed: true });
      return;
    }
    this.host.committing(true);
    this.host.show({ type: 'loading', label: 'checking' });
    const answer = await this.server.staffSignIn(credentials);
    this.host.committing(false);
    if (this.host.disposed()) return;
    if (!answer.ok) {
      if (answer.code === 'UNAUTHORIZED' || answer.code === 'INVALID_INPUT') {
        // The server's words say why (wrong credentials, or too many tries for now).
        this.host.restore({ ...form, failed: true });
        this.host.fail(answer.code, answer.message, null);
        return;
      }
      this.host.restore(form);
      this.host.fail(answer.code, answer.message, null);
      return;
    }
    this.staff = answer.data;
    log.info({ role: answer.data.role }, 'staff signed in to confirm a person');
    const identity = this.host.citizen.identity;
    this.host.ask({
      type: 'staffConfirm',
      staffName: answer.data.staffName,
      maskedName: maskName(identity.name),
      maskedIdNumber: maskIdNumber(identity.idNumber),
      reason: step.reason,
    });
  }

  private async submitAssisted(): Promise<void> {
    const confirm = this.host.step();
    const staff = this.staff;
    if (confirm.type !== 'staffConfirm' || !staff)
      throw new FlowError('WRONG_PHASE', 'staff must sign in first');
    this.host.committing(true);
    const record = await this.host.load(
      'submitting',
      () =>
        this.server.assisted({
          staffToken: staff.staffToken,
          reason: confirm.reason,
          idempotencyKey: this.assistedKey,
        }),
      { back: confirm, retry: () => this.submitAssisted() },
    );
    this.host.committing(false);
    if (!record) return;
    this.staff = null;
    this.done({ kind: 'staff', record });
  }

  /** Stops a check under way, closes the camera, overwrites the photo and forgets the staff token. */
  wipe(): void {
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
