import { randomUUID } from 'node:crypto';
import {
  type BundleTile,
  type CameraFrame,
  type DeviceState,
  type DevicesStatus,
  type DisplayMode,
  type IdCardIdentity,
  type IdentityLookupResponse,
  type KioskPhase,
  type KioskState,
  maskIdNumber,
  maskName,
  type Notice,
  type NoticeCode,
  type Result,
  type ServiceId,
  type ServiceTile,
  type SessionView,
  type SimulatorView,
} from '@sik/contract';
import type { IdCardEvent } from '../devices/idcard/idcard.ts';
import { type Flow, type FlowCitizen, FlowError } from '../flows/flow.ts';
import { createLogger } from '../log.ts';

const log = createLogger('session');

const READER_DOWN: ReadonlySet<DeviceState> = new Set(['offline', 'hardwareError', 'noDevice']);

export interface SessionTiming {
  idleTimeoutSec: number;
  warningSec: number;
  greetingSec: number;
}

/** What the session asks for when the citizen opens a service or a bundle. */
export type FlowRequest = { kind: 'service'; serviceId: ServiceId } | { kind: 'bundle'; bundleId: string };

export interface KioskSessionOptions {
  kioskId: string;
  services: ServiceTile[];
  bundles?: BundleTile[];
  /**
   * Makes the flow for a service or bundle; `changed` republishes the state, `frames` passes camera preview
   * frames to the screen. Absent: no service opens.
   */
  createFlow?: (
    request: FlowRequest,
    citizen: FlowCitizen,
    changed: () => void,
    frames: (jpeg: Uint8Array) => void,
  ) => Flow;
  timing: SessionTiming;
  initialDevices: DevicesStatus;
  lookup(identity: IdCardIdentity): Promise<Result<IdentityLookupResponse>>;
  now?: () => number;
  /** How long a notice (e.g. "session ended") stays on screen. */
  noticeMs?: number;
}

/** What the agent holds of the citizen in front of the kiosk. Only this object ever holds personal data. */
interface Citizen {
  sessionId: string;
  /** Set once the server has matched the card to a person. */
  personId: string | null;
  identity: IdCardIdentity;
  /** The card's photo (WLT): lent to the flows, never published, overwritten with zeros when the visit ends. */
  photo: Uint8Array;
  view: SessionView;
}

