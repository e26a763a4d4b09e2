import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CameraScene } from '@sik/contract';
import { createLogger, type Logger } from '../../log.ts';
import type { SceneClip, SceneSource } from './camera.ts';
import { LIVENESS_PATH, livenessAnswer } from './protocol/liveness.ts';
import { MJPEG_CONTENT_TYPE, mjpegPart } from './protocol/mjpeg.ts';

/**
 * The camera simulator, a peer of a network camera with a binocular liveness module: an HTTP server on
 * loopback serving the current scene as MJPEG (multipart/x-mixed-replace) at the scene's frame rate, and
 * answering the liveness module's requests (protocol/liveness.ts) with the scene's binocular result. The
 * driver reads it through ffmpeg exactly as it reads a real IP camera.
 *
 *   GET  /video.mjpeg        the stream (every viewer sees the same frame at the same time, as with a camera)
 *   GET  /snapshot.jpg       the current frame
 *   POST /liveness/detect    the liveness module
 *
 * Scene 'unplugged' drops every connection and stops listening (new ones are refused) until another scene is
 * set, when it listens on the same port again.
 */

export const STREAM_PATH = '/video.mjpeg';
export const SNAPSHOT_PATH = '/snapshot.jpg';
/** Rendered clips kept (one per scene and card holder). */
const CLIP_CACHE_SIZE = 12;

export interface CameraSimulatorOptions {
  sceneSource: SceneSource;
  /** What stands in front of the camera at start (default noFace). */
  initialScene?: CameraScene;
  initialCast?: { cardHolder: string | null };
  /** How long the liveness module takes to answer (a real one looks for a few hundred ms). */
  livenessDelayMs?: number;
  logger?: Logger;
}

export interface CameraSimulatorState {
  scene: CameraScene;
  /** Whether a card holder is cast (the identity itself is not reported). */
  cardHolderCast: boolean;
  /** Open stream connections. */
  viewers: number;
  fps: number | null;
  frames: number;
  /** Liveness requests answered since start. */
  livenessChecks: number;
}

export interface CameraSimulatorAddress {
  port: number;
  baseUrl: string;
  /** What the driver reads: { kind: 'url', url: streamUrl }. */
  streamUrl: string;
  /** What the liveness driver is given. */
  livenessUrl: string;
}

export class CameraSimulator {
  private currentScene: CameraScene;
  private cast: { cardHolder: string | null };
  private clip: SceneClip | null = null;
  /** The empty scene, kept to show while another scene renders after the card holder changed. */
  private nobody: SceneClip | null = null;
  private clipStartedAt = 0;
  private generation = 0;
  private readonly cache = new Map<string, Promise<SceneClip>>();
  private readonly viewers = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private ticker: NodeJS.Timeout | null = null;
  private server: Server | null = null;
  /** Where the server listens (kept while unplugged, to listen there again). */
  private listenOn: { host: string; port: number } | null = null;
  private livenessChecks = 0;
  private readonly logger: Logger;

  constructor(private readonly options: CameraSimulatorOptions) {
    this.currentScene = options.initialScene ?? 'noFace';
    this.cast = options.initialCast ?? { cardHolder: null };
    this.logger = options.logger ?? createLogger('camera-simulator');
  }

  get scene(): CameraScene {
    return this.currentScene;
  }

  get state(): CameraSimulatorState {
    return {
      scene: this.currentScene,
      cardHolderCast: this.cast.cardHolder !== null,
      viewers: this.viewers.size,
      fps: this.clip?.fps ?? null,
      frames: this.clip?.frames.length ?? 0,
      livenessChecks: this.livenessChecks,
    };
  }

