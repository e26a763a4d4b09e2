import { spawn } from 'node:child_process';
import type { CameraScene } from '@sik/contract';
import type { SceneClip, SceneSource } from './camera.ts';
import { JpegSplitter } from './protocol/frames.ts';

/**
 * What the camera simulator shows.
 *
 * faceFixtureScenes: the face check's fixture scenes (face/fixtures/scenes.ts renderScene: real faces from
 * packaged photos), for the demo and the end-to-end tests. Loaded on first use, so the camera does not pull in
 * the face fixtures until a simulator needs them.
 *
 * testCardScenes: ffmpeg test patterns, one look per scene and the binocular result a module would give; for
 * the camera's own tests, which must not depend on faces.
 */

export function faceFixtureScenes(): SceneSource {
  let render: SceneSource | null = null;
  return async (scene, cast) => {
    if (!render) {
      render = (await import('../../face/fixtures/scenes.ts')).renderScene;
    }
    return render(scene, cast);
  };
}

type RenderableScene = Exclude<CameraScene, 'unplugged'>;

/** Per scene: an ffmpeg lavfi source (640x480) and what a binocular module would say. */
const TEST_CARDS: Record<RenderableScene, { lavfi: string; binocular: SceneClip['binocular'] }> = {
  cardHolder: { lavfi: 'testsrc2=size=640x480', binocular: 'live' },
  otherPerson: { lavfi: 'testsrc=size=640x480', binocular: 'live' },
  stillPhoto: { lavfi: 'smptebars=size=640x480', binocular: 'notLive' },
  noFace: { lavfi: 'color=c=gray:size=640x480', binocular: 'noFace' },
  twoFaces: { lavfi: 'rgbtestsrc=size=640x480', binocular: 'live' },
  dark: { lavfi: 'testsrc2=size=640x480,eq=brightness=-0.7', binocular: 'live' },
};

export interface TestCardOptions {
  fps?: number;
  seconds?: number;
  ffmpegPath?: string;
}

/** Test pattern clips made by ffmpeg (in memory, through a pipe). */
export function testCardScenes(options: TestCardOptions = {}): SceneSource {
  const fps = options.fps ?? 10;
  const seconds = options.seconds ?? 2;
  return async (scene) => {
    const card = TEST_CARDS[scene];
    const frames = await ffmpegJpegs(
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        `${card.lavfi.replace(/(size=640x480)/, `$1:rate=${fps}`)}`,
        '-t',
        String(seconds),
        '-f',
        'image2pipe',
        '-c:v',
        'mjpeg',
        '-q:v',
        '5',
        'pipe:1',
      ],
      options.ffmpegPath ?? 'ffmpeg',
    );
    return { frames, fps, binocular: card.binocular };
  };
}

/** Runs ffmpeg and cuts the JPEGs it writes to stdout. */
export function ffmpegJpegs(args: string[], ffmpegPath = 'ffmpeg'): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const splitter = new JpegSplitter();
    const frames: Uint8Array[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => frames.push(...splitter.push(chunk)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0 && frames.length > 0) resolve(frames);
      else reject(new Error(`ffmpeg made no frames (exit ${code}): ${stderr.trim()}`));
    });
  });
}
