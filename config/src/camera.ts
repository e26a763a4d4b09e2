import { CameraScene } from '@sik/contract';
import { z } from 'zod';

/**
 * The face check camera and its liveness module. Owned by the camera driver (device-agent/src/devices/camera/).
 * Every camera, real or simulated, is read through one ffmpeg code path; only the input differs.
 */

/** Where ffmpeg reads frames from. */
export const CameraSource = z.discriminatedUnion('kind', [
  /** A USB / built-in camera (Video4Linux2), asked for MJPEG at 640x480. */
  z.object({
    kind: z.literal('v4l2'),
    device: z.string().min(1).default('/dev/video0'),
    /** ffmpeg -input_format (mjpeg, yuyv422, ...). */
    inputFormat: z.string().min(1).default('mjpeg'),
    /** ffmpeg -video_size the camera is asked for; frames are scaled to 640x480 whatever it gives. */
    videoSize: z
      .string()
      .regex(/^\d+x\d+$/)
      .default('640x480'),
  }),
  /** A video file, read in real time (looping by default): demo and tests. */
  z.object({ kind: z.literal('file'), path: z.string().min(1), loop: z.boolean().default(true) }),
  /** Still images played as a video in a loop, e.g. /data/frames/frame-%03d.jpg or /data/frames/*.jpg (glob). */
  z.object({
    kind: z.literal('imageSequence'),
    pattern: z.string().min(1),
    fps: z.number().positive().max(60).default(10),
  }),
  /** A network camera: MJPEG over HTTP (what the camera simulator serves), or anything else ffmpeg reads. */
  z.object({ kind: z.literal('url'), url: z.string().url() }),
]);
export type CameraSource = z.infer<typeof CameraSource>;

/**
 * ffmpeg and watchdog timing, all optional so that { driver: 'simulator' } stays a complete config; the driver
 * fills the gaps from CAMERA_TIMING_DEFAULTS.
 */
export const CameraTiming = z.object({
  /** How often the analysis frames (640x480 rgb24) are produced; the face engine takes the newest. */
  analysisFps: z.number().positive().max(30).optional(),
  /** Preview JPEGs (320x240) for the screen, at this steady rate. */
  previewFps: z.number().positive().max(30).optional(),
  /** open() gives up when no frame arrives within this time. */
  openTimeoutMs: z.number().int().positive().optional(),
  /** An open stream with no frame for this long counts as the camera gone. */
  stallTimeoutMs: z.number().int().positive().optional(),
  /** While no stream is open, the source is checked this often (device node, file, URL) for the status. */
  statusPollMs: z.number().int().positive().optional(),
  /** The ffmpeg executable. */
  ffmpegPath: z.string().min(1).optional(),
});
export type CameraTiming = z.infer<typeof CameraTiming>;

export const CAMERA_TIMING_DEFAULTS: Required<CameraTiming> = {
  analysisFps: 10,
  previewFps: 8,
  openTimeoutMs: 10_000,
  stallTimeoutMs: 5000,
  statusPollMs: 5000,
  ffmpegPath: 'ffmpeg',
};

export const CameraDeviceConfig = z.discriminatedUnion('driver', [
  /**
   * The camera simulator in this process (the demo): an MJPEG-over-HTTP server on 127.0.0.1 showing the scene
   * the dock picks, read by the same ffmpeg driver as a network camera; with a simulated binocular liveness
   * module unless binocular is false (then the head-turn challenge checks liveness).
   */
  z.object({
    driver: z.literal('simulator'),
    /** Default true. */
    binocular: z.boolean().optional(),
    /** What stands in front of the camera at start (default noFace: nobody at the kiosk). */
    initialScene: CameraScene.optional(),
    ...CameraTiming.shape,
  }),
  /** A real camera, a file, an image sequence, or a camera simulator process, through ffmpeg. */
  z.object({
    driver: z.literal('ffmpeg'),
    source: CameraSource,
    /** Base URL of a binocular (visible + NIR) liveness module speaking the HTTP protocol in liveness.ts. */
    livenessUrl: z.string().url().optional(),
    /** Set when the source is our camera simulator process: the simulator dock changes scenes through it. */
    simulatorControlUrl: z.string().url().optional(),
    ...CameraTiming.shape,
  }),
  /** No camera: the face check is offered only through staff (assisted path). */
  z.object({ driver: z.literal('none') }),
]);
export type CameraDeviceConfig = z.infer<typeof CameraDeviceConfig>;
/** The config as written in a file, before defaults. */
export type CameraDeviceConfigInput = z.input<typeof CameraDeviceConfig>;