  /** Renders the initial scene, then listens. */
  async start(listen: { host: string; port: number }): Promise<CameraSimulatorAddress> {
    const unplugged = this.currentScene === 'unplugged';
    this.nobody = await this.render('noFace', this.cast);
    await this.setScene(this.currentScene, this.cast);
    const server = createServer((request, response) => this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await this.listen(listen);
    const { port } = server.address() as AddressInfo;
    this.listenOn = { host: listen.host, port };
    if (unplugged) await this.closeListener();
    const baseUrl = `http://${listen.host}:${port}`;
    return { port, baseUrl, streamUrl: `${baseUrl}${STREAM_PATH}`, livenessUrl: baseUrl };
  }

  async stop(): Promise<void> {
    this.generation += 1;
    this.stopTicker();
    for (const viewer of this.viewers) viewer.destroy();
    this.viewers.clear();
    const server = this.server;
    this.server = null;
    this.listenOn = null;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }

  private listen(at: { host: string; port: number }): Promise<void> {
    const server = this.server;
    if (!server || server.listening) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error) =>
        reject(new Error(`camera simulator cannot listen on ${at.host}:${at.port}: ${error.message}`));
      server.once('error', onError);
      server.listen(at.port, at.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
  }

  /** Stops accepting connections (clients get "connection refused") and drops the open ones. */
  private closeListener(): Promise<void> {
    const server = this.server;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (!server?.listening) return Promise.resolve();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Shows a scene; resolves once its frames are being served (or the plug is pulled). */
  async setScene(scene: CameraScene, cast: { cardHolder: string | null }): Promise<void> {
    const generation = ++this.generation;
    if (scene === 'unplugged') {
      this.currentScene = scene;
      this.cast = { ...cast };
      await this.unplug();
      return;
    }
    if (
      cast.cardHolder !== this.cast.cardHolder &&
      this.nobody &&
      this.clip &&
      this.currentScene !== 'noFace'
    ) {
      // The last person stepped away: nobody stands in front of the camera while the next scene is made ready
      // (rendering takes a second or two), so a face check never sees the previous person for the next one.
      this.clip = this.nobody;
      this.clipStartedAt = Date.now();
      this.currentScene = 'noFace';
    }
    const clip = await this.render(scene, cast);
    if (scene === 'noFace') this.nobody = clip;
    if (generation !== this.generation) return; // a later setScene won
    if (clip.frames.length === 0) throw new Error(`scene ${scene}: the clip has no frames`);
    if (this.listenOn) await this.listen(this.listenOn); // plugged back in
    if (generation !== this.generation) return;
    this.currentScene = scene;
    this.cast = { ...cast };
    this.clip = clip;
    this.clipStartedAt = Date.now();
    this.logger.info({ scene, frames: clip.frames.length, fps: clip.fps }, 'camera scene');
    this.restartTicker();
  }

  private render(
    scene: Exclude<CameraScene, 'unplugged'>,
    cast: { cardHolder: string | null },
  ): Promise<SceneClip> {
    const key = `${scene}|${cast.cardHolder ?? ''}`;
    let clip = this.cache.get(key);
    if (!clip) {
      clip = this.options.sceneSource(scene, { ...cast });
      this.cache.set(key, clip);
      clip.catch(() => this.cache.delete(key));
      if (this.cache.size > CLIP_CACHE_SIZE) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return clip;
  }

  private async unplug(): Promise<void> {
    this.logger.info({ viewers: this.viewers.size }, 'camera unplugged');
    this.stopTicker();
    this.viewers.clear();
    await this.closeListener();
  }

  /** The frame showing now: the clip loops from the moment the scene was set. */
  private currentFrame(): Uint8Array | null {
    const clip = this.clip;
    if (!clip || this.currentScene === 'unplugged') return null;
    const index = Math.floor(((Date.now() - this.clipStartedAt) * clip.fps) / 1000) % clip.frames.length;
    return clip.frames[index] ?? null;
  }

  private restartTicker(): void {
    this.stopTicker();
    if (!this.clip || this.viewers.size === 0) return;
    this.ticker = setInterval(() => this.tick(), 1000 / this.clip.fps);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private tick(): void {
    const frame = this.currentFrame();
    if (!frame) return;
    const part = mjpegPart(frame);
    for (const viewer of this.viewers) {
      // A viewer that cannot keep up misses frames rather than falling behind (a camera does the same).
      if (!viewer.writableNeedDrain) viewer.write(part);
    }
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'GET' && path === STREAM_PATH) {
      this.serveStream(request, response);
    } else if (request.method === 'GET' && path === SNAPSHOT_PATH) {
      const frame = this.currentFrame();
      if (!frame) response.writeHead(503).end();
      else {
        response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': frame.length });
        response.end(frame);
      }
    } else if (request.method === 'POST' && path === LIVENESS_PATH) {
      void this.answerLiveness(request, response);
    } else response.writeHead(404).end();
  }

  private serveStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': MJPEG_CONTENT_TYPE,
      'cache-control': 'no-cache, no-store',
      connection: 'close',
    });
    request.socket.setNoDelay(true);
    this.viewers.add(response);
    response.once('close', () => {
      this.viewers.delete(response);
      if (this.viewers.size === 0) this.stopTicker();
    });
    const frame = this.currentFrame();
    if (frame) response.write(mjpegPart(frame));
    if (!this.ticker) this.restartTicker();
  }

  private async answerLiveness(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The request body ({ timeoutMs }) only bounds how long a real module looks; read and drop it.
    for await (const _chunk of request) {
      // drain
    }
    const scene = this.currentScene;
    await new Promise((resolve) => setTimeout(resolve, this.options.livenessDelayMs ?? 300));
    if (response.destroyed) return;
    // The scene may have changed while the module looked: answer for what is in front of it now.
    const clip = this.clip;
    if (this.currentScene === 'unplugged' || !clip) {
      request.socket.destroy();
      return;
    }
    this.livenessChecks += 1;
    const answer = livenessAnswer(clip.binocular);
    this.logger.debug({ scene, result: clip.binocular }, 'liveness answered');
    const body = JSON.stringify(answer);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  }
}
