import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceCheckConfig } from '@sik/config';
import type {
  AuthenticationStatus,
  DeviceState,
  FaceDecision,
  FaceOutcome,
  FlowStep,
  FlowView,
  IdCardIdentity,
  Result,
} from '@sik/contract';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CameraError, type CameraStream, type CameraStreamEnd } from '../devices/camera/camera.ts';
import { demoPhoto } from '../devices/idcard/simulator.ts';
import type { FaceCheckRequest, FaceCheckResult, FaceEngine } from '../face/face-check.ts';
import { decodeIdCardPhoto, type IdCardPhotoDecoder } from '../face/id-card-photo.ts';
import { Journal } from '../journal/journal.ts';
import type { FlowContext } from './flow.ts';
import type { Peripherals } from './peripherals.ts';
import { CARD_PHOTO_UNREADABLE, type FaceCheckDeps, QualificationAuthFlow } from './qualification-auth.ts';
import type { FlowServices } from './services.ts';

/**
 * The flow against a scripted server (the seven authentication calls, with the server's rules for consent,
 * lockout and idempotency kept small) and a scripted face check at the seam, so every error path is reachable.
 * The real engine and camera simulator run in tests/agent-flows.test.ts.
 */

const identity: IdCardIdentity = {
  cardType: 'resident',
  name: '王秀英',
  sex: 'female',
  sexCode: '2',
  nation: '汉',
  nationCode: '01',
  birthDate: '1956-03-08',
  address: '北京市朝阳区某某路1号',
  idNumber: '110105195603080023',
  issuer: '北京市公安局朝阳分局',
  validFrom: '2010-01-01',
  validTo: 'long-term',
};
const PERSON = 'P00000042';
const dir = mkdtempSync(join(tmpdir(), 'sik-qa-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const baseStatus: AuthenticationStatus = {
  pensioner: true,
  pensionStatus: 'suspended',
  lastAuthenticatedAt: '2025-05-01T02:00:00.000Z',
  validUntil: '2026-04-30',
  daysLeft: -208,
  lockedUntil: null,
  mismatchesLeft: 3,
  referencePhoto: true,
  consent: { version: 'face-2026-11', text: '我们会用摄像头拍摄您的面部……' },
};

/** A small stand-in for the server's authentication routes, recording what the kiosk sent. */
function scriptedServer(status: Partial<AuthenticationStatus> = {}) {
  const calls = {
    consents: [] as { granted: boolean; version: string }[],
    outcomes: [] as { outcome: FaceOutcome; key: string }[],
    photos: [] as Uint8Array[],
    signIns: 0,
    assisted: [] as { reason: string; staffToken: string; idempotencyKey: string }[],
  };
  let mismatchesLeft = status.mismatchesLeft ?? baseStatus.mismatchesLeft;
  let loseNextOutcomeAnswer = false;
  const ok = <T>(data: T): Result<T> => ({ ok: true, data });
  const services: Partial<FlowServices> = {
    authenticationStatus: async () => ok({ ...baseStatus, ...status, mismatchesLeft }),
    authenticationConsent: async ({ granted, version }) => {
      calls.consents.push({ granted, version });
      return ok({
        consentId: '4b7a3c1e-8f2d-4c6b-9a1e-2d3f4a5b6c7d',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      });
    },
    referencePhoto: async () => {
      const jpeg = new Uint8Array(2048).fill(0xab);
      calls.photos.push(jpeg);
      return ok({ jpeg, source: 'registry' as const });
    },
    faceOutcome: async (outcome, key) => {
      calls.outcomes.push({ outcome, key });
      if (loseNextOutcomeAnswer) {
        loseNextOutcomeAnswer = false;
        return { ok: false, code: 'SERVER_UNREACHABLE', message: '网络不通' };
      }
      if (outcome.decision === 'mismatch') mismatchesLeft = Math.max(0, mismatchesLeft - 1);
      const lockedUntil = mismatchesLeft === 0 ? '2026-11-25T09:00:00.000Z' : null;
      return ok({
        authentication:
          outcome.decision === 'match'
            ? {
                authenticationId: 'a1b2c3d4-0000-4000-8000-000000000001',
                method: 'face' as const,
                authenticatedAt: outcome.decidedAt,
                validUntil: '2027-11-23',
                pensionResumed: true,
                spotCheck: false,
              }
            : null,
        lockedUntil,
        mismatchesLeft,
      });
    },
    staffSignIn: async ({ staffNumber, password, otp }) => {
      calls.signIns += 1;
      if (staffNumber !== '100001' || password !== 'right-password' || otp !== '123456')
        return { ok: false, code: 'UNAUTHORIZED', message: '工号、密码或动态码不正确' };
      return ok({
        staffToken: 'staff-token-0123456789abcdefghijklmnopqrstuv',
        staffName: '李敏',
        role: 'bankStaff',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
      });
    },
    authenticationAssisted: async (request) => {
      calls.assisted.push(request);
      return ok({
        authenticationId: 'a1b2c3d4-0000-4000-8000-000000000002',
        method: 'assisted' as const,
        authenticatedAt: new Date().toISOString(),
        validUntil: '2027-11-23',
        pensionResumed: false,
        spotCheck: true,
      });
    },
  };
  return {
    services: services as FlowServices,
    calls,
    loseNextOutcomeAnswer: () => {
      loseNextOutcomeAnswer = true;
    },
  };
}

type Script = { decision: FaceDecision } | 'hang' | 'crash';

/** The scripted run does the engine's work itself; only load and the model version are reached. */
const scriptedEngine: FaceEngine = {
  modelVersion: 'face-api-1.7.15/ssd+r34',
  load: async () => undefined,
  close: async () => undefined,
  setReference: () => Promise.reject(new Error('not in the scripted seam')),
  clearReference: async () => undefined,
  analyze: () => Promise.reject(new Error('not in the scripted seam')),
  analyzeJpeg: () => Promise.reject(new Error('not in the scripted seam')),
};

/**
 * The face check seam: a camera whose preview frames and closing are observable, and a `run` that reports
 * progress and decides as scripted (or waits until aborted).
 */
function scriptedFace(
  script: Script[],
  options: { cameraState?: DeviceState; liveness?: boolean; decoder?: IdCardPhotoDecoder } = {},
) {
  let cameraState: DeviceState = options.cameraState ?? 'online';
  const streams: { closed: boolean; emit(jpeg: Uint8Array): void }[] = [];
  /** What the engine was given: the reference itself (overwritten after the check) and a copy taken then. */
  const seen: { referenceBytes: number; reference: Uint8Array; copy: Uint8Array; signal: AbortSignal }[] = [];
  const deps: FaceCheckDeps = {
    engine: scriptedEngine,
    camera: {
      get status() {
        return { device: cameraState, detail: null };
      },
      onStatus: () => () => undefined,
      async open() {
        if (cameraState !== 'online') throw new CameraError('deviceNotReady', 'camera is gone', 'noDevice');
        const listeners = new Set<(jpeg: Uint8Array) => void>();
        const record = {
          closed: false,
          emit: (jpeg: Uint8Array) => {
            for (const l of listeners) l(jpeg);
          },
        };
        streams.push(record);
        let end: (value: CameraStreamEnd) => void = () => undefined;
        const stream: CameraStream = {
          // The scripted run reads no frames: the seam stands in for the engine.
          nextFrame: async () => null,
          onPreview(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
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
    liveness: options.liveness ? { method: 'binocular', check: async () => 'live' } : null,
    config: FaceCheckConfig.parse({
      maxAttempts: 3,
      timeoutMs: 15_000,
      idCardPhotoDecoder: options.decoder ?? null,
    }),
    async run(request: FaceCheckRequest): Promise<FaceCheckResult> {
      seen.push({
        referenceBytes: request.referenceJpeg.filter((b) => b !== 0).length,
        reference: request.referenceJpeg,
        copy: Uint8Array.from(request.referenceJpeg),
        signal: request.signal,
      });
      const next = script.shift() ?? 'hang';
      request.onProgress({ instruction: 'lookAtCamera', hint: 'noFace', secondsLeft: 14.2 });
      streams.at(-1)?.emit(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
      request.onProgress({ instruction: 'turnLeft', hint: null, secondsLeft: 12 });
      if (next === 'crash') throw new Error('face engine worker exited (1)');
      if (next === 'hang')
        return new Promise((_resolve, reject) =>
          request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
      return {
        decision: next.decision,
        distance: next.decision === 'match' ? 0.31 : next.decision === 'mismatch' ? 0.74 : null,
        threshold: 0.5,
        framesUsed: next.decision === 'noFace' ? 0 : 5,
        liveness: { method: options.liveness ? 'binocular' : 'headTurn', result: 'live' },
        modelVersion: 'face-api-1.7.15/ssd+r34',
        timings: { toDecisionMs: 900 },
      };
    },
  };
  return {
    deps,
    streams,
    seen,
    unplug: () => {
      cameraState = 'offline';
    },
  };
}

function setup(
  server = scriptedServer(),
  face: ReturnType<typeof scriptedFace> | null = scriptedFace([]),
  idCardPhoto?: Uint8Array,
) {
  const views: FlowView[] = [];
  const frames: { step: string; bytes: number }[] = [];
  let flow: QualificationAuthFlow | null = null;
  const ctx: FlowContext = {
    citizen: idCardPhoto ? { personId: PERSON, identity, idCardPhoto } : { personId: PERSON, identity },
    // The flow prints nothing and pays nothing: no peripherals are reached.
    peripherals: {} as Peripherals,
    journal: new Journal(join(dir, `journal-${Math.random()}`)),
    changed: () => {
      if (flow) views.push(flow.view());
    },
    activity: () => undefined,
  };
  flow = new QualificationAuthFlow(ctx, server.services, face?.deps ?? null, (jpeg) => {
    frames.push({ step: flow?.view().step.type ?? '', bytes: jpeg.length });
  });
  const step = () => flow.view().step;
  const stepIs = async <T extends FlowStep['type']>(type: T, timeout = 2000) => {
    await vi.waitFor(() => expect(step().type).toBe(type), { timeout });
    return step() as Extract<FlowStep, { type: T }>;
  };
  return { flow, views, frames, step, stepIs, server, face };
}

describe('qualification authentication flow', () => {
  it('tells a person who draws no pension that there is nothing to do, in plain words', async () => {
    const { flow, stepIs } = setup(scriptedServer({ pensioner: false, pensionStatus: null }));
    await flow.start();
    const refused = await stepIs('notEligible');
    expect(refused.reasons).toEqual(['您目前没有领取养老金，不需要办理待遇领取资格认证。']);
  });

  it('offers only staff help while the face check is locked for this person', async () => {
    const { flow, stepIs, server } = setup(
      scriptedServer({ lockedUntil: '2026-11-25T09:00:00.000Z', mismatchesLeft: 0 }),
    );
    await flow.start();
    const locked = await stepIs('faceFailed');
    expect(locked).toEqual({
      type: 'faceFailed',
      reason: 'mismatch',
      attemptsLeft: 0,
      lockedUntil: '2026-11-25T09:00:00.000Z',
    });
    await expect(flow.answer('retry')).rejects.toThrow(/no more face checks/);
    expect(server.calls.consents).toEqual([]);
    await flow.answer('assisted');
    expect(await stepIs('staffSignIn')).toEqual({
      type: 'staffSignIn',
      reason: 'faceCheckFailed',
      failed: false,
    });
  });

  it('goes straight to staff when the registry has no photo of the person', async () => {
    const { flow, stepIs } = setup(scriptedServer({ referencePhoto: false }));
    await flow.start();
    expect(await stepIs('staffSignIn')).toMatchObject({ reason: 'noReferencePhoto', failed: false });
  });

  describe('with the ID card photo as the reference (a WLT decoder configured)', () => {
    /** The test decoder (device-agent/src/face/testing/wlt-decoder.mjs), a real child process. */
    const script = fileURLToPath(new URL('../face/testing/wlt-decoder.mjs', import.meta.url));
    const decoder = (mode: 'ok' | 'fail'): IdCardPhotoDecoder => ({
      command: process.execPath,
      args: [script, mode],
      timeoutMs: 10_000,
    });

    it('decodes the card photo after consent when the registry has none, and checks against it', async () => {
      const card = demoPhoto('王秀英的身份证');
      const face = scriptedFace([{ decision: 'match' }], { decoder: decoder('ok') });
      const { flow, stepIs, server, views } = setup(scriptedServer({ referencePhoto: false }), face, card);
      await flow.start();
      await stepIs('faceConsent');
      await flow.answer('agree');
      const result = await stepIs('result', 10_000);
      expect(result.items[0]).toMatchObject({ item: 'authentication', status: 'done' });

      // The engine was given exactly what the decoder wrote for this card; the registry was never asked.
      const expected = await decodeIdCardPhoto(decoder('ok'), card);
      expect(face.seen).toHaveLength(1);
      expect(face.seen[0]?.copy).toEqual(expected);
      expect(server.calls.photos).toEqual([]);
      expect(server.calls.consents).toEqual([{ granted: true, version: 'face-2026-11' }]);
      // The outcome is the same as with a registry photo: nothing says where the reference came from.
      expect(server.calls.outcomes).toHaveLength(1);
      const sent = server.calls.outcomes[0]?.outcome;
      expect(sent).toMatchObject({ personId: PERSON, decision: 'match', distance: 0.31 });
      expect(Object.keys(sent ?? {})).not.toContain('source');
      // After the check the decoded photo is overwritten; the card's bytes belong to the session and stay.
      expect(face.seen[0]?.reference.every((b) => b === 0)).toBe(true);
      expect(card).toEqual(demoPhoto('王秀英的身份证'));
      expect(face.streams.every((s) => s.closed)).toBe(true);
      // Decoded bytes never reach a view.
      expect(JSON.stringify(views)).not.toContain(Buffer.from(expected).toString('base64').slice(0, 40));
    });

    it('says so plainly and goes to staff when the decoder fails', async () => {
      const face = scriptedFace([{ decision: 'match' }], { decoder: decoder('fail') });
      const { flow, stepIs, server } = setup(scriptedServer({ referencePhoto: false }), face, demoPhoto('x'));
      await flow.start();
      await stepIs('faceConsent');
      await flow.answer('agree');
      expect(await stepIs('staffSignIn', 10_000)).toEqual({
        type: 'staffSignIn',
        reason: 'noReferencePhoto',
        failed: false,
      });
      expect(flow.view().error).toEqual({ code: 'DEVICE_ERROR', message: CARD_PHOTO_UNREADABLE });
      expect(flow.view().canGoBack).toBe(false);
      await expect(flow.retry()).rejects.toThrow(/nothing to retry/);
      // No check ran, the camera stayed off, and no outcome was sent.
      expect(face.seen).toEqual([]);
      expect(face.streams).toEqual([]);
      expect(server.calls.outcomes).toEqual([]);
      // Staff can still confirm the person.
      await flow.staffSignIn({ staffNumber: '100001', password: 'right-password', otp: '123456' });
      expect(await stepIs('staffConfirm')).toMatchObject({ reason: 'noReferencePhoto' });
    });

    it('goes straight to staff when the card gave no photo, and prefers the registry photo when there is one', async () => {
      const noCard = setup(
        scriptedServer({ referencePhoto: false }),
        scriptedFace([], { decoder: decoder('ok') }),
      );
      await noCard.flow.start();
      expect(await noCard.stepIs('staffSignIn')).toMatchObject({ reason: 'noReferencePhoto' });

      const face = scriptedFace([{ decision: 'match' }], { decoder: decoder('fail') });
      const registry = setup(scriptedServer(), face, demoPhoto('x'));
      await registry.flow.start();
      await registry.stepIs('faceConsent');
      await registry.flow.answer('agree');
      await registry.stepIs('result');
      expect(registry.server.calls.photos).toHaveLength(1);
      expect(face.seen[0]?.copy).toEqual(new Uint8Array(2048).fill(0xab));
    });
  });

  it('asks for consent, follows the engine on the capture screen, signs a match and says when the next is due', async () => {
    const face = scriptedFace([{ decision: 'match' }], { liveness: true });
    const { flow, stepIs, views, frames, server } = setup(scriptedServer(), face);
    await flow.start();
    const consent = await stepIs('faceConsent');
    expect(consent).toMatchObject({
      version: 'face-2026-11',
      validUntil: '2026-04-30',
      daysLeft: -208,
      pensionSuspended: true,
    });
    expect(consent.text).toContain('摄像头');
    await flow.answer('agree');
    const result = await stepIs('result');

    const seenSteps = views.map((v) => v.step);
    expect(seenSteps).toContainEqual({ type: 'loading', label: 'preparingCamera' });
    const captures = seenSteps.filter((s) => s.type === 'faceCapture');
    expect(captures.map((c) => [c.instruction, c.hint, c.secondsLeft])).toEqual([
      ['lookAtCamera', null, 15],
      ['lookAtCamera', 'noFace', 15],
      ['turnLeft', null, 12],
    ]);
    expect(captures[0]).toMatchObject({ liveness: 'binocular', attempt: 1, maxAttempts: 3 });
    // Preview frames reached the screen while the capture showed, and only then.
    expect(frames).toEqual([{ step: 'faceCapture', bytes: 4 }]);

    expect(server.calls.consents).toEqual([{ granted: true, version: 'face-2026-11' }]);
    expect(server.calls.outcomes).toHaveLength(1);
    const sent = server.calls.outcomes[0]?.outcome;
    expect(sent).toMatchObject({
      personId: PERSON,
      consentId: '4b7a3c1e-8f2d-4c6b-9a1e-2d3f4a5b6c7d',
      decision: 'match',
      distance: 0.31,
      threshold: 0.5,
      framesUsed: 5,
      liveness: { method: 'binocular', result: 'live' },
    });
    expect(Object.keys(sent ?? {}).sort()).toEqual([
      'consentId',
      'decidedAt',
      'decision',
      'distance',
      'framesUsed',
      'liveness',
      'modelVersion',
      'personId',
      'threshold',
    ]);

    expect(result.outcome).toBe('success');
    expect(result.items).toHaveLength(1);
    expect(result.items[0]).toMatchObject({ item: 'authentication', status: 'done' });
    expect(result.items[0]?.message).toContain('2027年11月23日');
    expect(result.items[0]?.message).toContain('恢复发放');
    // The engine had the photo during the check; afterwards its bytes are overwritten and the camera is off.
    expect(face.seen[0]?.referenceBytes).toBe(2048);
    expect(server.calls.photos[0]?.every((b) => b === 0)).toBe(true);
    expect(face.streams.every((s) => s.closed)).toBe(true);
    expect(flow.view().canGoBack).toBe(false);
  });

  it('refuses another face with the attempts left, retries, and locks after the server says so', async () => {
    const face = scriptedFace([{ decision: 'mismatch' }, { decision: 'mismatch' }]);
    const { flow, stepIs, server, views } = setup(scriptedServer({ mismatchesLeft: 2 }), face);
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('agree');
    const first = await stepIs('faceFailed');
    // Local retries left: 2 of 3; the server allows 1 more mismatch before the lockout.
    expect(first).toEqual({ type: 'faceFailed', reason: 'mismatch', attemptsLeft: 1, lockedUntil: null });
    expect(server.calls.outcomes[0]?.outcome).toMatchObject({ decision: 'mismatch', distance: 0.74 });
    expect(flow.view().canGoBack).toBe(true);

    const shown = views.length;
    await flow.answer('retry');
    await vi.waitFor(() => expect(flow.view().step).toMatchObject({ type: 'faceFailed', attemptsLeft: 0 }));
    expect(views.slice(shown).map((v) => v.step)).toContainEqual(
      expect.objectContaining({ type: 'faceCapture', attempt: 2, liveness: 'headTurn' }),
    );
    expect(flow.view().step).toEqual({
      type: 'faceFailed',
      reason: 'mismatch',
      attemptsLeft: 0,
      lockedUntil: '2026-11-25T09:00:00.000Z',
    });
    // One consent covers the visit's checks; each check fetched the photo again and overwrote it after.
    expect(server.calls.consents).toHaveLength(1);
    expect(server.calls.photos).toHaveLength(2);
    expect(server.calls.photos.every((p) => p.every((b) => b === 0))).toBe(true);
    expect(new Set(server.calls.outcomes.map((o) => o.key)).size).toBe(2);
    expect(flow.view().canGoBack).toBe(false);
    await expect(flow.answer('retry')).rejects.toThrow();
  });

  it('returns to consent with a retry when the engine fails mid-check, instead of leaving the camera screen up', async () => {
    const { flow, stepIs, face } = setup(scriptedServer(), scriptedFace(['crash', { decision: 'match' }]));
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('agree');
    await vi.waitFor(() => expect(flow.view().error?.code).toBe('DEVICE_ERROR'));
    expect(flow.view().step.type).toBe('faceConsent');
    expect(face?.streams.at(-1)?.closed).toBe(true);
    await flow.retry();
    await stepIs('result');
  });

  it('goes back from a failure to the consent screen', async () => {
    const { flow, stepIs } = setup(scriptedServer(), scriptedFace([{ decision: 'noFace' }]));
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('agree');
    expect(await stepIs('faceFailed')).toMatchObject({ reason: 'noFace', attemptsLeft: 2 });
    flow.back();
    await stepIs('faceConsent');
    expect(flow.view().canGoBack).toBe(false);
  });

  it('records a declined consent and serves the citizen through staff: wrong sign-in, then confirmed', async () => {
    const { flow, stepIs, server } = setup();
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('decline');
    expect(await stepIs('staffSignIn')).toEqual({
      type: 'staffSignIn',
      reason: 'declinedFaceCheck',
      failed: false,
    });
    expect(server.calls.consents).toEqual([{ granted: false, version: 'face-2026-11' }]);
    expect(flow.view().canGoBack).toBe(true);

    await flow.staffSignIn({ staffNumber: '100001', password: 'wrong', otp: '123456' });
    expect(await stepIs('staffSignIn')).toMatchObject({ failed: true });
    // A malformed code never reaches the server.
    await flow.staffSignIn({ staffNumber: '100001', password: 'right-password', otp: '12' });
    expect(server.calls.signIns).toBe(1);
    await flow.staffSignIn({ staffNumber: '100001', password: 'right-password', otp: '123456' });
    const confirm = await stepIs('staffConfirm');
    expect(confirm).toEqual({
      type: 'staffConfirm',
      staffName: '李敏',
      maskedName: '王**',
      maskedIdNumber: '1101**********0023',
      reason: 'declinedFaceCheck',
    });
    expect(JSON.stringify(flow.view())).not.toContain('staff-token');
    await flow.answer('confirm');
    const result = await stepIs('result');
    expect(server.calls.assisted).toEqual([
      {
        personId: PERSON,
        staffToken: 'staff-token-0123456789abcdefghijklmnopqrstuv',
        reason: 'declinedFaceCheck',
        idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
      },
    ]);
    expect(result.items[0]?.message).toMatch(/工作人员.*抽查/);
    expect(result.items[0]?.message).not.toContain('恢复发放');
  });

  it('says the camera is unavailable when it is unplugged, and offers staff instead of a retry', async () => {
    const face = scriptedFace([]);
    face.unplug();
    const { flow, stepIs, server } = setup(scriptedServer(), face);
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('agree');
    const failed = await stepIs('faceFailed');
    expect(failed).toEqual({
      type: 'faceFailed',
      reason: 'cameraUnavailable',
      attemptsLeft: 0,
      lockedUntil: null,
    });
    expect(server.calls.outcomes[0]?.outcome).toMatchObject({
      decision: 'cameraUnavailable',
      framesUsed: 0,
      distance: null,
      liveness: { method: 'headTurn', result: 'notChecked' },
    });
    expect(server.calls.photos[0]?.every((b) => b === 0)).toBe(true);
    await flow.answer('assisted');
    expect(await stepIs('staffSignIn')).toMatchObject({ reason: 'cannotUseCamera' });
  });

  it('stops the camera and returns to consent on back during the capture; no back while loading', async () => {
    const face = scriptedFace(['hang']);
    const { flow, stepIs, server, frames } = setup(scriptedServer(), face);
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('agree');
    expect(flow.view().canGoBack).toBe(false);
    expect(() => flow.back()).toThrow(/wait/);
    await stepIs('faceCapture');
    expect(flow.view().canGoBack).toBe(true);
    flow.back();
    await stepIs('faceConsent');
    await vi.waitFor(() => expect(face.streams[0]?.closed).toBe(true));
    expect(face.seen[0]?.signal.aborted).toBe(true);
    expect(server.calls.photos[0]?.every((b) => b === 0)).toBe(true);
    expect(server.calls.outcomes).toEqual([]);
    // A frame that arrives after the capture ended does not reach the screen.
    const before = frames.length;
    face.streams[0]?.emit(new Uint8Array([1, 2, 3]));
    expect(frames.length).toBe(before);
  });

  it('closes the camera and drops the photo when the session ends mid-check', async () => {
    const face = scriptedFace(['hang']);
    const { flow, stepIs, server } = setup(scriptedServer(), face);
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('agree');
    await stepIs('faceCapture');
    flow.dispose();
    await vi.waitFor(() => expect(face.streams[0]?.closed).toBe(true));
    expect(face.seen[0]?.signal.aborted).toBe(true);
    expect(server.calls.photos[0]?.every((b) => b === 0)).toBe(true);
    expect(server.calls.outcomes).toEqual([]);
  });

  it('sends a match again under the same key when the answer was lost', async () => {
    const server = scriptedServer();
    server.loseNextOutcomeAnswer();
    const { flow, stepIs } = setup(server, scriptedFace([{ decision: 'match' }]));
    await flow.start();
    await stepIs('faceConsent');
    await flow.answer('agree');
    await vi.waitFor(() => expect(flow.view().error?.code).toBe('SERVER_UNREACHABLE'));
    expect(flow.view().step).toEqual({ type: 'loading', label: 'submitting' });
    await flow.retry();
    await stepIs('result');
    const keys = server.calls.outcomes.map((o) => o.key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('offers only staff on a kiosk without a camera', async () => {
    const { flow, stepIs } = setup(scriptedServer(), null);
    await flow.start();
    expect(await stepIs('staffSignIn')).toMatchObject({ reason: 'cannotUseCamera' });
  });
});
