import type { CameraScene, CompletionCode, DeviceState } from '@sik/contract';

/**
 * The face check camera as the rest of the agent sees it: a frame source with latest-frame semantics, a steady
 * preview for the screen, status as published state, and (on binocular modules) a liveness sensor. Real
 * cameras, files, image sequences and the simulator all come through the same ffmpeg driver (driver.ts).
 */

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;
/** Bytes of one rgb24 640x480 frame. */
export const FRAME_BYTES = FRAME_WIDTH * FRAME_HEIGHT * 3;

export interface RgbFrame {
  width: number;
  height: number;
  /** rgb24, row-major, width * height * 3 bytes. */
  data: Uint8Array;
  /** Counts frames since the stream opened (1, 2, ...); a gap means frames were dropped. */
  seq: number;
  /** Date.now() when the frame arrived. */
  at: number;
}

export type CameraStreamEnd = { reason: 'closed' | 'unplugged' | 'error'; detail: string | null };

export interface CameraStream {
  /** Newest frame after the last one taken (older ones are dropped); null once the stream has ended. */
  nextFrame(signal?: AbortSignal): Promise<RgbFrame | null>;
  /** Small JPEG preview frames (~320x240) at a steady rate (~8/s) for the UI; returns unsubscribe. */
  onPreview(listener: (jpeg: Uint8Array) => void): () => void;
  /** Resolves when the stream ends: closed by us, or the camera went away. */
  readonly ended: Promise<CameraStreamEnd>;
  /** Stops capture; resolves once ffmpeg has exited. Safe to call twice. */
  close(): Promise<void>;
}

export interface CameraStatus {
  device: DeviceState;
  /** In words an engineer can act on; null when healthy. */
  detail: string | null;
}

export interface Camera {
  readonly status: CameraStatus;
  onStatus(listener: (s: Camera['status']) => void): () => void;
  /**
   * Starts capture (640x480). Rejects with a CameraError('deviceNotReady', …) when the camera cannot start.
   * Aborting the signal later closes the stream.
   */
  open(signal?: AbortSignal): Promise<CameraStream>;
}

/** Liveness reported by a binocular (visible + NIR) camera module. */
export interface LivenessSensor {
  readonly method: 'binocular';
  check(signal?: AbortSignal): Promise<'live' | 'notLive' | 'noFace'>;
}

export interface CameraSimulatorControl {
  setScene(scene: CameraScene, cast: { cardHolder: string | null }): Promise<void>;
  readonly scene: CameraScene;
}

/** What the camera simulator shows for one scene (same shape as face/fixtures/scenes.ts SceneClip). */
export interface SceneClip {
  /** JPEG 640x480, played in a loop. */
  frames: Uint8Array[];
  fps: number;
  /** What the simulated binocular liveness module reports while this scene shows. */
  binocular: 'live' | 'notLive' | 'noFace';
}

/** Renders a scene for the simulator: face/fixtures/scenes.ts renderScene, or test frames. */
export type SceneSource = (
  scene: Exclude<CameraScene, 'unplugged'>,
  cast: { cardHolder: string | null },
) => Promise<SceneClip>;

export type CameraErrorReason =
  /** ffmpeg is not on PATH. */
  | 'ffmpegMissing'
  /** The device node, file or URL is not there or refuses us. */
  | 'noDevice'
  /** ffmpeg opened the source but got no usable frame. */
  | 'noFrames'
  /** A stream is already open on this camera. */
  | 'busy'
  /** The liveness module answered something we cannot read. */
  | 'protocolError';

/**
 * Every camera failure (STYLE.md rule 11): a completion code from the shared vocabulary (deviceNotReady,
 * timeout, canceled, hardwareError, ...) and, where it helps, a camera-specific reason.
 */
export class CameraError extends Error {
  override readonly name = 'CameraError';
  constructor(
    readonly code: Exclude<CompletionCode, 'success'>,
    message: string,
    readonly reason: CameraErrorReason | null = null,
  ) {
    super(message);
  }
  /** Same as code, for code that reads results as { completion }. */
  get completion(): Exclude<CompletionCode, 'success'> {
    return this.code;
  }
}
