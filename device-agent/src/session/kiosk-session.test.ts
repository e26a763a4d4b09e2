import type { CameraFrame, IdCardIdentity, IdentityLookupResponse, KioskState, Result } from '@sik/contract';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoPhoto } from '../devices/idcard/simulator.ts';
import { Flow, type FlowContext } from '../flows/flow.ts';
import { KioskSession } from './kiosk-session.ts';

const identity: IdCardIdentity = {
  cardType: 'resident',
  name: '王秀英',
  sex: 'female',
  sexCode: '2',
  nation: '汉',
  nationCode: '01',
  birthDate: '1949-12-31',
  address: '北京市朝阳区某某路1号',
  idNumber: '11010519491231002X',
  issuer: '北京市公安局朝阳分局',
  validFrom: '2010-01-01',
  validTo: 'long-term',
};

const DEVICES: KioskState['devices'] = {
  idcard: { device: 'online', media: 'notPresent', detail: null },
  pinpad: { device: 'online', media: 'unknown', detail: null },
  receiptPrinter: { device: 'online', media: 'ok', detail: null },
  a4Printer: { device: 'online', media: 'ok', detail: null },
  camera: { device: 'online', media: 'unknown', detail: null },
  cardPrinter: { device: 'online', media: 'ok', detail: null },
  chipEncoder: { device: 'online', media: 'unknown', detail: null },
};

const found: Result<IdentityLookupResponse> = {
  ok: true,
  data: { personId: 'p1', maskedName: '王**', insurances: [], pensioner: true },
};

function setup(lookup: () => Promise<Result<IdentityLookupResponse>> = async () => found) {
  const states: KioskState[] = [];
  const session = new KioskSession({
    kioskId: 'KIOSK-T',
    services: [{ id: 'recordsQuery', available: false }],
    timing: { idleTimeoutSec: 60, warningSec: 20, greetingSec: 3 },
    initialDevices: DEVICES,
    lookup,
  });
  session.onState((s) => states.push(s));
  const last = () => states.at(-1) as KioskState;
  return { session, states, last };
}

/** A session whose one service opens a CaptureFlow, taken through greeting and home into the service. */
async function inCaptureFlow() {
  let flow: CaptureFlow | null = null;
  let emit: (jpeg: Uint8Array) => void = () => {};
  const frames: CameraFrame[] = [];
  const session = new KioskSession({
    kioskId: 'KIOSK-T',
    services: [{ id: 'qualificationAuth', available: true }],
    timing: { idleTimeoutSec: 60, warningSec: 20, greetingSec: 3 },
    initialDevices: DEVICES,
    lookup: async () => found,
    createFlow: (_request, citizen, changed, sendFrame) => {
      emit = sendFrame;
      flow = new CaptureFlow({
        citizen,
        peripherals: {} as FlowContext['peripherals'],
        journal: {} as FlowContext['journal'],
        changed,
        activity: () => undefined,
      });
      return flow;
    },
  });
  session.onCameraFrame((frame) => frames.push(frame));
  session.handleReaderEvent({ type: 'cardRead', identity, photo: new Uint8Array(4) });
  await vi.waitFor(() => expect(session.state().phase).toBe('greeting'));
  session.continueToHome();
  session.openService('qualificationAuth');
  const open = flow as CaptureFlow | null;
  if (!open) throw new Error('no flow');
  return { session, flow: open, frames, emit: (jpeg: Uint8Array) => emit(jpeg) };
}

