import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { CAMERA_TIMING_DEFAULTS, type CameraSource, type CameraTiming } from '@sik/config';
import type { DeviceState } from '@sik/contract';
import { createLogger, type Logger } from '../../log.ts';
import {
  type Camera,
  CameraError,
  type CameraStatus,
  type CameraStream,
  type CameraStreamEnd,
  FRAME_BYTES,
  FRAME_HEIGHT,
  FRAME_WIDTH,
  type RgbFrame,
} from './camera.ts';
import { describeSource, explainFfmpegError, ffmpegArgs, maskUrl } from './protocol/ffmpeg-args.ts';
import { JpegSplitter, RawFrameAssembler } from './protocol/frames.ts';

/**
 * The camera through ffmpeg, for every source: a v4l2 device, a video file, an image sequence, a network
 * camera's URL (the simulator is one). ffmpeg decodes and scales; this driver cuts its pipes into frames,
 * keeps only the newest analysis frame, passes preview JPEGs on, and turns ffmpeg's exit into status.
 * Frames live in memory only; nothing is written to disk.
 */

export type FfmpegCameraOptions = Required<CameraTiming> & { logger?: Logger };

const FFMPEG_MISSING = 'ffmpeg not installed (not found on PATH); install the ffmpeg package';
/** SIGTERM lets ffmpeg release a v4l2 device cleanly; after this it is killed. */
const KILL_GRACE_MS = 1500;
const STDERR_KEEP = 8 * 1024;

/** ffmpeg processes alive in this process, killed if the agent exits without closing them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('close', () => running.delete(child));
  child.once('error', () => running.delete(child));
}

/** The ffmpeg camera, with a start/stop for its idle status checks and a way to refresh them now. */
export interface FfmpegCamera extends Camera {
  readonly source: CameraSource;
  /** Checks the source now and starts the idle checks (every statusPollMs while no stream is open). */
  start(): Promise<void>;
  /** Stops the checks and closes an open stream. */
  stop(): Promise<void>;
  /** Checks the source now (when no stream is open) and publishes the status. */
  refreshStatus(): Promise<CameraStatus>;
  /** The pid of the ffmpeg process of the open stream (tests, diagnostics). */
  readonly ffmpegPid: number | null;
}

export function createFfmpegCamera(
  source: CameraSource,
  options: Partial<FfmpegCameraOptions> = {},
): FfmpegCamera {
  return new FfmpegCameraDriver(source, { ...CAMERA_TIMING_DEFAULTS, ...options });
}

class FfmpegCameraDriver implements FfmpegCamera {
  private current: CameraStatus = { device: 'offline', detail: 'not checked yet' };
  private readonly listeners = new Set<(s: CameraStatus) => void>();
  private stream: FfmpegStream | null = null;
  private opening = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private started = false;
  private readonly logger: Logger;

  constructor(
    readonly source: CameraSource,
    private readonly options: FfmpegCameraOptions,
  ) {
    this.logger = options.logger ?? createLogger('camera');
  }

  get status(): CameraStatus {
    return this.current;
  }

  get ffmpegPid(): number | null {
    return this.stream?.pid ?? null;
  }

  onStatus(listener: (s: CameraStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(device: DeviceState, detail: string | null): void {
    if (this.current.device === device && this.current.detail === detail) return;
    this.current = { device, detail };
    this.logger.info({ device, detail }, 'camera status');
    for (const listener of this.listeners) {
      try {
        listener(this.current);
      } catch (error) {
        this.logger.error({ err: (error as Error).message }, 'camera status listener failed');
      }
    }
  }

  async start(): Promise<void> {
    this.started = true;
    await this.refreshStatus();
    this.schedulePoll();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    await this.stream?.close();
  }

  private schedulePoll(): void {
    if (!this.started || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.refreshStatus().finally(() => this.schedulePoll());
    }, this.options.statusPollMs);
    this.pollTimer.unref();
  }

  async refreshStatus(): Promise<CameraStatus> {
    if (this.stream || this.opening) return this.current;
    const found = await checkSource(this.source, this.options.ffmpegPath);
    // A stream may have opened while we looked: its status wins.
    if (!this.stream && !this.opening) this.publish(found.device, found.detail);
    return this.current;
  }

  async open(signal?: AbortSignal): Promise<CameraStream> {
    if (signal?.aborted) throw new CameraError('canceled', 'camera open canceled');
    if (this.stream || this.opening)
      throw new CameraError('deviceNotReady', 'camera already in use by another check', 'busy');
    this.opening = true;
    const stream = new FfmpegStream(this.source, this.options, this.logger);
    try {
      await stream.started(signal);
    } catch (error) {
      const failure = error as CameraError;
      if (failure.code !== 'canceled')
        this.publish(failure.reason === 'ffmpegMissing' ? 'offline' : 'noDevice', failure.message);
      throw failure;
    } finally {
      this.opening = false;
    }
    this.stream = stream;
    this.publish('online', null);
    const onAbort = () => void stream.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    void stream.ended.then((end) => {
      signal?.removeEventListener('abort', onAbort);
      this.stream = null;
      if (end.reason === 'unplugged') this.publish('noDevice', end.detail);
      else if (end.reason === 'error') this.publish('hardwareError', end.detail);
      this.schedulePoll();
    });
    return stream;
  }
}

type Waiter = { resolve: (frame: RgbFrame | null) => void; reject: (error: Error) => void };

/** One ffmpeg run: from open to close or the camera going away. */
class FfmpegStream implements CameraStream {
  readonly ended: Promise<CameraStreamEnd>;
  private resolveEnded!: (end: CameraStreamEnd) => void;
  private readonly child: ChildProcess;
  private readonly raw = new RawFrameAssembler(FRAME_BYTES);
  private readonly jpegs = new JpegSplitter();
  private readonly previewListeners = new Set<(jpeg: Uint8Array) => void>();
  private waiters: Waiter[] = [];
  private latest: RgbFrame | null = null;
  private taken = 0;
  private seq = 0;
  private lastFrameAt = 0;
  private stderr = '';
  /** Set once the end is decided (close, stall, exit); ended resolves when ffmpeg is gone. */
  private endDecided: CameraStreamEnd | null = null;
  private exited = false;
  private spawnError: NodeJS.ErrnoException | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private firstFrame: { resolve: () => void; reject: (error: CameraError) => void } | null = null;
  private readonly openedAt = Date.now();

