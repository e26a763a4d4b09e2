import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaceCheckConfig } from '@sik/config';
import type {
  CardOverview,
  FaceDecision,
  FaceOutcome,
  FlowStep,
  FlowView,
  IdCardIdentity,
  IdentityCheckStatus,
  Result,
} from '@sik/contract';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { CameraStream, CameraStreamEnd } from '../devices/camera/camera.ts';
import type { FaceCheckRequest, FaceCheckResult, FaceEngine } from '../face/face-check.ts';
import { DEFAULT_ISSUANCE_CONFIG } from '../issuance/types.ts';
import { Journal } from '../journal/journal.ts';
import { CardIssuanceFlow, type CardIssuing } from './card-issuance.ts';
import { type FaceCheckDeps, hostsStaffSignIn } from './face-verification.ts';
import type { FlowContext } from './flow.ts';
import type { Peripherals } from './peripherals.ts';
import type { FlowServices } from './services.ts';

/**
 * The face check as a part a host flow drives, seen through the card flow (identity -> face check -> confirm ->
 * the card): a scripted server for the identity-check routes and a scripted face check at the seam (the same
 * seam as qualification-auth.test.ts, which covers the check's error paths through the qualification flow).
 */

const identity: IdCardIdentity = {
  cardType: 'resident',
  name: '张建国',
  sex: 'male',
  sexCode: '1',
  nation: '汉',
  nationCode: '01',
  birthDate: '1990-06-01',
  address: '北京市朝阳区某某路2号',
  idNumber: '110105199006010031',
  issuer: '北京市公安局朝阳分局',
  validFrom: '2015-01-01',
  validTo: '2035-01-01',
};
const PERSON = 'P00000077';
const CONSENT_ID = '4b7a3c1e-8f2d-4c6b-9a1e-2d3f4a5b6c7d';
const dir = mkdtempSync(join(tmpdir(), 'sik-face-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const baseStatus: IdentityCheckStatus = {
  lockedUntil: null,
  mismatchesLeft: 3,
  referencePhoto: true,
  consent: { version: 'face-consent-card/2026-1', text: '为确认是您本人申领社保卡……' },
  verifiedUntil: null,
};

const ok = <T>(data: T): Result<T> => ({ ok: true, data });

/** The identity-check routes in small: consent, photo, outcomes with the lockout count, staff; what was sent. */
function scriptedServer(status: Partial<IdentityCheckStatus> = {}) {
  const calls = {
    statuses: 0,
    consents: [] as { granted: boolean; purpose: string; version: string }[],
    photos: [] as Uint8Array[],
    outcomes: [] as { purpose: string; outcome: FaceOutcome; key: string }[],
    assisted: [] as { purpose: string; reason: string; staffToken: string }[],
    qualification: 0,
  };
  let mismatchesLeft = status.mismatchesLeft ?? baseStatus.mismatchesLeft;
  let verifiedUntil = status.verifiedUntil ?? null;
  const verification = (method: 'face' | 'staff') => {
    verifiedUntil = new Date(Date.now() + 15 * 60_000).toISOString();
    return {
      verificationId: 'a1b2c3d4-0000-4000-8000-000000000009',
      purpose: 'cardIssuance' as const,
      method,
      verifiedAt: new Date().toISOString(),
      spotCheck: method === 'staff',
    };
  };
  const qualification = async () => {
    calls.qualification += 1;
    return { ok: false as const, code: 'INTERNAL' as const, message: 'not for a card' };
  };
  const services: Partial<FlowServices> = {
    identityCheckStatus: async () => {
      calls.statuses += 1;
      return ok({ ...baseStatus, ...status, mismatchesLeft, verifiedUntil });
    },
    identityCheckConsent: async ({ granted, purpose, version }) => {
      calls.consents.push({ granted, purpose, version });
      return ok({ consentId: CONSENT_ID, expiresAt: new Date(Date.now() + 600_000).toISOString() });
    },
    identityReferencePhoto: async () => {
      const jpeg = new Uint8Array(2048).fill(0xab);
      calls.photos.push(jpeg);
      return ok({ jpeg, source: 'registry' as const });
    },
    identityFaceOutcome: async (purpose, outcome, key) => {
      calls.outcomes.push({ purpose, outcome, key });
      if (outcome.decision === 'mismatch') mismatchesLeft = Math.max(0, mismatchesLeft - 1);
      return ok({
        verification: outcome.decision === 'match' ? verification('face') : null,
        lockedUntil: mismatchesLeft === 0 ? '2026-11-25T09:00:00.000Z' : null,
        mismatchesLeft,
      });
    },
    staffSignIn: async ({ staffNumber, password, otp }) =>
      staffNumber === '100001' && password === 'right-password' && otp === '123456'
        ? ok({
            staffToken: 'staff-token-0123456789abcdefghijklmnopqrstuv',
            staffName: '李敏',
            role: 'bankStaff',
            expiresAt: new Date(Date.now() + 600_000).toISOString(),
          })
        : { ok: false, code: 'UNAUTHORIZED', message: '工号、密码或动态码不正确' },
    identityAssisted: async ({ purpose, reason, staffToken }) => {
      calls.assisted.push({ purpose, reason, staffToken });
      return ok(verification('staff'));
    },
    // A card's face check never records a qualification authentication.
    authenticationStatus: qualification,
    authenticationConsent: qualification,
    referencePhoto: qualification,
    faceOutcome: qualification,
    authenticationAssisted: qualification,
  };
  return { services: services as FlowServices, calls };
}

const scriptedEngine: FaceEngine = {
  modelVersion: 'face-api-1.7.15/ssd+r34',
  load: async () => undefined,
  close: async () => undefined,
  setReference: () => Promise.reject(new Error('not in the scripted seam')),
  clearReference: async () => undefined,
  analyze: () => Promise.reject(new Error('not in the scripted seam')),
  analyzeJpeg: () => Promise.reject(new Error('not in the scripted seam')),
};

/** A camera whose closing is observable and a `run` that decides as scripted (or waits until aborted). */
function scriptedFace(script: ({ decision: FaceDecision } | 'hang')[]) {
  const streams: { closed: boolean }[] = [];
  const seen: Uint8Array[] = [];
  const deps: FaceCheckDeps = {
    engine: scriptedEngine,
    camera: {
      status: { device: 'online', detail: null },
      onStatus: () => () => undefined,
      async open() {
        const record = { closed: false };
        streams.push(record);
        let end: (value: CameraStreamEnd) => void = () => undefined;
        const stream: CameraStream = {
          nextFrame: async () => null,
          onPreview: () => () => undefined,
          ended: new Promise<CameraStreamEnd>((resolve) => {
            end = resolve;
          }),
          async close() {
            record.closed = true;
            end({ reason: 'closed', detail: null });
          },
        };
        return stream;
      },
    },
    liveness: null,
    config: FaceCheckConfig.parse({ maxAttempts: 3, timeoutMs: 15_000 }),
    async run(request: FaceCheckRequest): Promise<FaceCheckResult> {
      seen.push(request.referenceJpeg);
      const next = script.shift() ?? 'hang';
      request.onProgress({ instruction: 'turnLeft', hint: null, secondsLeft: 12 });
      if (next === 'hang')
        return new Promise((_resolve, reject) =>
          request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
      return {
        decision: next.decision,
        distance: next.decision === 'match' ? 0.31 : 0.74,
        threshold: 0.5,
        framesUsed: 5,
        liveness: { method: 'headTurn', result: 'live' },
        modelVersion: 'face-api-1.7.15/ssd+r34',
        timings: { toDecisionMs: 900 },
      };
    },
  };
  return { deps, streams, seen };
}

/** The card server answers the overview only: these tests end at the confirmation, before any card is made. */
function issuing(overview: Partial<CardOverview> = {}): CardIssuing {
  const full: CardOverview = { cards: [], openApplication: null, allowed: ['first'], ...overview };
  return {
    server: { overview: async () => ok(full) },
    config: DEFAULT_ISSUANCE_CONFIG,
  } as unknown as CardIssuing;
}

function setup(
  server = scriptedServer(),
  face: ReturnType<typeof scriptedFace> | null = scriptedFace([]),
  card = issuing(),
) {
  const views: FlowView[] = [];
  let flow: CardIssuanceFlow | null = null;
  const ctx: FlowContext = {
    citizen: { personId: PERSON, identity },
    peripherals: {} as Peripherals,
    journal: new Journal(join(dir, `journal-${Math.random()}`)),
    changed: () => {
      if (flow) views.push(flow.view());
    },
    activity: () => undefined,
  };
  flow = new CardIssuanceFlow(ctx, card, {
    services: server.services,
    face: face?.deps ?? null,
    frames: () => undefined,
  });
  const step = () => flow.view().step;
  const stepIs = async <T extends FlowStep['type']>(type: T, timeout = 2000) => {
    await vi.waitFor(() => expect(step().type).toBe(type), { timeout });
    return step() as Extract<FlowStep, { type: T }>;
  };
  return { flow, views, step, stepIs, server, face };
}

describe('the face check before a card application (CardIssuanceFlow hosting FaceVerification)', () => {
  it('checks the face after the matter and before the confirmation; the outcome goes out for the card', async () => {
    const face = scriptedFace([{ decision: 'match' }]);
    const { flow, stepIs, server, views } = setup(scriptedServer(), face);
    await flow.start();
    await stepIs('choose');
    await flow.answer('first');
    const consent = await stepIs('faceConsent');
    expect(consent).toMatchObject({
      version: 'face-consent-card/2026-1',
      validUntil: null,
      daysLeft: null,
      pensionSuspended: false,
    });
    expect(flow.view().canGoBack).toBe(true);
    await flow.answer('agree');
    const confirm = await stepIs('confirm');
    expect(confirm.lines[0]).toEqual({ label: '办理事项', value: '社保卡首次申领' });
    expect(views.some((v) => v.step.type === 'faceCapture')).toBe(true);
    expect(server.calls.consents).toEqual([
      { granted: true, purpose: 'cardIssuance', version: 'face-consent-card/2026-1' },
    ]);
    expect(server.calls.outcomes).toHaveLength(1);
    expect(server.calls.outcomes[0]).toMatchObject({
      purpose: 'cardIssuance',
      outcome: { personId: PERSON, consentId: CONSENT_ID, decision: 'match', distance: 0.31 },
    });
    expect(server.calls.qualification).toBe(0);
    // The camera is closed and the reference photo overwritten once the check is decided.
    expect(face.streams.every((s) => s.closed)).toBe(true);
    expect(face.seen[0]?.every((b) => b === 0)).toBe(true);
    // Back from the confirmation goes to the matter; choosing again needs no second check (still verified).
    flow.back();
    await stepIs('choose');
    await flow.answer('first');
    await stepIs('confirm');
    expect(server.calls.outcomes).toHaveLength(1);
  });

  it('offers a retry after a mismatch, then the confirmation after a match', async () => {
    const { flow, stepIs, server } = setup(
      scriptedServer(),
      scriptedFace([{ decision: 'mismatch' }, { decision: 'match' }]),
    );
    await flow.start();
    await stepIs('choose');
    await flow.answer('first');
    await stepIs('faceConsent');
    await flow.answer('agree');
    expect(await stepIs('faceFailed')).toEqual({
      type: 'faceFailed',
      reason: 'mismatch',
      attemptsLeft: 2,
      lockedUntil: null,
    });
    await flow.answer('retry');
    await stepIs('confirm');
    expect(server.calls.outcomes.map((o) => o.outcome.decision)).toEqual(['mismatch', 'match']);
    expect(new Set(server.calls.outcomes.map((o) => o.key)).size).toBe(2);
  });

  it('goes straight to staff without a camera: sign-in, confirmation, a verification for the card', async () => {
    const { flow, stepIs, server } = setup(scriptedServer(), null);
    expect(hostsStaffSignIn(flow)).toBe(true);
    await flow.start();
    await stepIs('choose');
    await flow.answer('first');
    expect(await stepIs('staffSignIn')).toEqual({
      type: 'staffSignIn',
      reason: 'cannotUseCamera',
      failed: false,
    });
    await flow.staffSignIn({ staffNumber: '100001', password: 'wrong', otp: '123456' });
    expect(await stepIs('staffSignIn')).toMatchObject({ failed: true });
    await flow.staffSignIn({ staffNumber: '100001', password: 'right-password', otp: '123456' });
    expect(await stepIs('staffConfirm')).toMatchObject({
      staffName: '李敏',
      maskedName: expect.not.stringContaining('建国'),
      maskedIdNumber: expect.not.stringContaining('19900601'),
      reason: 'cannotUseCamera',
    });
    await flow.answer('confirm');
    await stepIs('confirm');
    expect(server.calls.assisted).toEqual([
      {
        purpose: 'cardIssuance',
        reason: 'cannotUseCamera',
        staffToken: 'staff-token-0123456789abcdefghijklmnopqrstuv',
      },
    ]);
    expect(server.calls.consents).toEqual([]);
    expect(server.calls.qualification).toBe(0);
  });

  it('goes straight to staff when the registry has no photo, and only staff while locked', async () => {
    const noPhoto = setup(scriptedServer({ referencePhoto: false }));
    await noPhoto.flow.start();
    await noPhoto.stepIs('choose');
    await noPhoto.flow.answer('renewal').catch(() => undefined);
    await noPhoto.flow.answer('first');
    expect(await noPhoto.stepIs('staffSignIn')).toMatchObject({ reason: 'noReferencePhoto' });

    const locked = setup(scriptedServer({ lockedUntil: '2026-11-25T09:00:00.000Z', mismatchesLeft: 0 }));
    await locked.flow.start();
    await locked.stepIs('choose');
    await locked.flow.answer('first');
    expect(await locked.stepIs('faceFailed')).toMatchObject({ attemptsLeft: 0 });
    await expect(locked.flow.answer('retry')).rejects.toThrow(/no more face checks/);
    await locked.flow.answer('assisted');
    expect(await locked.stepIs('staffSignIn')).toMatchObject({ reason: 'faceCheckFailed' });
  });

  it('records a declined consent for the card and serves the citizen through staff', async () => {
    const { flow, stepIs, server } = setup();
    await flow.start();
    await stepIs('choose');
    await flow.answer('first');
    await stepIs('faceConsent');
    await flow.answer('decline');
    expect(await stepIs('staffSignIn')).toMatchObject({ reason: 'declinedFaceCheck' });
    expect(server.calls.consents).toEqual([
      { granted: false, purpose: 'cardIssuance', version: 'face-consent-card/2026-1' },
    ]);
  });

  it('gives up the check on back to the matter: the camera stops, nothing is sent', async () => {
    const face = scriptedFace(['hang']);
    const { flow, stepIs, server } = setup(scriptedServer(), face);
    await flow.start();
    await stepIs('choose');
    await flow.answer('first');
    await stepIs('faceConsent');
    await flow.answer('agree');
    await stepIs('faceCapture');
    await vi.waitFor(() => expect(flow.view().canGoBack).toBe(true));
    flow.back();
    await stepIs('faceConsent');
    await vi.waitFor(() => expect(face.streams[0]?.closed).toBe(true));
    flow.back();
    await stepIs('choose');
    expect(server.calls.outcomes).toEqual([]);
  });

  it('asks no face check for a report of loss', async () => {
    const { flow, stepIs, server } = setup(
      scriptedServer(),
      scriptedFace([]),
      issuing({
        cards: [
          {
            cardNumber: 'K00000001',
            applicationId: 'CA-1',
            status: 'active',
            chipSerial: '5AC0000000000001',
            issuedOn: '2025-01-01',
            validUntil: '2035-01-01',
          },
        ],
        allowed: ['renewal'],
      }),
    );
    await flow.start();
    await stepIs('choose');
    await flow.answer('reportLoss');
    expect((await stepIs('confirm')).lines[0]).toEqual({ label: '办理事项', value: '社保卡挂失' });
    expect(server.calls.statuses).toBe(0);
  });

  it('closes the camera and drops the photo when the session ends mid-check', async () => {
    const face = scriptedFace(['hang']);
    const { flow, stepIs } = setup(scriptedServer(), face);
    await flow.start();
    await stepIs('choose');
    await flow.answer('first');
    await stepIs('faceConsent');
    await flow.answer('agree');
    await stepIs('faceCapture');
    flow.dispose();
    await vi.waitFor(() => expect(face.streams[0]?.closed).toBe(true));
    expect(face.seen[0]?.every((b) => b === 0)).toBe(true);
  });
});
