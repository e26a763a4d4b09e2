import type { CameraSource } from '@sik/config';
import { FRAME_HEIGHT, FRAME_WIDTH } from '../camera.ts';

/**
 * The ffmpeg command line for every source kind (pure, no I/O). One code path: only the input options differ
 * per kind (the table below); the outputs are always the same two pipes:
 *   pipe:1  raw rgb24 640x480 frames at analysisFps (fixed size, 921600 bytes each) for the face engine;
 *   pipe:3  MJPEG 320x240 at previewFps (JPEGs back to back) for the screen.
 * Sources of another size are scaled to fit 640x480 and padded (never stretched: a stretched face scores
 * worse).
 */

export const PREVIEW_WIDTH = 320;
export const PREVIEW_HEIGHT = 240;
/** ffmpeg -q:v for the preview JPEGs (2 best .. 31 worst): about 8-12 KiB a frame at 320x240. */
const PREVIEW_QUALITY = '7';
/** ffmpeg gives up on a network camera that sends nothing for this long (microseconds, http only). */
const NETWORK_TIMEOUT_US = '5000000';

export interface FfmpegOutputOptions {
  analysisFps: number;
  previewFps: number;
}

type InputArgs<K extends CameraSource['kind']> = (source: Extract<CameraSource, { kind: K }>) => string[];

/** Input options per source kind. */
const INPUTS: { [K in CameraSource['kind']]: InputArgs<K> } = {
  v4l2: (s) => [
    '-f',
    'v4l2',
    '-input_format',
    s.inputFormat,
    '-video_size',
    s.videoSize,
    '-fflags',
    'nobuffer',
    '-i',
    s.device,
  ],
  // -re: read at the file's own frame rate, as a camera would deliver it.
  file: (s) => ['-re', ...(s.loop ? ['-stream_loop', '-1'] : []), '-i', s.path],
  imageSequence: (s) => [
    '-re',
    '-f',
    'image2',
    '-loop',
    '1',
    '-framerate',
    String(s.fps),
    ...(s.pattern.includes('*') ? ['-pattern_type', 'glob'] : []),
    '-i',
    s.pattern,
  ],
  // An MJPEG stream carries no timestamps: stamp frames on arrival so the fps filters pace by the clock.
  url: (s) => [
    '-use_wallclock_as_timestamps',
    '1',
    '-fflags',
    'nobuffer',
    ...(/^https?:/i.test(s.url) ? ['-rw_timeout', NETWORK_TIMEOUT_US] : []),
    '-i',
    s.url,
  ],
};

export function ffmpegInputArgs(source: CameraSource): string[] {
  return (INPUTS[source.kind] as InputArgs<typeof source.kind>)(source as never);
}

export function ffmpegArgs(source: CameraSource, options: FfmpegOutputOptions): string[] {
  const fit = `scale=${FRAME_WIDTH}:${FRAME_HEIGHT}:force_original_aspect_ratio=decrease,pad=${FRAME_WIDTH}:${FRAME_HEIGHT}:(ow-iw)/2:(oh-ih)/2`;
  const graph = [
    `[0:v]${fit},split=2[a][b]`,
    `[a]fps=${options.analysisFps},format=rgb24[raw]`,
    `[b]fps=${options.previewFps},scale=${PREVIEW_WIDTH}:${PREVIEW_HEIGHT},format=yuvj420p[preview]`,
  ].join(';');
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...ffmpegInputArgs(source),
    '-filter_complex',
    graph,
    '-map',
    '[raw]',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
    '-map',
    '[preview]',
    '-f',
    'mjpeg',
    '-q:v',
    PREVIEW_QUALITY,
    'pipe:3',
  ];
}

/** A URL without user and password (IP cameras often carry them), for logs and status details. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}

/** The source in an engineer's words, credentials masked. */
export function describeSource(source: CameraSource): string {
  switch (source.kind) {
    case 'v4l2':
      return `camera ${source.device}`;
    case 'file':
      return `video file ${source.path}`;
    case 'imageSequence':
      return `image sequence ${source.pattern}`;
    case 'url':
      return `network camera ${maskUrl(source.url)}`;
  }
}

/**
 * ffmpeg's last error line in an engineer's words: the "[demuxer @ 0x55…]" prefix dropped, credentials masked,
 * the source named. Null when ffmpeg said nothing.
 */
export function explainFfmpegError(stderr: string, source: CameraSource): string | null {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').trim())
    .filter((line) => line.length > 0);
  // The most specific line is usually the first one naming the cause; later ones are consequences.
  const cause =
    lines.find((line) =>
      /no such file|not found|refused|denied|timed out|timeout|cannot open|no jpeg|invalid data|unreachable|reset|unauthorized|forbidden|\b[45]\d\d\b/i.test(
        line,
      ),
    ) ?? lines.at(-1);
  if (!cause) return null;
  let text = cause;
  if (source.kind === 'url') text = text.split(source.url).join(maskUrl(source.url));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