  constructor(
    private readonly source: CameraSource,
    private readonly options: FfmpegCameraOptions,
    private readonly logger: Logger,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    this.child = spawn(options.ffmpegPath, ffmpegArgs(source, options), {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    track(this.child);
    const [, stdout, stderr, preview] = this.child.stdio as unknown as [null, Readable, Readable, Readable];
    stdout.on('data', (chunk: Buffer) => this.onRaw(chunk));
    preview.on('data', (chunk: Buffer) => this.onPreviewBytes(chunk));
    stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    // Pipe errors (EPIPE at exit) are reported through the exit, not here.
    for (const pipe of [stdout, stderr, preview]) pipe.on('error', () => {});
    this.child.once('error', (error: NodeJS.ErrnoException) => {
      this.spawnError = error;
      this.onGone(null, null);
    });
    this.child.once('close', (code, signal) => this.onGone(code, signal));
  }

  get pid(): number | null {
    return this.exited ? null : (this.child.pid ?? null);
  }

  /** Resolves on the first analysis frame; rejects (after ffmpeg is gone) when it does not come. */
  started(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(
          new CameraError(
            'deviceNotReady',
            `${describeSource(this.source)}: no frame within ${this.options.openTimeoutMs} ms`,
            'noFrames',
          ),
        );
      }, this.options.openTimeoutMs);
      const onAbort = () => fail(new CameraError('canceled', 'camera open canceled'));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.firstFrame = null;
      };
      const fail = (error: CameraError) => {
        done();
        this.decideEnd({ reason: 'error', detail: error.message });
        this.kill();
        void this.ended.then(() => reject(error));
      };
      this.firstFrame = {
        resolve: () => {
          done();
          this.lastFrameAt = Date.now();
          this.logger.info(
            { source: describeSource(this.source), ms: Date.now() - this.openedAt },
            'camera stream opened',
          );
          this.startWatchdog();
          resolve();
        },
        reject: fail,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  nextFrame(signal?: AbortSignal): Promise<RgbFrame | null> {
    if (this.endDecided) return Promise.resolve(null);
    if (signal?.aborted) return Promise.reject(new CameraError('canceled', 'waiting for a frame canceled'));
    const latest = this.latest;
    if (latest && latest.seq > this.taken) {
      this.taken = latest.seq;
      return Promise.resolve(latest);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (frame) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(frame);
        },
        reject,
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new CameraError('canceled', 'waiting for a frame canceled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  onPreview(listener: (jpeg: Uint8Array) => void): () => void {
    this.previewListeners.add(listener);
    return () => this.previewListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.decideEnd({ reason: 'closed', detail: null });
    this.kill();
    await this.ended;
  }

  private onRaw(chunk: Buffer): void {
    for (const data of this.raw.push(chunk)) {
      if (this.endDecided) return;
      this.seq += 1;
      const frame: RgbFrame = {
        width: FRAME_WIDTH,
        height: FRAME_HEIGHT,
        data,
        seq: this.seq,
        at: Date.now(),
      };
      this.latest = frame;
      this.lastFrameAt = frame.at;
      if (this.firstFrame) this.firstFrame.resolve();
      if (this.waiters.length > 0) {
        this.taken = frame.seq;
        for (const waiter of this.waiters.splice(0)) waiter.resolve(frame);
      }
    }
  }

  private onPreviewBytes(chunk: Buffer): void {
    for (const jpeg of this.jpegs.push(chunk)) {
      if (this.endDecided || this.firstFrame) continue;
      for (const listener of this.previewListeners) {
        try {
          listener(jpeg);
        } catch (error) {
          this.logger.error({ err: (error as Error).message }, 'camera preview listener failed');
        }
      }
    }
  }

  private startWatchdog(): void {
    const period = Math.max(50, Math.floor(this.options.stallTimeoutMs / 4));
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastFrameAt <= this.options.stallTimeoutMs) return;
      this.decideEnd({
        reason: 'unplugged',
        detail: `${describeSource(this.source)}: no frame for ${this.options.stallTimeoutMs} ms`,
      });
      this.kill();
    }, period);
    this.watchdog.unref();
  }

