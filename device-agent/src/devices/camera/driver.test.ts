import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CameraSource, CameraSource as CameraSourceSchema } from '@sik/config';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CameraError, type CameraStream, FRAME_BYTES, type RgbFrame } from './camera.ts';
import { checkSource, createFfmpegCamera, type FfmpegCamera, type FfmpegCameraOptions } from './driver.ts';
import { MJPEG_CONTENT_TYPE, mjpegPart } from './protocol/mjpeg.ts';
import { testCardScenes } from './scene-source.ts';
import { CameraSimulator, type CameraSimulatorAddress } from './simulator.ts';
import {
  delay,
  ffmpegChildren,
  makeWithFfmpeg,
  processState,
  quietLogger,
  waitForStatus,
} from './testing.ts';

/** Real ffmpeg on real inputs: a video file and an image sequence made here, the simulator over HTTP. */

const FAST: Partial<FfmpegCameraOptions> = {
  openTimeoutMs: 8000,
  stallTimeoutMs: 3000,
  statusPollMs: 60_000,
};
let dir = '';
let simulator: CameraSimulator;
let sim: CameraSimulatorAddress;
const cleanups: Array<() => Promise<unknown> | unknown> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sik-camera-'));
  // A 320x240 clip (the driver must scale it to 640x480) and five 640x480 stills.
  await makeWithFfmpeg(
    ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '2'].concat([
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      join(dir, 'clip.avi'),
    ]),
  );
  await makeWithFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=640x480:rate=5',
    '-t',
    '1',
    join(dir, 'f-%03d.jpg'),
  ]);
  writeFileSync(join(dir, 'garbage.mp4'), 'this is not a video\n'.repeat(100));
  simulator = new CameraSimulator({
    sceneSource: testCardScenes(),
    initialScene: 'cardHolder',
    logger: quietLogger(),
  });
  sim = await simulator.start({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await simulator?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await simulator.setScene('cardHolder', { cardHolder: null });
});

function camera(source: unknown, options: Partial<FfmpegCameraOptions> = {}): FfmpegCamera {
  const cam = createFfmpegCamera(CameraSourceSchema.parse(source) as CameraSource, {
    ...FAST,
    logger: quietLogger(),
    ...options,
  });
  cleanups.push(() => cam.stop());
  return cam;
}

async function frames(stream: CameraStream, count: number): Promise<RgbFrame[]> {
  const out: RgbFrame[] = [];
  while (out.length < count) {
    const frame = await stream.nextFrame(AbortSignal.timeout(5000));
    if (!frame) throw new Error('stream ended');
    out.push(frame);
  }
  return out;
}

function expectRgbFrames(list: RgbFrame[]): void {
  for (const frame of list) {
    expect(frame.width).toBe(640);
    expect(frame.height).toBe(480);
    expect(frame.data.length).toBe(FRAME_BYTES);
    // A picture, not an empty buffer: the test patterns have many colours.
    expect(new Set(frame.data.subarray(0, 30_000)).size).toBeGreaterThan(20);
  }
  const seqs = list.map((f) => f.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size).toBe(seqs.length);
}

/** Width and height from a JPEG's SOF0 segment. */
function jpegSize(jpeg: Uint8Array): { width: number; height: number } | null {
  for (let i = 2; i + 8 < jpeg.length; i++) {
    if (jpeg[i] === 0xff && jpeg[i + 1] === 0xc0) {
      const at = (k: number) => jpeg[i + k] as number;
      return { height: (at(5) << 8) | at(6), width: (at(7) << 8) | at(8) };
    }
  }
  return null;
}

