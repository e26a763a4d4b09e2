import { FaceCheckConfig } from '@sik/config';
import { loadReferencePhoto } from '@sik/seeds/face-photos';
import { createFaceEngine } from '../device-agent/src/face/engine.ts';
import { runFaceCheck } from '../device-agent/src/face/face-check.ts';
import { decodeClip, fakeCameraStream, fakeLiveness } from '../device-agent/src/face/fixtures/fake-stream.ts';
import { renderScene } from '../device-agent/src/face/fixtures/scenes.ts';
import { type BenchResult, median, percentile } from './results-file.ts';

const HOLDER = 'face-a';

/**
 * The face engine on the fixture scenes (real face-api models on the WASM backend, in the agent's worker thread):
 * - face.frame.p50_ms: one 640x480 frame through detection + 68 landmarks + 128-d descriptor, as the check does it
 *   (configured detector), timed round trip from the agent's thread; the SSD MobileNet figure is given beside it.
 * - face.decision.p95_ms: runFaceCheck with a binocular module on the card holder scene played at camera speed,
 *   from "look at the camera" to the decision (several runs).
 */
export async function benchFace(
  options: { frames?: number; decisions?: number } = {},
): Promise<BenchResult[]> {
  const config = FaceCheckConfig.parse({});
  const engine = createFaceEngine();
  await engine.load();
  try {
    const clip = decodeClip(await renderScene('cardHolder', { cardHolder: HOLDER }));
    const frames = options.frames ?? 20;
    const frameMs = async (detector: 'tiny' | 'ssd'): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < frames + 2; i++) {
        const frame = clip.frame((i * 3) % clip.count);
        const started = performance.now();
        await engine.analyze(frame, detector);
        if (i >= 2) times.push(performance.now() - started); // the first calls warm the backend up
      }
      return times;
    };
    const configured = await frameMs(config.detector);
    const ssd = config.detector === 'ssd' ? configured : await frameMs('ssd');

    const reference = await loadReferencePhoto(HOLDER);
    const decisions: number[] = [];
    for (let i = 0; i < (options.decisions ?? 10); i++) {
      const stream = fakeCameraStream(clip);
      const result = await runFaceCheck({
        engine,
        referenceJpeg: reference,
        stream,
        liveness: fakeLiveness(clip),
        config,
        signal: AbortSignal.timeout(60_000),
        onProgress: () => undefined,
      });
      await stream.close();
      if (result.decision !== 'match') throw new Error(`bench decision was ${result.decision}, not match`);
      decisions.push(result.timings.toDecisionMs);
    }
    const round = (n: number): number => Math.round(n);
    return [
      {
        id: 'face.frame.p50_ms',
        value: round(median(configured)),
        unit: 'ms',
        note: `640x480 frame: ${config.detector} detector + 68 landmarks + descriptor, worker round trip, median of ${frames}; SSD MobileNet: ${round(median(ssd))} ms`,
      },
      {
        id: 'face.decision.p95_ms',
        value: round(percentile(decisions, 95)),
        unit: 'ms',
        note: `"look at the camera" to decision, binocular path, ${config.framesNeeded} good frames, ${decisions.length} runs (median ${round(median(decisions))}); goal < 1500`,
      },
    ];
  } finally {
    await engine.close();
  }
}
