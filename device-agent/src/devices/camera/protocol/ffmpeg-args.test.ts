import { CameraSource } from '@sik/config';
import { describe, expect, it } from 'vitest';
import { describeSource, explainFfmpegError, ffmpegArgs, ffmpegInputArgs, maskUrl } from './ffmpeg-args.ts';

const source = (value: unknown) => CameraSource.parse(value);

describe('ffmpeg command line', () => {
  it.each([
    [
      { kind: 'v4l2', device: '/dev/video2' },
      [
        '-f',
        'v4l2',
        '-input_format',
        'mjpeg',
        '-video_size',
        '640x480',
        '-fflags',
        'nobuffer',
        '-i',
        '/dev/video2',
      ],
    ],
    [{ kind: 'file', path: '/d/clip.mp4' }, ['-re', '-stream_loop', '-1', '-i', '/d/clip.mp4']],
    [{ kind: 'file', path: '/d/clip.mp4', loop: false }, ['-re', '-i', '/d/clip.mp4']],
    [
      { kind: 'imageSequence', pattern: '/d/f-%03d.jpg', fps: 5 },
      ['-re', '-f', 'image2', '-loop', '1', '-framerate', '5', '-i', '/d/f-%03d.jpg'],
    ],
    [
      { kind: 'imageSequence', pattern: '/d/*.jpg' },
      ['-re', '-f', 'image2', '-loop', '1', '-framerate', '10', '-pattern_type', 'glob', '-i', '/d/*.jpg'],
    ],
    [
      { kind: 'url', url: 'http://10.0.0.5/video.mjpeg' },
      ['-use_wallclock_as_timestamps', '1', '-fflags', 'nobuffer', '-rw_timeout', '5000000'].concat([
        '-i',
        'http://10.0.0.5/video.mjpeg',
      ]),
    ],
    [
      { kind: 'url', url: 'rtsp://10.0.0.5/stream1' },
      ['-use_wallclock_as_timestamps', '1', '-fflags', 'nobuffer', '-i', 'rtsp://10.0.0.5/stream1'],
    ],
  ])('input for %j', (value, expected) => {
    expect(ffmpegInputArgs(source(value))).toEqual(expected);
  });

  it('the same two outputs for every source: rgb24 640x480 on pipe:1, MJPEG 320x240 on pipe:3', () => {
    const args = ffmpegArgs(source({ kind: 'file', path: '/d/a.mp4' }), { analysisFps: 10, previewFps: 8 });
    const graph = args[args.indexOf('-filter_complex') + 1];
    expect(graph).toBe(
      '[0:v]scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,split=2[a][b];' +
        '[a]fps=10,format=rgb24[raw];[b]fps=8,scale=320:240,format=yuvj420p[preview]',
    );
    expect(args.slice(args.indexOf('-filter_complex') + 2)).toEqual(
      ['-map', '[raw]', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'].concat([
        '-map',
        '[preview]',
        '-f',
        'mjpeg',
        '-q:v',
        '7',
        'pipe:3',
      ]),
    );
    expect(args.slice(0, 5)).toEqual(['-hide_banner', '-nostdin', '-loglevel', 'error', '-re']);
  });
});

describe('error words', () => {
  it('masks credentials in a URL', () => {
    expect(maskUrl('http://admin:secret@10.0.0.5/video')).toBe('http://***@10.0.0.5/video');
    expect(maskUrl('http://10.0.0.5/video')).toBe('http://10.0.0.5/video');
    expect(describeSource(source({ kind: 'url', url: 'rtsp://u:p@cam/s' }))).toBe(
      'network camera rtsp://***@cam/s',
    );
  });

  it('picks the cause from ffmpeg stderr, without the demuxer prefix and without credentials', () => {
    const url = 'http://admin:secret@127.0.0.1:9/video.mjpeg';
    const stderr =
      '[tcp @ 0x56386905d1c0] Connection to tcp://127.0.0.1:9 failed: Connection refused\n' +
      `${url}: Connection refused\n`;
    expect(explainFfmpegError(stderr, source({ kind: 'url', url }))).toBe(
      'Connection to tcp://127.0.0.1:9 failed: Connection refused',
    );
    expect(
      explainFfmpegError(`${url}: Server returned 401 Unauthorized\n`, source({ kind: 'url', url })),
    ).toBe('http://***@127.0.0.1:9/video.mjpeg: Server returned 401 Unauthorized');
    expect(
      explainFfmpegError(
        '[video4linux2,v4l2 @ 0x563bbf78c880] Cannot open video device /dev/video0: No such file or directory\n',
        source({ kind: 'v4l2' }),
      ),
    ).toBe('Cannot open video device /dev/video0: No such file or directory');
    expect(explainFfmpegError('', source({ kind: 'v4l2' }))).toBeNull();
  });
});
