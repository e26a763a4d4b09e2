/**
 * One face check: the reference photo against the person in front of the camera, with liveness.
 *
 * Frames are taken newest-first from the camera stream at the engine's pace (detection, landmarks and descriptor
 * in the worker). Each frame passes the quality gates or yields a hint for the screen. Once `framesNeeded` good
 * frames are in, their median distance decides the identity; then liveness: the binocular module's report, or
 * the head-turn challenge (a random direction, checked from the landmarks' yaw, the same person throughout).
 * A face that does not move at all over several frames is a still image and fails at once.
 *
 * Nothing leaves this function but the result: no frame, no descriptor (the reference descriptor stays inside the
 * worker and is dropped when the check ends).
 */
import type { FaceCheckConfig } from '@sik/config';
import type { FaceDecision, FaceHint, FaceInstruction } from '@sik/contract';
import type { CameraStream, LivenessSensor, RgbFrame } from '../devices/camera/camera.ts';
import type { FaceEngine } from './engine.ts';
import {
  assessFrame,
  decideIdentity,
  decisionOnTimeout,
  HeadTurnChallenge,
  median,
  StillnessDetector,
  type TurnDirection,
} from './quality.ts';

export { createFaceEngine, type FaceEngine, type FaceEngineOptions, type FrameAnalysis } from './engine.ts';

export interface FaceCheckProgress {
  instruction: FaceInstruction;
  hint: FaceHint | null;
  secondsLeft: number;
}

export interface FaceCheckResult {
  decision: FaceDecision;
  distance: number | null;
  threshold: number;
  framesUsed: number;
  liveness: { method: 'binocular' | 'headTurn'; result: 'live' | 'notLive' | 'noFace' | 'notChecked' };
  modelVersion: string;
  timings: { toDecisionMs: number };
}

export interface FaceCheckRequest {
  engine: FaceEngine;
  referenceJpeg: Uint8Array;
  stream: CameraStream;
  /** null: the head-turn challenge. */
  liveness: LivenessSensor | null;
  config: FaceCheckConfig;
  signal: AbortSignal;
  onProgress(p: FaceCheckProgress): void;
  /** Picks the challenge direction (tests pin it); Math.random by default. */
  random?: () => number;
}

type LivenessResult = FaceCheckResult['liveness']['result'];

class Timeout extends Error {}

export async function runFaceCheck(request: FaceCheckRequest): Promise<FaceCheckResult> {
  const { engine, stream, config, signal } = request;
  const method = request.liveness ? 'binocular' : 'headTurn';
  signal.throwIfAborted();
  await engine.load();
  const modelVersion = `${engine.modelVersion}/${config.detector}+lm68+rec128`;
  const reference = await engine.setReference(request.referenceJpeg);
  signal.throwIfAborted();

  const started = performance.now();
  const deadline = started + config.timeoutMs;
  const secondsLeft = (): number => Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
  let shown: FaceCheckProgress | null = null;
  const show = (instruction: FaceInstruction, hint: FaceHint | null): void => {
    const next = { instruction, hint, secondsLeft: secondsLeft() };
    if (
      shown &&
      shown.instruction === next.instruction &&
      shown.hint === next.hint &&
      shown.secondsLeft === next.secondsLeft
    ) {
      return;
    }
    shown = next;
    request.onProgress(next);
  };
  // The countdown keeps moving even while a frame is being analysed or the camera is slow.
  const ticker = setInterval(() => shown && show(shown.instruction, shown.hint), 250);
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new Timeout('face check timed out')), config.timeoutMs);
  const waitSignal = AbortSignal.any([signal, timer.signal]);

  const good: number[] = [];
  const yaws: number[] = [];
  const hints = new Map<FaceHint, number>();
  const stillness = new StillnessDetector(config.stillFrames);
  let challenge: HeadTurnChallenge | null = null;
  let challengeDeadline = 0;
  let binocular: Promise<LivenessResult> | null = null;

  const result = (decision: FaceDecision, liveness: LivenessResult = 'notChecked'): FaceCheckResult => ({
    decision,
    distance: good.length > 0 ? round(median(good)) : null,
    threshold: config.threshold,
    framesUsed: good.length,
    liveness: { method, result: liveness },
    modelVersion,
    timings: { toDecisionMs: Math.round(performance.now() - started) },
  });

  try {
    if (!reference.ok) return result('poorQuality');
    show('lookAtCamera', null);
    for (;;) {
      let frame: RgbFrame | null;
      try {
        frame = await stream.nextFrame(waitSignal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (timer.signal.aborted) break;
        throw error;
      }
      if (!frame) return result('cameraUnavailable');
      const analysis = await engine.analyze(frame, config.detector);
      signal.throwIfAborted();
      if (performance.now() >= deadline) break;

      if (stillness.observe(analysis.faces.length === 1 ? analysis.face : null)) {
        return result('livenessFailed', 'notLive');
      }

      if (challenge) {
        const instruction = challenge.direction === 'left' ? 'turnLeft' : 'turnRight';
        if (performance.now() >= challengeDeadline) return result('livenessFailed', 'notLive');
        if (analysis.faces.length === 1 && analysis.face) {
          if (challenge.observe(analysis.face) === 'passed') return result('match', 'live');
          // Someone else stepped in during the turn: not the person who matched.
          if (challenge.strangerFrames >= 2) return result('livenessFailed', 'notLive');
          show(instruction, null);
        } else {
          const verdict = assessFrame(analysis, config.quality);
          show(instruction, verdict.ok ? null : verdict.hint);
        }
        continue;
      }

      const verdict = assessFrame(analysis, config.quality);
      if (!verdict.ok) {
        hints.set(verdict.hint, (hints.get(verdict.hint) ?? 0) + 1);
        show('lookAtCamera', verdict.hint);
        continue;
      }
      good.push(verdict.face.distance ?? Number.POSITIVE_INFINITY);
      yaws.push(verdict.face.pose.yawDeg);
      if (request.liveness && !binocular) {
        // The module looks while we collect frames; its answer is awaited only once the identity matched.
        binocular = request.liveness.check(waitSignal).catch((): LivenessResult => 'notChecked');
      }
      if (good.length < config.framesNeeded) {
        show('holdStill', null);
        continue;
      }
      const identity = decideIdentity(good, config.threshold);
      if (!identity.match) return result('mismatch');
      if (binocular) {
        show('checking', null);
        const live = await binocular;
        signal.throwIfAborted();
        if (live === 'notChecked') break;
        return result(live === 'live' ? 'match' : 'livenessFailed', live);
      }
      const direction: TurnDirection = (request.random ?? Math.random)() < 0.5 ? 'left' : 'right';
      challenge = new HeadTurnChallenge(direction, median(yaws), config);
      challengeDeadline = performance.now() + config.challengeTimeoutMs;
      show(direction === 'left' ? 'turnLeft' : 'turnRight', null);
    }
    // Out of time (or the liveness module gave no answer).
    if (challenge) return result('livenessFailed', 'notLive');
    if (good.length >= config.framesNeeded) return result('timeout');
    return result(decisionOnTimeout(hints, good.length));
  } finally {
    clearInterval(ticker);
    clearTimeout(timeout);
    // Stops a liveness module request still under way (after a mismatch or a still image), so it cannot
    // overlap the next try.
    timer.abort(new Error('face check ended'));
    await engine.clearReference().catch(() => undefined);
  }
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;
