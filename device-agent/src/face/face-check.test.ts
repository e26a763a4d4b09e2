/**
 * The face check with the real model (face-api on the WASM backend, in its worker) on the fixture scenes:
 * real photos from the face-api package, rendered as camera frames. One engine for the whole file.
 */
import { FaceCheckConfig } from '@sik/config';
import { loadReferencePhoto } from '@sik/seeds/face-photos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine, type FaceCheckProgress, runFaceCheck } from './face-check.ts';
import { decodeClip, fakeCameraStream, fakeLiveness } from './fixtures/fake-stream.ts';
import { type RenderableScene, renderScene } from './fixtures/scenes.ts';
import { assessFrame } from './quality.ts';

const engine = createFaceEngine();
const HOLDER = 'face-a'; // the one identity with two different photos: the camera shows the other one
const config = FaceCheckConfig.parse({});
let reference: Uint8Array;

beforeAll(async () => {
  await engine.load();
  reference = await loadReferencePhoto(HOLDER);
}, 120_000);

afterAll(() => engine.close());

const clip = async (scene: RenderableScene) => decodeClip(await renderScene(scene, { cardHolder: HOLDER }));

async function check(
  scene: RenderableScene,
  opts: {
    binocular?: boolean;
    config?: Partial<FaceCheckConfig>;
    random?: number;
    freezeAt?: number;
    unplugAfter?: number;
  } = {},
) {
  const decoded = await clip(scene);
  const stream = fakeCameraStream(decoded, { freezeAt: opts.freezeAt, unplugAfter: opts.unplugAfter });
  const progress: FaceCheckProgress[] = [];
  const result = await runFaceCheck({
    engine,
    referenceJpeg: reference,
    stream,
    liveness: opts.binocular ? fakeLiveness(decoded) : null,
    config: { ...config, ...opts.config },
    signal: AbortSignal.timeout(60_000),
    onProgress: (p) => progress.push(p),
    random: () => opts.random ?? 0.2,
  });
  await stream.close();
  return {
    result,
    progress,
    hints: new Set(progress.map((p) => p.hint)),
    instructions: new Set(progress.map((p) => p.instruction)),
  };
}

describe('face engine on the fixtures', () => {
  it('scores the same person from another photo under the threshold and someone else over it', async () => {
    await engine.setReference(reference);
    const distances = async (scene: RenderableScene) => {
      // Straight-ahead frames (the clip turns the head from frame 24): those are the ones the decision uses.
      const frames = (await renderScene(scene, { cardHolder: HOLDER })).frames.filter(
        (_, i) => i < 24 && i % 6 === 0,
      );
      const out: number[] = [];
      for (const f of frames) {
        const a = await engine.analyzeJpeg(f);
        if (a.face?.distance != null) out.push(a.face.distance);
      }
      return out;
    };
    const same = await distances('cardHolder');
    const other = await distances('otherPerson');
    await engine.clearReference();
    expect(same.length).toBeGreaterThanOrEqual(3);
    expect(other.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...same)).toBeLessThan(config.threshold);
    expect(Math.min(...other)).toBeGreaterThan(config.threshold);
  }, 120_000);

  it('gives the no face, several faces and too dark hints', async () => {
    const first = async (scene: RenderableScene) =>
      assessFrame(
        await engine.analyzeJpeg((await renderScene(scene, { cardHolder: HOLDER })).frames[0] as Uint8Array),
        config.quality,
      );
    expect(await first('noFace')).toEqual({ ok: false, hint: 'noFace' });
    expect(await first('twoFaces')).toEqual({ ok: false, hint: 'severalFaces' });
    expect(await first('dark')).toEqual({ ok: false, hint: 'tooDark' });
    expect((await first('cardHolder')).ok).toBe(true);
  }, 120_000);
});

describe('runFaceCheck', () => {
  it('matches the card holder with a binocular module', async () => {
    const { result, instructions } = await check('cardHolder', { binocular: true });
    expect(result).toMatchObject({
      decision: 'match',
      framesUsed: config.framesNeeded,
      threshold: config.threshold,
      liveness: { method: 'binocular', result: 'live' },
    });
    expect(result.distance).toBeLessThan(config.threshold);
    expect(result.modelVersion).toMatch(/^face-api@\d/);
    expect(instructions).toContain('lookAtCamera');
  }, 60_000);

  it('refuses someone else', async () => {
    const { result } = await check('otherPerson', { binocular: true });
    expect(result.decision).toBe('mismatch');
    expect(result.distance).toBeGreaterThan(config.threshold);
    expect(result.liveness.result).toBe('notChecked');
  }, 60_000);

  it('matches the card holder who turns their head as asked (no binocular module)', async () => {
    const { result, instructions } = await check('cardHolder', { random: 0.9 });
    expect(instructions).toContain('turnRight');
    expect(result).toMatchObject({ decision: 'match', liveness: { method: 'headTurn', result: 'live' } });
  }, 60_000);

  it('matches a turn to the left too', async () => {
    const { result, instructions } = await check('cardHolder', { random: 0.2 });
    expect(instructions).toContain('turnLeft');
    expect(result).toMatchObject({ decision: 'match', liveness: { method: 'headTurn', result: 'live' } });
  }, 60_000);

  it('gives up on an empty view with no face, and on two people with several faces', async () => {
    const empty = await check('noFace', { config: { timeoutMs: 2000 } });
    expect(empty.hints).toContain('noFace');
    expect(empty.result).toMatchObject({ decision: 'noFace', distance: null, framesUsed: 0 });
    const two = await check('twoFaces', { config: { timeoutMs: 2000 } });
    expect(two.hints).toContain('severalFaces');
    expect(two.result).toMatchObject({ decision: 'severalFaces', distance: null });
  }, 60_000);

  it('fails a printed photo held up to the camera: it never turns', async () => {
    const { result, instructions } = await check('stillPhoto', {
      random: 0.2,
      config: { challengeTimeoutMs: 5000 },
    });
    expect(instructions).toContain('turnLeft');
    // The print is the registry photo itself: it matches, and only liveness stops it.
    expect(result.distance).toBeLessThan(config.threshold);
    expect(result).toMatchObject({
      decision: 'livenessFailed',
      liveness: { method: 'headTurn', result: 'notLive' },
    });
  }, 60_000);

  it('fails a frozen picture at once, and a binocular module that sees no live face', async () => {
    const frozen = await check('cardHolder', { freezeAt: 2 });
    expect(frozen.result).toMatchObject({ decision: 'livenessFailed', liveness: { result: 'notLive' } });
    const print = await check('stillPhoto', { binocular: true });
    expect(print.result).toMatchObject({
      decision: 'livenessFailed',
      liveness: { method: 'binocular', result: 'notLive' },
    });
  }, 60_000);

  it('tells a dark room, then gives up with poor quality', async () => {
    const { result, hints } = await check('dark', { config: { timeoutMs: 2500 } });
    expect(hints).toContain('tooDark');
    expect(result).toMatchObject({ decision: 'poorQuality', distance: null, framesUsed: 0 });
  }, 60_000);

  it('says camera unavailable when the stream ends mid-check', async () => {
    const { result } = await check('cardHolder', { unplugAfter: 1 });
    expect(result.decision).toBe('cameraUnavailable');
  }, 60_000);
});
