import { FaceCheckConfig } from '@sik/config';
import { describe, expect, it } from 'vitest';
import type { FaceMeasure, FrameAnalysis } from './engine.ts';
import {
  assessFrame,
  decideIdentity,
  decisionOnTimeout,
  HeadTurnChallenge,
  median,
  StillnessDetector,
} from './quality.ts';

const config = FaceCheckConfig.parse({});
const q = config.quality;

function face(over: Partial<FaceMeasure> = {}, pose: Partial<FaceMeasure['pose']> = {}): FaceMeasure {
  return {
    box: { x: 220, y: 140, width: 200, height: 220 },
    score: 0.9,
    pose: { yawDeg: 0, yawRatio: 0, pitchDeg: 0, pitchRatio: 0.38, rollDeg: 0, ...pose },
    brightness: 140,
    sharpness: 4,
    distance: 0.4,
    ...over,
  };
}

function frame(f: FaceMeasure | null, faces = f ? 1 : 0, frameBrightness = 140): FrameAnalysis {
  const boxes = Array.from({ length: faces }, () => ({
    box: f?.box ?? { x: 0, y: 0, width: 10, height: 10 },
    score: 1,
  }));
  return {
    width: 640,
    height: 480,
    faces: boxes,
    face: faces === 1 ? f : null,
    frameBrightness,
    ms: { detect: 1, total: 1 },
  };
}

describe('quality gates', () => {
  it('passes a centred, sharp, bright, straight face', () => {
    expect(assessFrame(frame(face()), q)).toEqual({ ok: true, face: face() });
  });

  it.each([
    ['noFace', frame(null)],
    ['tooDark', frame(null, 0, 12)],
    ['severalFaces', frame(face(), 2)],
    ['tooDark', frame(face({ brightness: 30 }))],
    ['tooFar', frame(face({ box: { x: 290, y: 200, width: 60, height: 70 } }))],
    ['tooClose', frame(face({ box: { x: 60, y: 0, width: 520, height: 480 } }))],
    ['offCenter', frame(face({ box: { x: 10, y: 140, width: 200, height: 220 } }))],
    ['lookStraight', frame(face({}, { yawDeg: 40 }))],
    ['lookStraight', frame(face({}, { pitchDeg: -35 }))],
    ['blurry', frame(face({ sharpness: 0.5 }))],
  ] as const)('says %s', (hint, analysis) => {
    expect(assessFrame(analysis, q)).toEqual({ ok: false, hint });
  });
});

describe('identity decision', () => {
  it('uses the median, so one odd frame does not swing it', () => {
    expect(median([0.9, 0.4, 0.45])).toBe(0.45);
    expect(median([0.2, 0.4, 0.6, 0.8])).toBeCloseTo(0.5);
    expect(decideIdentity([0.42, 0.95, 0.5], 0.55)).toEqual({ match: true, distance: 0.5 });
    expect(decideIdentity([0.6, 0.2, 0.58], 0.55)).toEqual({ match: false, distance: 0.58 });
    expect(decideIdentity([0.55], 0.55).match).toBe(true);
  });

  it('names the decision after what the frames showed when time runs out', () => {
    expect(decisionOnTimeout(new Map(), 0)).toBe('timeout');
    expect(decisionOnTimeout(new Map([['noFace', 9]]), 0)).toBe('noFace');
    expect(
      decisionOnTimeout(
        new Map([
          ['severalFaces', 5],
          ['noFace', 2],
        ]),
        0,
      ),
    ).toBe('severalFaces');
    expect(decisionOnTimeout(new Map([['tooDark', 8]]), 0)).toBe('poorQuality');
    expect(decisionOnTimeout(new Map([['noFace', 8]]), 2)).toBe('poorQuality');
  });
});

describe('head-turn challenge', () => {
  const rules = { ...config, challengeYawDeg: 12 };

  it('passes a turn the asked way by enough degrees from the straight-ahead yaw', () => {
    const c = new HeadTurnChallenge('left', -15, rules);
    expect(c.observe(face({}, { yawDeg: -10 }))).toBe('pending');
    expect(c.observe(face({}, { yawDeg: -30 }))).toBe('pending'); // the other way
    expect(c.observe(face({}, { yawDeg: -2 }))).toBe('passed');
  });

  it('counts a right turn as negative yaw, and swaps when the camera is mirrored', () => {
    expect(new HeadTurnChallenge('right', 0, rules).observe(face({}, { yawDeg: -14 }))).toBe('passed');
    expect(new HeadTurnChallenge('right', 0, rules).observe(face({}, { yawDeg: 14 }))).toBe('pending');
    expect(
      new HeadTurnChallenge('right', 0, { ...rules, mirrored: true }).observe(face({}, { yawDeg: 14 })),
    ).toBe('passed');
  });

  it('does not count a turn by someone else', () => {
    const c = new HeadTurnChallenge('left', 0, rules);
    expect(c.observe(face({ distance: 0.9 }, { yawDeg: 30 }))).toBe('pending');
    expect(c.strangerFrames).toBe(1);
    expect(c.observe(face({ distance: rules.threshold + 0.05 }, { yawDeg: 30 }))).toBe('passed');
  });
});

describe('still image', () => {
  it('fires after several frames without any movement, not for a face that moves a little', () => {
    const still = new StillnessDetector(4);
    expect([1, 2, 3].map(() => still.observe(face()))).toEqual([false, false, false]);
    expect(still.observe(face())).toBe(true);

    const live = new StillnessDetector(4);
    const seen = [0, 1, 0, 1, 0, 1].map((i) =>
      live.observe(face({ box: { x: 220 + i * 2, y: 140, width: 200, height: 220 } })),
    );
    expect(seen).not.toContain(true);

    const gap = new StillnessDetector(3);
    expect([face(), null, face(), face()].map((f) => gap.observe(f))).toEqual([false, false, false, false]);
  });
});