/** CPU seconds a process has used (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('camera through ffmpeg: every source kind, one code path', () => {
  it('a video file (320x240, looping, real time): 640x480 rgb24 frames', async () => {
    const cam = camera({ kind: 'file', path: join(dir, 'clip.avi') });
    await cam.start();
    expect(cam.status).toEqual({ device: 'online', detail: null });
    const stream = await cam.open();
    expectRgbFrames(await frames(stream, 4));
    // The clip is 2 s long; frames keep coming after it looped.
    await delay(2200);
    expectRgbFrames(await frames(stream, 2));
    await stream.close();
    expect(await stream.ended).toEqual({ reason: 'closed', detail: null });
  });

  it('an image sequence', async () => {
    const cam = camera({ kind: 'imageSequence', pattern: join(dir, 'f-%03d.jpg'), fps: 5 });
    const stream = await cam.open();
    expectRgbFrames(await frames(stream, 3));
    await stream.close();
  });

  it('an image sequence by glob', async () => {
    const cam = camera({ kind: 'imageSequence', pattern: join(dir, '*.jpg'), fps: 5 });
    const stream = await cam.open();
    expectRgbFrames(await frames(stream, 2));
    await stream.close();
  });

  it('MJPEG over HTTP (the simulator, as an IP camera): frames, and previews at a steady ~8/s', async () => {
    const cam = camera({ kind: 'url', url: sim.streamUrl });
    const opened = Date.now();
    const stream = await cam.open();
    const openMs = Date.now() - opened;
    const previews: Array<{ at: number; jpeg: Uint8Array }> = [];
    stream.onPreview((jpeg) => previews.push({ at: Date.now(), jpeg }));
    const pid = cam.ffmpegPid as number;
    const cpuBefore = cpuSeconds(pid);
    const nodeBefore = process.cpuUsage();
    // Count every analysis frame by taking them as they come.
    let taken = 0;
    let lastSeq = 0;
    const start = Date.now();
    while (Date.now() - start < 3000) {
      const frame = await stream.nextFrame(AbortSignal.timeout(2000));
      if (!frame) throw new Error('ended');
      expectRgbFrames([frame]);
      taken += 1;
      lastSeq = frame.seq;
    }
    const seconds = (Date.now() - start) / 1000;
    const ffmpegCpu = (cpuSeconds(pid) - cpuBefore) / seconds;
    const node = process.cpuUsage(nodeBefore);
    await stream.close();
    const inWindow = previews.filter((p) => p.at >= start + 500);
    const previewRate =
      (inWindow.length - 1) / (((inWindow.at(-1)?.at ?? 0) - (inWindow[0]?.at ?? 0)) / 1000);
    const gaps = inWindow.slice(1).map((p, i) => p.at - (inWindow[i]?.at ?? 0));
    process.stderr.write(
      `camera url: open ${openMs} ms; analysis ${(taken / seconds).toFixed(1)}/s (seq ${lastSeq}); ` +
        `preview ${previewRate.toFixed(1)}/s, gaps max ${Math.max(...gaps)} ms, ${Math.round(
          inWindow.reduce((s, p) => s + p.jpeg.length, 0) / inWindow.length / 1024,
        )} KiB; ffmpeg cpu ${(ffmpegCpu * 100).toFixed(0)}%, node cpu ${(
          ((node.user + node.system) / 1e6 / seconds) * 100
        ).toFixed(0)}%\n`,
    );
    expect(taken / seconds).toBeGreaterThan(7);
    expect(taken / seconds).toBeLessThan(12);
    expect(previewRate).toBeGreaterThan(6.5);
    expect(previewRate).toBeLessThan(9.5);
    expect(Math.max(...gaps)).toBeLessThan(400);
    for (const { jpeg } of inWindow) expect(jpegSize(jpeg)).toEqual({ width: 320, height: 240 });
  });

  it('latest-frame semantics: a slow reader gets the newest frame, older ones are dropped', async () => {
    const cam = camera({ kind: 'url', url: sim.streamUrl });
    const stream = await cam.open();
    const first = await stream.nextFrame();
    await delay(700); // about 7 frames arrive meanwhile
    const second = await stream.nextFrame();
    const third = await stream.nextFrame();
    expect(second?.seq).toBeGreaterThan((first?.seq ?? 0) + 3);
    expect(third?.seq).toBe((second?.seq ?? 0) + 1); // waited for the next one, not the same again
    expect(Date.now() - (second?.at ?? 0)).toBeLessThan(400);
    await stream.close();
  });
});

describe('camera status and failures', () => {
  it('unplugged mid-stream: ended unplugged, status noDevice, nextFrame null, ffmpeg gone', async () => {
    const cam = camera({ kind: 'url', url: sim.streamUrl });
    const statuses: string[] = [];
    cam.onStatus((s) => statuses.push(s.device));
    const stream = await cam.open();
    const pid = cam.ffmpegPid as number;
    await frames(stream, 2);
    const pending = stream.nextFrame();
    await simulator.setScene('unplugged', { cardHolder: null });
    const end = await stream.ended;
    expect(end.reason).toBe('unplugged');
    expect(end.detail).toMatch(/^network camera http:\/\/127\.0\.0\.1:\d+\/video\.mjpeg: /);
    expect(await stream.nextFrame()).toBeNull();
    // Either the frame that was on its way, or null: never a hang.
    const last = await pending;
    expect(last === null || last.data.length === FRAME_BYTES).toBe(true);
    expect(cam.status.device).toBe('noDevice');
    expect(statuses).toEqual(['online', 'noDevice']);
    expect(processState(pid)).toBeNull();
    // While unplugged the idle check sees it, and open() refuses with the reason.
    expect((await cam.refreshStatus()).device).toBe('noDevice');
    const refused = await cam.open().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CameraError);
    expect(refused).toMatchObject({ code: 'deviceNotReady', reason: 'noDevice' });
    // Plugged back in.
    await simulator.setScene('noFace', { cardHolder: null });
    expect(await cam.refreshStatus()).toEqual({ device: 'online', detail: null });
    const again = await cam.open();
    expect(await again.nextFrame()).not.toBeNull();
    await again.close();
  });

  it('close kills ffmpeg: the process is gone and reaped (no zombie), no ffmpeg child left', async () => {
    const cam = camera({ kind: 'file', path: join(dir, 'clip.avi') });
    const stream = await cam.open();
    const pid = cam.ffmpegPid as number;
    expect(processState(pid)).toMatch(/[RSD]/);
    expect(ffmpegChildren()).toContain(pid);
    const started = Date.now();
    await stream.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(processState(pid)).toBeNull();
    expect(ffmpegChildren()).toEqual([]);
    expect(cam.ffmpegPid).toBeNull();
    await stream.close(); // twice is fine
  });

  it('ffmpeg killed from outside: ended error, status hardwareError', async () => {
    const cam = camera({ kind: 'url', url: sim.streamUrl });
    const stream = await cam.open();
    process.kill(cam.ffmpegPid as number, 'SIGKILL');
    expect(await stream.ended).toEqual({ reason: 'error', detail: 'ffmpeg was killed (SIGKILL)' });
    expect(cam.status).toEqual({ device: 'hardwareError', detail: 'ffmpeg was killed (SIGKILL)' });
    expect(await stream.nextFrame()).toBeNull();
  });

  it('aborting open() cancels and kills ffmpeg; aborting later closes the stream', async () => {
    const cam = camera({ kind: 'url', url: sim.streamUrl });
    const early = new AbortController();
    const opening = cam.open(early.signal);
    await delay(50);
    early.abort();
    await expect(opening).rejects.toMatchObject({ name: 'CameraError', code: 'canceled' });
    expect(ffmpegChildren()).toEqual([]);
    const later = new AbortController();
    const stream = await cam.open(later.signal);
    later.abort();
    expect(await stream.ended).toEqual({ reason: 'closed', detail: null });
    expect(ffmpegChildren()).toEqual([]);
  });

  it('one stream at a time', async () => {
    const cam = camera({ kind: 'url', url: sim.streamUrl });
    const stream = await cam.open();
    await expect(cam.open()).rejects.toMatchObject({ code: 'deviceNotReady', reason: 'busy' });
    await stream.close();
  });

  it('a stream that stalls (connection open, no frames) ends as unplugged after stallTimeoutMs', async () => {
    const jpeg = (await testCardScenes({ seconds: 1 })('noFace', { cardHolder: null }))
      .frames[0] as Uint8Array;
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': MJPEG_CONTENT_TYPE });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent++ < 10) response.write(mjpegPart(jpeg)); // then silence, connection kept open
      }, 100);
      response.once('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () => new Promise((resolve) => server.close(resolve)),
      () => server.closeAllConnections(),
    );
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const cam = camera({ kind: 'url', url }, { stallTimeoutMs: 800 });
    const stream = await cam.open();
    const end = await stream.ended;
    expect(end).toEqual({ reason: 'unplugged', detail: `network camera ${url}: no frame for 800 ms` });
    expect(cam.status).toEqual({ device: 'noDevice', detail: end.detail });
    expect(ffmpegChildren()).toEqual([]);
  });

  it.each([
    [
      { kind: 'file', path: '/nonexistent/clip.mp4' },
      /^video file \/nonexistent\/clip\.mp4: .*No such file or directory/,
    ],
    [
      { kind: 'v4l2', device: '/dev/video-not-here' },
      /^camera \/dev\/video-not-here: .*No such file or directory/,
    ],
    [{ kind: 'imageSequence', pattern: '/nonexistent/f-%03d.jpg' }, /^image sequence \/nonexistent.*: /],
  ])('a source that is not there: deviceNotReady naming it (%j)', async (source, message) => {
    const cam = camera(source);
    const error = await cam.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CameraError);
    expect(error).toMatchObject({ code: 'deviceNotReady', reason: 'noDevice' });
    expect((error as Error).message).toMatch(message);
    expect(cam.status).toEqual({ device: 'noDevice', detail: (error as Error).message });
    expect(ffmpegChildren()).toEqual([]);
  });

  it('a file that is not a video: deviceNotReady with ffmpeg’s reason', async () => {
    const cam = camera({ kind: 'file', path: join(dir, 'garbage.mp4'), loop: false });
    await expect(cam.open()).rejects.toThrow(/^video file .*garbage\.mp4: \S+/);
  });

  it('a network camera that refuses: deviceNotReady "Connection refused", credentials never shown', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const cam = camera({ kind: 'url', url: `http://admin:s3cret@127.0.0.1:${port}/video.mjpeg` });
    await cam.start();
    expect(cam.status.device).toBe('noDevice');
    expect(cam.status.detail).toMatch(/not reachable \(ECONNREFUSED\)/);
    const error = (await cam.open().catch((e: unknown) => e)) as CameraError;
    expect(error.message).toMatch(/Connection refused/);
    expect(`${error.message} ${cam.status.detail}`).not.toContain('s3cret');
  });

  it('ffmpeg missing: deviceNotReady "ffmpeg not installed", status offline', async () => {
    const cam = camera(
      { kind: 'file', path: join(dir, 'clip.avi') },
      { ffmpegPath: 'ffmpeg-not-installed-here' },
    );
    await cam.start();
    expect(cam.status.device).toBe('offline');
    expect(cam.status.detail).toMatch(/^ffmpeg not installed/);
    await expect(cam.open()).rejects.toMatchObject({
      code: 'deviceNotReady',
      reason: 'ffmpegMissing',
      message: expect.stringMatching(/^ffmpeg not installed/),
    });
  });

  it('idle checks: file present or not, device node present or not', async () => {
    expect(await checkSource({ kind: 'file', path: join(dir, 'clip.avi'), loop: true }, 'ffmpeg')).toEqual({
      device: 'online',
      detail: null,
    });
    expect(await checkSource({ kind: 'file', path: join(dir, 'gone.avi'), loop: true }, 'ffmpeg')).toEqual({
      device: 'noDevice',
      detail: `video file ${join(dir, 'gone.avi')}: not found`,
    });
    expect(
      await checkSource(
        { kind: 'v4l2', device: '/dev/video-not-here', inputFormat: 'mjpeg', videoSize: '640x480' },
        'ffmpeg',
      ),
    ).toEqual({ device: 'noDevice', detail: 'camera /dev/video-not-here: not found' });
  });

  it('the idle status follows the source without a stream open (polling)', async () => {
    const cam = camera({ kind: 'url', url: sim.streamUrl }, { statusPollMs: 100 });
    await cam.start();
    expect(cam.status.device).toBe('online');
    await simulator.setScene('unplugged', { cardHolder: null });
    await waitForStatus(cam, (s) => s.device === 'noDevice', 3000);
    await simulator.setScene('noFace', { cardHolder: null });
    await waitForStatus(cam, (s) => s.device === 'online', 3000);
  });
});

// A real camera, opt-in: SIK_CAMERA_DEVICE=/dev/video0 npx vitest run device-agent/src/devices/camera
describe.skipIf(!process.env.SIK_CAMERA_DEVICE)('a real v4l2 camera', () => {
  it('gives 640x480 frames and previews', async () => {
    const cam = camera({ kind: 'v4l2', device: process.env.SIK_CAMERA_DEVICE });
    const stream = await cam.open();
    const previews: Uint8Array[] = [];
    stream.onPreview((jpeg) => previews.push(jpeg));
    const list = await frames(stream, 5);
    for (const frame of list) expect(frame.data.length).toBe(FRAME_BYTES);
    expect(previews.length).toBeGreaterThan(0);
    await stream.close();
  });
});
