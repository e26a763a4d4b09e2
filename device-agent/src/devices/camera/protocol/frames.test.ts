import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { JpegSplitter, RawFrameAssembler } from './frames.ts';

/**
 * A tiny JPEG-shaped frame, byte for byte. Not decodable (no tables), but it has every structure the splitter
 * must walk: a segment whose payload holds FF D9, and entropy data with a stuffed FF and a restart marker.
 */
const FRAME_A = Uint8Array.from([
  0xff,
  0xd8, //                               SOI
  0xff,
  0xfe,
  0x00,
  0x06,
  0xff,
  0xd9,
  0xab,
  0xcd, // COM, length 6: its payload contains FF D9 (not an end)
  0xff,
  0xda,
  0x00,
  0x08,
  0x01,
  0x01,
  0x00,
  0x00,
  0x3f,
  0x00, // SOS, length 8: header of the scan
  0x12,
  0xff,
  0x00,
  0x34, //                    entropy data: FF 00 is a stuffed data byte FF
  0xff,
  0xd3, //                                RST3 inside the scan
  0x56,
  0x78, //                                more entropy data
  0xff,
  0xd9, //                                EOI
]);
/** A second frame: SOI, a one-byte-payload APP0, an empty scan, EOI. */
const FRAME_B = Uint8Array.from([
  0xff,
  0xd8, //                               SOI
  0xff,
  0xe0,
  0x00,
  0x03,
  0x4a, //              APP0, length 3
  0xff,
  0xda,
  0x00,
  0x02, //                    SOS with no header bytes (length 2)
  0x99, //                                      entropy data
  0xff,
  0xff,
  0xd9, //                          a fill byte FF, then EOI
]);

const bytes = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('RawFrameAssembler', () => {
  it('cuts fixed-size frames whatever the chunk boundaries', () => {
    const assembler = new RawFrameAssembler(4);
    expect(assembler.push(Uint8Array.from([1, 2, 3]))).toEqual([]);
    expect(assembler.partialBytes).toBe(3);
    expect(assembler.push(Uint8Array.from([4, 5, 6, 7, 8, 9, 10]))).toEqual([
      Uint8Array.from([1, 2, 3, 4]),
      Uint8Array.from([5, 6, 7, 8]),
    ]);
    expect(assembler.partialBytes).toBe(2);
  });

  it('hands out a new buffer per frame (a frame kept by the engine is never overwritten)', () => {
    const assembler = new RawFrameAssembler(2);
    const [first] = assembler.push(Uint8Array.from([1, 2]));
    assembler.push(Uint8Array.from([3, 4]));
    expect(first).toEqual(Uint8Array.from([1, 2]));
  });
});

describe('JpegSplitter', () => {
  it('finds a frame whose segments and scan contain FF D9-like bytes', () => {
    expect(new JpegSplitter().push(FRAME_A)).toEqual([FRAME_A]);
  });

  it('two frames in one chunk', () => {
    expect(new JpegSplitter().push(bytes(FRAME_A, FRAME_B))).toEqual([FRAME_A, FRAME_B]);
  });

  it('frames split at every possible byte boundary', () => {
    const stream = bytes(FRAME_A, FRAME_B);
    for (let cut = 1; cut < stream.length; cut++) {
      const splitter = new JpegSplitter();
      const out = [...splitter.push(stream.subarray(0, cut)), ...splitter.push(stream.subarray(cut))];
      expect(out, `cut at ${cut}`).toEqual([FRAME_A, FRAME_B]);
    }
  });

  it('one byte at a time', () => {
    const splitter = new JpegSplitter();
    const out: Uint8Array[] = [];
    for (const byte of bytes(FRAME_B, FRAME_A)) out.push(...splitter.push(Uint8Array.of(byte)));
    expect(out).toEqual([FRAME_B, FRAME_A]);
  });

  it('skips junk before the first SOI, including a lone FF', () => {
    const splitter = new JpegSplitter();
    expect(splitter.push(Uint8Array.from([0x00, 0x13, 0xff, 0x00, 0xff]))).toEqual([]);
    expect(splitter.push(bytes(FRAME_A.subarray(1)))).toEqual([FRAME_A]);
    expect(splitter.discarded).toBe(4);
  });

  it('drops a frame broken mid-segment and resyncs on the next SOI', () => {
    // SOI, then a segment marker position holding 0x00 instead of FF: the frame is junk.
    const broken = Uint8Array.from([0xff, 0xd8, 0x00, 0x11, 0x22]);
    const splitter = new JpegSplitter();
    expect(splitter.push(bytes(broken, FRAME_B))).toEqual([FRAME_B]);
    expect(splitter.discarded).toBe(broken.length);
  });

  it.each([
    [10, 'after a segment'],
    [21, 'inside the entropy data'],
  ])('drops a frame cut short by a new SOI %s (a restarted encoder)', (at) => {
    const splitter = new JpegSplitter();
    expect(splitter.push(bytes(FRAME_A.subarray(0, at), FRAME_B))).toEqual([FRAME_B]);
  });

  it('splits real JPEGs from ffmpeg exactly', () => {
    const run = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x240:rate=5',
        '-t',
        '1',
      ].concat(['-f', 'mjpeg', '-q:v', '7', 'pipe:1']),
      { maxBuffer: 16 * 1024 * 1024 },
    );
    expect(run.status).toBe(0);
    const stream = new Uint8Array(run.stdout);
    const splitter = new JpegSplitter();
    const frames: Uint8Array[] = [];
    for (let at = 0; at < stream.length; at += 1000)
      frames.push(...splitter.push(stream.subarray(at, at + 1000)));
    expect(frames).toHaveLength(5);
    expect(frames.reduce((sum, f) => sum + f.length, 0)).toBe(stream.length);
    for (const frame of frames) {
      expect([...frame.subarray(0, 2)]).toEqual([0xff, 0xd8]);
      expect([...frame.subarray(-2)]).toEqual([0xff, 0xd9]);
    }
  });
});