export class SessionError extends Error {
  override readonly name = 'SessionError';
  constructor(
    readonly code: 'WRONG_PHASE' | 'SERVICE_UNAVAILABLE' | 'PERSON_NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The visit as a state machine: attract -> awaitCard -> reading -> greeting -> home, ended by card removal,
 * the citizen, or the idle timeout (with a warning at least warningSec before). The whole view is republished
 * on every change; ending a visit wipes the citizen from memory and from the published state.
 */
export class KioskSession {
  private phase: KioskPhase = 'attract';
  private displayMode: DisplayMode = 'normal';
  private citizen: Citizen | null = null;
  private flow: Flow | null = null;
  private devices: DevicesStatus;
  private notice: Notice | null = null;
  private simulator: SimulatorView | null = null;
  private idle: { deadline: number; warnAt: number; warning: boolean } | null = null;
  private revision = 0;
  private readonly timers = new Map<'warn' | 'end' | 'greeting' | 'notice', NodeJS.Timeout>();
  private readonly listeners = new Set<(state: KioskState) => void>();
  private readonly frameListeners = new Set<(frame: CameraFrame) => void>();
  private readonly now: () => number;

  constructor(private readonly options: KioskSessionOptions) {
    this.devices = options.initialDevices;
    this.now = options.now ?? Date.now;
  }

  onState(listener: (state: KioskState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Camera preview frames of the running flow's face capture, for the screen only: passed on as they come,
   * never kept or logged.
   */
  onCameraFrame(listener: (frame: CameraFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  state(): KioskState {
    return {
      kioskId: this.options.kioskId,
      phase: this.phase,
      displayMode: this.displayMode,
      session: this.citizen ? { ...this.citizen.view } : null,
      idle: this.idle ? { ...this.idle } : null,
      services: this.options.services,
      bundles: this.options.bundles ?? [],
      flow: this.flow && this.phase === 'service' ? this.flow.view() : null,
      devices: this.devices,
      notice: this.notice,
      simulator: this.simulator,
      revision: this.revision,
    };
  }

  /** The full identity for flows that need it (never for the UI). */
  currentIdentity(): IdCardIdentity | null {
    return this.citizen?.identity ?? null;
  }

  // --- inputs from the reader -------------------------------------------------------------------------

  handleReaderEvent(event: IdCardEvent): void {
    switch (event.type) {
      case 'status':
        this.devices = { ...this.devices, idcard: event.status };
        // 'busy' is the reader at work on a card, not a fault: only a reader that is gone or broken is news.
        if (READER_DOWN.has(event.status.device) && this.phase === 'awaitCard')
          this.setNotice('readerUnavailable');
        this.publish();
        return;
      case 'cardRead':
        void this.startVisit(event.identity, event.photo);
        return;
      case 'cardReadFailed':
        if (this.phase === 'attract' || this.phase === 'awaitCard') {
          this.phase = 'awaitCard';
          this.setNotice('cardReadFailed');
          this.armIdle();
          this.publish();
        }
        return;
      case 'cardRemoved':
        if (this.citizen) this.endVisit('sessionEnded');
        return;
    }
  }

  // --- commands from the UI ---------------------------------------------------------------------------

  begin(): void {
    if (this.phase !== 'attract')
      throw new SessionError('WRONG_PHASE', `cannot begin a visit in phase ${this.phase}`);
    this.phase = 'awaitCard';
    this.notice = null;
    this.armIdle();
    this.publish();
  }

  /** Back from "place your card", or leave from anywhere. */
  cancel(): void {
    if (this.citizen) {
      this.endVisit('sessionEnded');
      return;
    }
    this.toAttract(null);
  }

  end(): void {
    if (!this.citizen) throw new SessionError('WRONG_PHASE', 'there is no visit to end');
    this.endVisit('sessionEnded');
  }

  extend(): number {
    if (!this.idle) throw new SessionError('WRONG_PHASE', 'nothing to extend');
    this.armIdle();
    this.publish();
    return this.idle.deadline;
  }

  continueToHome(): void {
    if (this.phase !== 'greeting')
      throw new SessionError('WRONG_PHASE', `cannot continue from ${this.phase}`);
    this.toHome();
  }

  openService(serviceId: ServiceId): void {
    const tile = this.options.services.find((s) => s.id === serviceId);
    if (!tile?.available)
      throw new SessionError('SERVICE_UNAVAILABLE', `${serviceId} is not available on this kiosk yet`);
    this.openFlow({ kind: 'service', serviceId });
  }

  openBundle(bundleId: string): void {
    const tile = this.options.bundles?.find((b) => b.bundleId === bundleId);
    if (!tile?.available)
      throw new SessionError('SERVICE_UNAVAILABLE', `${bundleId} is not available on this kiosk yet`);
    this.openFlow({ kind: 'bundle', bundleId });
  }

  /** The running flow, for the flow commands; throws when there is none. */
  currentFlow(): Flow {
    if (this.phase !== 'service' || !this.flow) throw new SessionError('WRONG_PHASE', 'no service is open');
    this.touch();
    return this.flow;
  }

  /** Back to the home screen from a flow (refused while money or a submission is in flight). */
  exitFlow(): void {
    const flow = this.currentFlow();
    if (!flow.canExit()) throw new FlowError('WRONG_PHASE', 'please wait: this is still being processed');
    this.closeFlow();
    this.toHome();
  }

  private openFlow(request: FlowRequest): void {
    if (this.phase !== 'home') throw new SessionError('WRONG_PHASE', 'services open from the home screen');
    const citizen = this.citizen;
    if (!citizen?.personId)
      throw new SessionError('PERSON_NOT_FOUND', 'the server has no records for this card');
    if (!this.options.createFlow) throw new SessionError('SERVICE_UNAVAILABLE', 'no flows on this kiosk');
    const flow = this.options.createFlow(
      request,
      // The card's photo is lent for the visit (the face check may decode it as its reference); wipe() below
      // overwrites these same bytes when the visit ends.
      { personId: citizen.personId, identity: citizen.identity, idCardPhoto: citizen.photo },
      () => {
        if (this.flow === flow) this.publish();
      },
      (jpeg) => {
        // Only the flow on screen, and only while its capture step shows, may put a frame on the screen.
        if (this.flow !== flow || this.phase !== 'service' || flow.view().step.type !== 'faceCapture') return;
        for (const listener of this.frameListeners) listener({ flowId: flow.flowId, jpeg });
      },
    );
    this.flow = flow;
    this.phase = 'service';
    this.armIdle();
    this.publish();
    void flow.start();
  }

  private closeFlow(): void {
    this.flow?.dispose();
    this.flow = null;
  }

  /** Keys on the PIN pad count as activity, like touches. */
  activity(): void {
    if (this.idle) this.armIdle();
    this.publish();
  }

  setDisplayMode(mode: DisplayMode): void {
    this.displayMode = mode;
    this.touch();
  }

  callStaff(): void {
    log.info({ phase: this.phase }, 'staff called');
    this.setNotice('staffCalled');
    this.touch();
  }

  /** The PIN pad's and printers' status (the reader's comes with its own events). */
  setDevices(devices: DevicesStatus): void {
    this.devices = { ...devices, idcard: this.devices.idcard };
    this.publish();
  }

  setSimulatorView(view: SimulatorView | null): void {
    this.simulator = view;
    this.publish();
  }

  /** Any touch counts as activity and restarts the idle clock (and clears the warning). */
  touch(): void {
    if (this.idle) this.armIdle();
    this.publish();
  }

  dispose(): void {
    this.wipe();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
    this.frameListeners.clear();
  }

  // --- internals ---------------------------------------------------------------------------------------

  private async startVisit(identity: IdCardIdentity, photo: Uint8Array): Promise<void> {
    if (this.citizen) {
      // A second card while a visit runs: the reader only reports a new card after the first was lifted,
      // so this is a new person. End the old visit first: nothing of the first may leak into the second.
      this.endVisit(null);
    }
    const sessionId = randomUUID();
    this.citizen = {
      sessionId,
      personId: null,
      identity,
      photo,
      view: {
        sessionId,
        cardType: identity.cardType,
        maskedName: maskName(identity.name),
        maskedIdNumber: maskIdNumber(identity.idNumber),
        recordsFound: false,
        pensioner: false,
      },
    };
    this.phase = 'reading';
    this.notice = null;
    this.armIdle();
    this.publish();
    log.info({ sessionId, cardType: identity.cardType }, 'visit started');

    const found = await this.options.lookup(identity);
    if (this.citizen?.sessionId !== sessionId) return; // the visit ended while the server answered
    if (found.ok) {
      this.citizen.personId = found.data.personId;
      this.citizen.view = { ...this.citizen.view, recordsFound: true, pensioner: found.data.pensioner };
    } else {
      this.setNotice(found.code === 'PERSON_NOT_FOUND' ? 'personNotFound' : 'serverUnreachable');
      log.warn({ sessionId, code: found.code }, 'identity lookup failed');
    }
    this.phase = 'greeting';
    this.armIdle();
    this.publish();
    this.schedule('greeting', this.options.timing.greetingSec * 1000, () => {
      if (this.phase === 'greeting' && this.citizen?.sessionId === sessionId) this.toHome();
    });
  }

  private toHome(): void {
    this.clear('greeting');
    this.phase = 'home';
    this.armIdle();
    this.publish();
  }

  private endVisit(notice: NoticeCode | null): void {
    const sessionId = this.citizen?.sessionId;
    this.wipe();
    log.info({ sessionId, reason: notice }, 'visit ended');
    this.toAttract(notice);
  }

  private toAttract(notice: NoticeCode | null): void {
    this.phase = 'attract';
    this.idle = null;
    this.clear('warn');
    this.clear('end');
    this.clear('greeting');
    this.notice = null;
    if (notice) this.setNotice(notice);
    this.publish();
  }

  /** Forget the citizen: overwrite the photo bytes and drop every reference. */
  private wipe(): void {
    this.closeFlow();
    if (!this.citizen) return;
    this.citizen.photo.fill(0);
    this.citizen = null;
  }

  private armIdle(): void {
    const { idleTimeoutSec, warningSec } = this.options.timing;
    const now = this.now();
    this.idle = {
      deadline: now + idleTimeoutSec * 1000,
      warnAt: now + (idleTimeoutSec - warningSec) * 1000,
      warning: false,
    };
    this.schedule('warn', (idleTimeoutSec - warningSec) * 1000, () => {
      if (!this.idle) return;
      this.idle = { ...this.idle, warning: true };
      this.publish();
    });
    this.schedule('end', idleTimeoutSec * 1000, () => {
      // A payment in flight or a card being made is never cut off by the idle clock: it ends in the citizen's
      // hands (or the reject box) first. The clock starts again and the warning stays up.
      if (this.flow && !this.flow.canExit()) {
        this.armIdle();
        return;
      }
      if (this.citizen) this.endVisit('sessionTimedOut');
      else this.toAttract(null);
    });
  }

  private setNotice(code: NoticeCode): void {
    this.notice = { code, at: this.now() };
    this.schedule('notice', this.options.noticeMs ?? 8000, () => {
      this.notice = null;
      this.publish();
    });
  }

  private schedule(name: 'warn' | 'end' | 'greeting' | 'notice', ms: number, fn: () => void): void {
    this.clear(name);
    const timer = setTimeout(() => {
      this.timers.delete(name);
      fn();
    }, ms);
    timer.unref();
    this.timers.set(name, timer);
  }

  private clear(name: 'warn' | 'end' | 'greeting' | 'notice'): void {
    const timer = this.timers.get(name);
    if (timer) clearTimeout(timer);
    this.timers.delete(name);
  }

  private publish(): void {
    this.revision += 1;
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }
}
