/**
 * The face check's rules, as pure functions over the engine's measures: per-frame quality gates, the identity
 * decision over several frames, the head-turn challenge and the still-image detector. No model here, so the rules
 * are tested on their own (quality.test.ts) and with the real model (face-check.test.ts).
 */
import type { FaceCheckConfig } from '@sik/config';
import type { FaceDecision, FaceHint } from '@sik/contract';
import type { FaceMeasure, FrameAnalysis } from './engine.ts';

export type FrameVerdict = { ok: true; face: FaceMeasure } | { ok: false; hint: FaceHint };

/** Whether a frame is good enough for the decision, or what to tell the person. */
export function assessFrame(a: FrameAnalysis, q: FaceCheckConfig['quality']): FrameVerdict {
  if (a.faces.length === 0) {
    return { ok: false, hint: a.frameBrightness < q.minFrameBrightness ? 'tooDark' : 'noFace' };
  }
  if (a.faces.length > 1) return { ok: false, hint: 'severalFaces' };
  const face = a.face;
  if (!face) return { ok: false, hint: 'noFace' };
  if (face.brightness < q.minFaceBrightness) return { ok: false, hint: 'tooDark' };
  const width = face.box.width / a.width;
  if (width < q.minFaceWidth) return { ok: false, hint: 'tooFar' };
  if (width > q.maxFaceWidth) return { ok: false, hint: 'tooClose' };
  const dx = (face.box.x + face.box.width / 2 - a.width / 2) / a.width;
  const dy = (face.box.y + face.box.height / 2 - a.height / 2) / a.height;
  if (Math.abs(dx) > q.maxOffCenter || Math.abs(dy) > q.maxOffCenter) return { ok: false, hint: 'offCenter' };
  if (Math.abs(face.pose.yawDeg) > q.maxYawDeg || Math.abs(face.pose.pitchDeg) > q.maxPitchDeg) {
    return { ok: false, hint: 'lookStraight' };
  }
  if (face.sharpness < q.minSharpness) return { ok: false, hint: 'blurry' };
  return { ok: true, face };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Same person or not, from the distances of the good frames (median: one odd frame cannot swing it). */
export function decideIdentity(
  distances: readonly number[],
  threshold: number,
): { match: boolean; distance: number } {
  const distance = median(distances);
  return { match: distance <= threshold, distance };
}

/**
 * The decision when time runs out, from what the frames showed: mostly no face, several faces, or faces that never
 * passed the gates.
 */
export function decisionOnTimeout(hints: ReadonlyMap<FaceHint, number>, goodFrames: number): FaceDecision {
  let top: FaceHint | null = null;
  let topCount = 0;
  for (const [hint, count] of hints) {
    if (count > topCount) {
      top = hint;
      topCount = count;
    }
  }
  if (top === null) return 'timeout';
  if (goodFrames === 0 && top === 'noFace') return 'noFace';
  if (goodFrames === 0 && top === 'severalFaces') return 'severalFaces';
  return 'poorQuality';
}

export type TurnDirection = 'left' | 'right';

/**
 * The head-turn challenge. `baselineYaw` is the median yaw of the straight-ahead frames; the person passes by
 * turning the asked way by `challengeYawDeg` while staying the same person (distance within threshold + slack).
 * Yaw > 0 means the nose moved to the right of the image; in an unmirrored camera that is the person's left.
 */
export class HeadTurnChallenge {
  /** Frames during the challenge that showed someone else (distance beyond threshold + slack). */
  strangerFrames = 0;
  /** The largest turn seen the asked way, degrees. */
  bestTurn = 0;

  constructor(
    readonly direction: TurnDirection,
    private readonly baselineYaw: number,
    private readonly config: Pick<
      FaceCheckConfig,
      'challengeYawDeg' | 'threshold' | 'challengeDistanceSlack' | 'mirrored'
    >,
  ) {}

  /** The sign of yaw that the asked turn produces. */
  private get sign(): number {
    const left = this.config.mirrored ? -1 : 1;
    return this.direction === 'left' ? left : -left;
  }

  observe(face: FaceMeasure): 'pending' | 'passed' {
    const sameSomeone =
      face.distance !== null && face.distance <= this.config.threshold + this.config.challengeDistanceSlack;
    if (!sameSomeone) {
      this.strangerFrames++;
      return 'pending';
    }
    const turn = (face.pose.yawDeg - this.baselineYaw) * this.sign;
    this.bestTurn = Math.max(this.bestTurn, turn);
    return turn >= this.config.challengeYawDeg ? 'passed' : 'pending';
  }
}

/**
 * A still image (a photo on a screen, a frozen video): the face box and pose do not move at all over several
 * frames. A live person always moves a little; a hand-held print moves too, and is caught by the challenge.
 */
export class StillnessDetector {
  private last: FaceMeasure | null = null;
  private run = 0;

  constructor(private readonly frames: number) {}

  /** True once `frames` consecutive faces have not moved. */
  observe(face: FaceMeasure | null): boolean {
    const last = this.last;
    this.last = face;
    if (!face || !last) {
      this.run = 0;
      return false;
    }
    const moved =
      Math.abs(face.box.x - last.box.x) > 0.75 ||
      Math.abs(face.box.y - last.box.y) > 0.75 ||
      Math.abs(face.box.width - last.box.width) > 0.75 ||
      Math.abs(face.pose.yawDeg - last.pose.yawDeg) > 0.4 ||
      Math.abs(face.pose.pitchDeg - last.pose.pitchDeg) > 0.4;
    this.run = moved ? 0 : this.run + 1;
    return this.run + 1 >= this.frames;
  }
}