describe('KioskSession', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('greets by masked name and ID number only, then shows the services', async () => {
    const { session, states, last } = setup();
    session.begin();
    expect(last().phase).toBe('awaitCard');
    session.handleReaderEvent({ type: 'cardRead', identity, photo: new Uint8Array(1024).fill(7) });
    await vi.waitFor(() => expect(last().phase).toBe('greeting'));
    expect(last().session).toMatchObject({
      maskedName: '王**',
      maskedIdNumber: '1101**********002X',
      pensioner: true,
    });
    // The full name and number never appear in anything published.
    expect(JSON.stringify(states)).not.toContain('11010519491231002X');
    expect(JSON.stringify(states)).not.toContain('王秀英');
    await vi.advanceTimersByTimeAsync(3000);
    expect(last().phase).toBe('home');
  });

  it('wipes the citizen and the photo bytes when the card is lifted', async () => {
    const { session, last } = setup();
    const photo = new Uint8Array(1024).fill(7);
    session.handleReaderEvent({ type: 'cardRead', identity, photo });
    await vi.waitFor(() => expect(last().phase).toBe('greeting'));
    session.handleReaderEvent({ type: 'cardRemoved' });
    expect(last()).toMatchObject({
      phase: 'attract',
      session: null,
      idle: null,
      notice: { code: 'sessionEnded' },
    });
    expect(session.currentIdentity()).toBeNull();
    expect(photo.every((b) => b === 0)).toBe(true);
  });

  it('warns warningSec before the idle deadline, extends on one tap, then times out and wipes', async () => {
    const { session, last } = setup();
    session.handleReaderEvent({ type: 'cardRead', identity, photo: new Uint8Array(4) });
    await vi.waitFor(() => expect(last().phase).toBe('greeting'));
    await vi.advanceTimersByTimeAsync(3000);
    const idle = last().idle;
    expect(idle && idle.deadline - idle.warnAt).toBe(20_000);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(last().idle?.warning).toBe(true);
    session.extend();
    expect(last().idle?.warning).toBe(false);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(last().session).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(last()).toMatchObject({ phase: 'attract', session: null, notice: { code: 'sessionTimedOut' } });
  });

  it('still greets when the server is unreachable, and says so', async () => {
    const { session, last } = setup(async () => ({ ok: false, code: 'SERVER_UNREACHABLE', message: 'down' }));
    session.handleReaderEvent({ type: 'cardRead', identity, photo: new Uint8Array(4) });
    await vi.waitFor(() => expect(last().phase).toBe('greeting'));
    expect(last().session?.recordsFound).toBe(false);
    expect(last().notice?.code).toBe('serverUnreachable');
  });

  it('drops a late server answer for a visit that already ended', async () => {
    let answer: (r: Result<IdentityLookupResponse>) => void = () => {};
    const { session, last } = setup(() => new Promise((resolve) => (answer = resolve)));
    session.handleReaderEvent({ type: 'cardRead', identity, photo: new Uint8Array(4) });
    expect(last().phase).toBe('reading');
    session.handleReaderEvent({ type: 'cardRemoved' });
    answer(found);
    await vi.advanceTimersByTimeAsync(10);
    expect(last()).toMatchObject({ phase: 'attract', session: null });
  });

  it('refuses commands in the wrong phase with a code, and unavailable services honestly', async () => {
    const { session, last } = setup();
    expect(() => session.end()).toThrow(expect.objectContaining({ code: 'WRONG_PHASE' }));
    session.handleReaderEvent({ type: 'cardRead', identity, photo: new Uint8Array(4) });
    await vi.waitFor(() => expect(last().phase).toBe('greeting'));
    session.continueToHome();
    expect(() => session.openService('recordsQuery')).toThrow(
      expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }),
    );
  });

  it('tells the citizen the reader is unavailable only when it is down, not while it reads a card', () => {
    const { session, last } = setup();
    session.begin();
    session.handleReaderEvent({ type: 'status', status: { device: 'busy', media: 'present', detail: null } });
    expect(last().notice).toBeNull();
    session.handleReaderEvent({
      type: 'status',
      status: { device: 'noDevice', media: 'unknown', detail: 'unplugged' },
    });
    expect(last().notice?.code).toBe('readerUnavailable');
  });

  it('returns from "place your card" to attract after the idle timeout, with nothing to wipe', async () => {
    const { session, last } = setup();
    session.begin();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(last()).toMatchObject({ phase: 'attract', session: null });
  });

  it('passes camera frames to the screen only from the open flow while its capture step shows, and ends the flow with the visit', async () => {
    const { session, flow: open, frames, emit } = await inCaptureFlow();
    emit(new Uint8Array([1]));
    expect(frames).toEqual([]);
    open.capturing(true);
    emit(new Uint8Array([2]));
    expect(frames).toEqual([{ flowId: open.flowId, jpeg: new Uint8Array([2]) }]);
    open.capturing(false);
    emit(new Uint8Array([3]));
    open.capturing(true);
    session.handleReaderEvent({ type: 'cardRemoved' });
    expect(open.disposedNow).toBe(true);
    emit(new Uint8Array([4]));
    expect(frames).toHaveLength(1);
  });

  it('never times out a visit whose flow cannot be left (a card being made), and times it out once it can', async () => {
    const { session, flow: open } = await inCaptureFlow();
    open.busy = true;
    await vi.advanceTimersByTimeAsync(200_000);
    expect(session.state().phase).toBe('service');
    expect(open.disposedNow).toBe(false);
    open.busy = false;
    await vi.advanceTimersByTimeAsync(61_000);
    expect(open.disposedNow).toBe(true);
    expect(session.state()).toMatchObject({ phase: 'attract', session: null });
  });

  it("lends the card's photo to the flow for the visit, never publishes it, and zeroes it when the visit ends", async () => {
    const photo = demoPhoto('card in the reader');
    const original = Uint8Array.from(photo);
    let lent: Uint8Array | undefined;
    let zeroWhenFlowEnded: boolean | null = null;
    const states: KioskState[] = [];
    const session = new KioskSession({
      kioskId: 'KIOSK-T',
      services: [{ id: 'qualificationAuth', available: true }],
      timing: { idleTimeoutSec: 60, warningSec: 20, greetingSec: 3 },
      initialDevices: DEVICES,
      lookup: async () => found,
      createFlow: (_request, citizen, changed) => {
        lent = citizen.idCardPhoto;
        const flow = new CaptureFlow({
          citizen,
          peripherals: {} as FlowContext['peripherals'],
          journal: {} as FlowContext['journal'],
          changed,
          activity: () => undefined,
        });
        flow.onDispose = () => {
          zeroWhenFlowEnded = citizen.idCardPhoto?.every((b) => b === 0) ?? null;
        };
        return flow;
      },
    });
    session.onState((state) => states.push(state));
    session.handleReaderEvent({ type: 'cardRead', identity, photo });
    await vi.waitFor(() => expect(session.state().phase).toBe('greeting'));
    session.continueToHome();
    session.openService('qualificationAuth');
    await vi.waitFor(() => expect(session.state().flow?.step.type).toBe('faceConsent'));

    // The flow holds the card's own bytes (no copy to forget), unchanged while the visit lasts.
    expect(lent).toBe(photo);
    expect(lent).toEqual(original);
    // Nothing published holds bytes, or any trace of the photo.
    const published = [...states, session.state()];
    expect(published.some(holdsBytes)).toBe(false);
    const text = JSON.stringify(published);
    expect(text).not.toContain('SIK DEMO PHOTO');
    expect(text).not.toContain(Buffer.from(original.subarray(100, 160)).toString('base64'));

    session.end();
    // The flow is stopped (its decoder killed) while the bytes still exist, then they are overwritten.
    expect(zeroWhenFlowEnded).toBe(false);
    expect(photo.every((b) => b === 0)).toBe(true);
    expect(session.state()).toMatchObject({ phase: 'attract', session: null, flow: null });
  });
});

/** Whether a value holds binary data anywhere inside it. */
function holdsBytes(value: unknown): boolean {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(holdsBytes);
}

/** A flow that only switches between a consent screen and the capture screen. */
class CaptureFlow extends Flow {
  disposedNow = false;
  /** Like a card being made: the citizen cannot leave. */
  busy = false;
  override canExit(): boolean {
    return !this.busy;
  }
  constructor(ctx: FlowContext) {
    super('qualificationAuth', ctx);
  }
  async start(): Promise<void> {
    this.capturing(false);
  }
  capturing(on: boolean): void {
    this.show(
      on
        ? {
            type: 'faceCapture',
            instruction: 'lookAtCamera',
            hint: null,
            liveness: 'headTurn',
            attempt: 1,
            maxAttempts: 3,
            secondsLeft: 10,
          }
        : {
            type: 'faceConsent',
            text: 'consent',
            version: 'v1',
            validUntil: null,
            daysLeft: null,
            pensionSuspended: false,
          },
    );
  }
  protected async onAnswer(): Promise<void> {}
  onDispose: () => void = () => undefined;
  override dispose(): void {
    this.disposedNow = true;
    this.onDispose();
    super.dispose();
  }
}