  /** The first decision wins: closed by us, the camera gone, or an error. Frames stop at once. */
  private decideEnd(end: CameraStreamEnd): void {
    if (this.endDecided) return;
    this.endDecided = end;
    this.latest = null;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const waiter of this.waiters.splice(0)) waiter.resolve(null);
  }

  private kill(): void {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const hard = setTimeout(() => {
      if (!this.exited) this.child.kill('SIGKILL');
    }, KILL_GRACE_MS);
    hard.unref();
  }

  /** ffmpeg has exited (or could not start) and its pipes are closed. */
  private onGone(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    const said = explainFfmpegError(this.stderr, this.source);
    if (this.firstFrame) {
      const missing = this.spawnError?.code === 'ENOENT';
      const message = missing
        ? FFMPEG_MISSING
        : this.spawnError
          ? `cannot run ffmpeg: ${this.spawnError.message}`
          : `${describeSource(this.source)}: ${said ?? `ffmpeg exited with code ${code ?? signal} before the first frame`}`;
      this.firstFrame.reject(
        new CameraError('deviceNotReady', message, missing ? 'ffmpegMissing' : 'noDevice'),
      );
    } else if (signal && !this.endDecided) {
      this.decideEnd({ reason: 'error', detail: `ffmpeg was killed (${signal})` });
    } else {
      this.decideEnd({
        reason: 'unplugged',
        detail: `${describeSource(this.source)}: ${said ?? 'the stream ended (unplugged, or the camera stopped sending)'}`,
      });
    }
    const end = this.endDecided ?? { reason: 'error', detail: null };
    this.logger.info(
      { source: describeSource(this.source), reason: end.reason, detail: end.detail, frames: this.seq },
      'camera stream ended',
    );
    this.resolveEnded(end);
  }
}

/** Whether the source is there, without starting a capture: what the idle status shows. */
export async function checkSource(source: CameraSource, ffmpegPath: string): Promise<CameraStatus> {
  if (!(await ffmpegAvailable(ffmpegPath))) return { device: 'offline', detail: FFMPEG_MISSING };
  const where = describeSource(source);
  switch (source.kind) {
    case 'v4l2':
      return accessStatus(source.device, constants.R_OK | constants.W_OK, where);
    case 'file':
      return accessStatus(source.path, constants.R_OK, where);
    case 'imageSequence':
      return accessStatus(dirname(source.pattern), constants.R_OK | constants.X_OK, where);
    case 'url':
      return urlStatus(source.url);
  }
}

async function accessStatus(path: string, mode: number, where: string): Promise<CameraStatus> {
  try {
    await access(path, mode);
    return { device: 'online', detail: null };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES')
      return { device: 'offline', detail: `${where}: permission denied (is the agent in the video group?)` };
    return { device: 'noDevice', detail: `${where}: not found` };
  }
}

async function urlStatus(url: string): Promise<CameraStatus> {
  const where = `network camera ${maskUrl(url)}`;
  // Only HTTP cameras can be looked at cheaply; other protocols show their state once opened.
  if (!/^https?:/i.test(url)) return { device: 'online', detail: null };
  // fetch refuses URLs with credentials: send them as Basic authentication, as ffmpeg does.
  const target = new URL(url);
  const headers: Record<string, string> = {};
  if (target.username || target.password) {
    const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 3000);
  try {
    const response = await fetch(target, { signal: controller.signal, headers });
    if (!response.ok) return { device: 'noDevice', detail: `${where}: answered HTTP ${response.status}` };
    return { device: 'online', detail: null };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = controller.signal.aborted
      ? 'no answer within 3 s'
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { device: 'noDevice', detail: `${where}: not reachable (${why.split(url).join(maskUrl(url))})` };
  } finally {
    clearTimeout(timer);
    // The camera's stream never ends by itself: stop reading it.
    controller.abort();
  }
}

const ffmpegChecks = new Map<string, boolean>();

/** Whether ffmpeg runs (cached once it does). */
export async function ffmpegAvailable(ffmpegPath: string): Promise<boolean> {
  if (ffmpegChecks.get(ffmpegPath)) return true;
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
  if (ok) ffmpegChecks.set(ffmpegPath, true);
  return ok;
}
