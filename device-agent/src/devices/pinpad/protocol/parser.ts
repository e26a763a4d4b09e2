import { ETX, isKeyCode, MAX_LEN, MIN_LEN, OVERHEAD_BYTES, STX, xorChecksum } from './frame.ts';

export type ParserEvent =
  /** A whole frame with a good ETX and BCC; body is everything between LEN and ETX. */
  | { kind: 'frame'; frame: Uint8Array; body: Uint8Array }
  /** A key byte sent between frames (see KEY_CODES). */
  | { kind: 'key'; code: number }
  /** Bytes that are neither a key nor the start of a frame, dropped. */
  | { kind: 'junk'; bytes: Uint8Array }
  /**
   * A candidate frame with ETX in its place but a wrong BCC: dropped whole, since its data bytes (a PIN block)
   * could otherwise be read as key bytes.
   */
  | { kind: 'badChecksum'; frame: Uint8Array; expected: number; actual: number }
  /** STX followed by an impossible LEN, or a frame without ETX where ETX belongs: its STX is dropped. */
  | { kind: 'badFrame'; reason: 'length' | 'noEtx'; len: number };

/**
 * Streaming parser for what the pad sends: push chunks as the line delivers them, get key bytes and whole
 * frames back, in arrival order. It keeps at most one partial frame; after junk, a bad checksum or a broken
 * frame it resynchronises on the next STX or key byte, so a truncated frame followed by a good one still
 * yields the good one (and any key bytes that were inside it).
 */
export class FrameParser {
  private buffer = new Uint8Array(0);

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Forget a partial frame (after a reply timed out: it was most likely junk that looked like STX). */
  reset(): void {
    this.buffer = new Uint8Array(0);
  }

  push(chunk: Uint8Array): ParserEvent[] {
    this.append(chunk);
    const events: ParserEvent[] = [];
    while (this.buffer.length > 0) {
      const first = this.buffer[0] ?? 0;
      if (isKeyCode(first)) {
        events.push({ kind: 'key', code: first });
        this.drop(1);
        continue;
      }
      if (first !== STX) {
        let end = 1;
        while (end < this.buffer.length) {
          const byte = this.buffer[end] ?? 0;
          if (byte === STX || isKeyCode(byte)) break;
          end += 1;
        }
        events.push({ kind: 'junk', bytes: this.buffer.slice(0, end) });
        this.drop(end);
        continue;
      }
      if (this.buffer.length < 2) break;
      const len = this.buffer[1] ?? 0;
      if (len < MIN_LEN || len > MAX_LEN) {
        events.push({ kind: 'badFrame', reason: 'length', len });
        this.drop(1);
        continue;
      }
      const total = len + OVERHEAD_BYTES;
      if (this.buffer.length < total) break;
      const frame = this.buffer.slice(0, total);
      if (frame[total - 2] !== ETX) {
        events.push({ kind: 'badFrame', reason: 'noEtx', len });
        this.drop(1);
        continue;
      }
      const expected = xorChecksum(frame, 1, total - 1);
      const actual = frame[total - 1] ?? 0;
      if (expected !== actual) {
        events.push({ kind: 'badChecksum', frame, expected, actual });
        this.drop(total);
        continue;
      }
      events.push({ kind: 'frame', frame, body: frame.subarray(2, total - 2) });
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
