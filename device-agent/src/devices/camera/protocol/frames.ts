/**
 * Cutting ffmpeg's two output pipes into frames (pure, no I/O).
 *
 * Raw video has no framing: each frame is exactly width * height * 3 bytes, so frames are cut by count.
 * The MJPEG pipe is JPEGs back to back. A JPEG is SOI (FF D8), marker segments each with a 2-byte big-endian
 * length, SOS (FF DA) followed by entropy-coded data in which a data byte FF is always stuffed as FF 00, and
 * EOI (FF D9). Walking the segments (rather than searching for FF D9 anywhere) keeps a table or an embedded
 * thumbnail that happens to contain FF D9 from cutting a frame short.
 */

/** Fixed-size frames from a byte stream; the chunk boundaries fall anywhere. */
export class RawFrameAssembler {
  private current: Uint8Array;
  private filled = 0;

  constructor(readonly frameBytes: number) {
    this.current = new Uint8Array(frameBytes);
  }

  /** Returns the frames completed by this chunk (usually none or one), oldest first. */
  push(chunk: Uint8Array): Uint8Array[] {
    const done: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      this.current.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.frameBytes) {
        done.push(this.current);
        this.current = new Uint8Array(this.frameBytes);
        this.filled = 0;
      }
    }
    return done;
  }

  /** Bytes of an unfinished frame (a stream that ends mid-frame leaves some). */
  get partialBytes(): number {
    return this.filled;
  }
}

const MARKER = 0xff;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;
const isRst = (marker: number) => marker >= 0xd0 && marker <= 0xd7;
/** A preview JPEG is ~10 KiB; anything this big is garbage, not a frame. */
const MAX_JPEG_BYTES = 8 * 1024 * 1024;

/** JPEG frames from a byte stream of concatenated JPEGs, with resync on junk. */
export class JpegSplitter {
  private pending: Uint8Array = new Uint8Array(0);
  /** Where to continue walking inside pending (pending always starts with SOI once found). */
  private position = 0;
  /** Inside entropy-coded data (after SOS), looking for the next marker. */
  private inScan = false;
  /** Bytes thrown away as junk (before an SOI, or a broken frame). */
  discarded = 0;

  push(chunk: Uint8Array): Uint8Array[] {
    this.pending = this.pending.length === 0 ? chunk.slice() : concat(this.pending, chunk);
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.position === 0 && !this.syncToSoi()) break;
      const end = this.walk();
      if (end === 'more') break;
      if (end === 'broken') {
        this.dropFrame(1);
        continue;
      }
      frames.push(this.pending.slice(0, end));
      this.pending = this.pending.subarray(end);
      this.position = 0;
      this.inScan = false;
    }
    if (this.pending.length > MAX_JPEG_BYTES) this.dropFrame(this.pending.length);
    return frames;
  }

  /** Drops bytes before the first SOI; false when there is none yet (keeps a trailing FF). */
  private syncToSoi(): boolean {
    const data = this.pending;
    for (let i = 0; i + 1 < data.length; i++) {
      if (data[i] === MARKER && data[i + 1] === SOI) {
        this.discarded += i;
        this.pending = data.subarray(i);
        this.position = 2;
        this.inScan = false;
        return true;
      }
    }
    const keep = data.length > 0 && data[data.length - 1] === MARKER ? 1 : 0;
    this.discarded += data.length - keep;
    this.pending = data.subarray(data.length - keep);
    return false;
  }

  /** Walks segments from position: the frame's end offset, 'more' for more bytes, 'broken' for junk. */
  private walk(): number | 'more' | 'broken' {
    const data = this.pending;
    let p = this.position;
    for (;;) {
      if (this.inScan) {
        // Entropy-coded data: FF 00 is a stuffed data byte, FF D0..D7 a restart marker; any other FF xx ends it.
        for (;;) {
          if (p + 1 >= data.length) {
            this.position = p;
            return 'more';
          }
          if (data[p] === MARKER) {
            const next = data[p + 1] as number;
            if (next !== 0x00 && !isRst(next) && next !== MARKER) break;
            p += next === MARKER ? 1 : 2;
          } else p += 1;
        }
        this.inScan = false;
      }
      if (p + 1 >= data.length) {
        this.position = p;
        return 'more';
      }
      if (data[p] !== MARKER) return 'broken';
      const marker = data[p + 1] as number;
      if (marker === MARKER) {
        p += 1; // fill byte
        continue;
      }
      if (marker === EOI) return p + 2;
      if (marker === SOI) return 'broken'; // a new image before this one ended
      if (isRst(marker) || marker === TEM) {
        p += 2;
        continue;
      }
      if (p + 3 >= data.length) {
        this.position = p;
        return 'more';
      }
      const length = ((data[p + 2] as number) << 8) | (data[p + 3] as number);
      if (length < 2) return 'broken';
      p += 2 + length;
      if (marker === SOS) this.inScan = true;
    }
  }

  /** Throws away the current frame's first bytes and looks for the next SOI. */
  private dropFrame(bytes: number): void {
    this.discarded += bytes;
    this.pending = this.pending.subarray(bytes);
    this.position = 0;
    this.inScan = false;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
