import { HEADER_BYTES, MAX_LEN, MIN_LEN, PREAMBLE, xorChecksum } from './frame.ts';

export type ParserEvent =
  /** A whole frame with a good checksum; body is everything between LEN and CHK. */
  | { kind: 'frame'; frame: Uint8Array; body: Uint8Array }
  /** Bytes that cannot start a frame, dropped. */
  | { kind: 'junk'; bytes: Uint8Array }
  /** A candidate frame whose CHK is wrong: its preamble is dropped and the parser looks again after it. */
  | { kind: 'badChecksum'; frame: Uint8Array; expected: number; actual: number }
  /** A preamble followed by an impossible LEN: the preamble is dropped and the parser looks again. */
  | { kind: 'badLength'; len: number };

/**
 * Streaming frame parser: push chunks as the line delivers them, get whole frames back. It keeps at most one
 * partial frame. After junk, a bad checksum or an absurd LEN it resynchronises on the next preamble, so a
 * truncated frame followed by a good one still yields the good one.
 */
export class FrameParser {
  private buffer = new Uint8Array(0);

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Forget any partial frame (the driver does this before each request: the protocol is half duplex). */
  reset(): void {
    this.buffer = new Uint8Array(0);
  }

  push(chunk: Uint8Array): ParserEvent[] {
    this.append(chunk);
    const events: ParserEvent[] = [];
    for (;;) {
      const start = preambleStart(this.buffer);
      if (start > 0) {
        events.push({ kind: 'junk', bytes: this.buffer.slice(0, start) });
        this.buffer = this.buffer.subarray(start);
      }
      if (this.buffer.length < HEADER_BYTES) break;
      const len = ((this.buffer[5] ?? 0) << 8) | (this.buffer[6] ?? 0);
      if (len < MIN_LEN || len > MAX_LEN) {
        events.push({ kind: 'badLength', len });
        this.drop(PREAMBLE.length);
        continue;
      }
      const total = HEADER_BYTES + len;
      if (this.buffer.length < total) break;
      const frame = this.buffer.slice(0, total);
      const expected = xorChecksum(frame, 5, total - 1);
      const actual = frame[total - 1] ?? 0;
      if (expected !== actual) {
        events.push({ kind: 'badChecksum', frame, expected, actual });
        // A real preamble cannot start inside this one, so dropping exactly the preamble loses nothing.
        this.drop(PREAMBLE.length);
        continue;
      }
      events.push({ kind: 'frame', frame, body: frame.subarray(HEADER_BYTES, total - 1) });
      this.drop(total);
    }
    return events;
  }

  private append(chunk: Uint8Array): void {
    if (this.buffer.length === 0) {
      this.buffer = chunk.slice();
      return;
    }
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
  }

  private drop(count: number): void {
    this.buffer = this.buffer.subarray(count);
  }
}

/**
 * Index of the first byte that starts a preamble, or a prefix of one cut off by the end of the buffer;
 * buffer.length when no byte can start one (everything is junk).
 */
function preambleStart(buffer: Uint8Array): number {
  for (let i = 0; i < buffer.length; i++) {
    let matches = true;
    for (let j = 0; j < PREAMBLE.length && i + j < buffer.length; j++) {
      if (buffer[i + j] !== PREAMBLE[j]) {
        matches = false;
        break;
      }
    }
    if (matches) return i;
  }
  return buffer.length;
}
