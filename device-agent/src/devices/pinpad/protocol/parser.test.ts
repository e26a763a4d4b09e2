import { describe, expect, it } from 'vitest';
import { REPLIES } from './fixtures.ts';
import { fromHex, toHex } from './frame.ts';
import { FrameParser, type ParserEvent } from './parser.ts';

const frames = (events: ParserEvent[]): string[] =>
  events.flatMap((event) => (event.kind === 'frame' ? [toHex(event.frame)] : []));
const kinds = (events: ParserEvent[]): string[] => events.map((event) => event.kind);
const keys = (events: ParserEvent[]): number[] =>
  events.flatMap((event) => (event.kind === 'key' ? [event.code] : []));

const BLOCK = fromHex(REPLIES.pinBlock);
const STATUS = fromHex(REPLIES.statusIdleKeyLoaded);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('FrameParser', () => {
  it('yields a whole frame with its body (between LEN and ETX)', () => {
    const [event] = new FrameParser().push(STATUS);
    expect(event?.kind).toBe('frame');
    if (event?.kind !== 'frame') return;
    expect(toHex(event.body)).toBe('1000000100');
  });

  it('reassembles a reply split at every position', () => {
    for (let cut = 1; cut < BLOCK.length; cut++) {
      const parser = new FrameParser();
      expect(parser.push(BLOCK.subarray(0, cut))).toEqual([]);
      expect(parser.pending).toBe(cut);
      expect(frames(parser.push(BLOCK.subarray(cut)))).toEqual([REPLIES.pinBlock]);
      expect(parser.pending).toBe(0);
    }
  });

  it('yields two frames from one chunk, in order', () => {
    const events = new FrameParser().push(concat(STATUS, BLOCK));
    expect(frames(events)).toEqual([REPLIES.statusIdleKeyLoaded, REPLIES.pinBlock]);
  });

  it('yields key bytes between frames in arrival order: * * backspace * enter end', () => {
    // 2A 2A · status reply · 08 2A 0D AA
    const events = new FrameParser().push(concat(fromHex('2A2A'), STATUS, fromHex('082A0DAA')));
    expect(kinds(events)).toEqual(['key', 'key', 'frame', 'key', 'key', 'key', 'key']);
    expect(keys(events)).toEqual([0x2a, 0x2a, 0x08, 0x2a, 0x0d, 0xaa]);
  });

  it('key bytes inside a frame are data, not keys', () => {
    // A PIN block may hold any byte: inside a frame they are taken whole.
    const frame = fromHex('0203312A2A0331'); // STX · LEN 3 · CMD 31 · 2A 2A · ETX · BCC 03^31^2A^2A^03
    const events = new FrameParser().push(frame);
    expect(kinds(events)).toEqual(['frame']);
  });

  it('drops junk before a frame and keeps the keys around it', () => {
    const events = new FrameParser().push(concat(fromHex('FF01FE'), STATUS, fromHex('2A')));
    expect(kinds(events)).toEqual(['junk', 'frame', 'key']);
    expect(events[0]?.kind === 'junk' && toHex(events[0].bytes)).toBe('FF01FE');
  });

  it('reports a bad checksum, drops that frame whole, and resynchronises on the next', () => {
    const bad = BLOCK.slice();
    bad[bad.length - 1] = 0x00; // BCC should be 11
    const events = new FrameParser().push(concat(bad, STATUS));
    expect(events[0]).toMatchObject({ kind: 'badChecksum', expected: 0x11, actual: 0x00 });
    // The block's data bytes are not read as keys.
    expect(keys(events)).toEqual([]);
    expect(frames(events)).toEqual([REPLIES.statusIdleKeyLoaded]);
  });

  it('finds a good frame after a truncated one (its LEN swallowed the good bytes)', () => {
    const events = new FrameParser().push(concat(BLOCK.subarray(0, 6), STATUS, STATUS, STATUS));
    expect(kinds(events)).toContain('badFrame');
    expect(frames(events).length).toBeGreaterThanOrEqual(1);
    expect(frames(events).every((f) => f === REPLIES.statusIdleKeyLoaded)).toBe(true);
  });

  it.each([
    ['zero', '00'],
    ['absurdly long', 'F0'],
  ])('rejects a LEN that is %s and resynchronises', (_name, len) => {
    const events = new FrameParser().push(concat(fromHex(`02${len}`), STATUS));
    expect(events[0]).toMatchObject({ kind: 'badFrame', reason: 'length' });
    expect(frames(events)).toEqual([REPLIES.statusIdleKeyLoaded]);
  });

  it('reset() forgets a partial frame', () => {
    const parser = new FrameParser();
    parser.push(BLOCK.subarray(0, 9));
    parser.reset();
    expect(parser.pending).toBe(0);
    expect(frames(parser.push(STATUS))).toEqual([REPLIES.statusIdleKeyLoaded]);
  });
});
