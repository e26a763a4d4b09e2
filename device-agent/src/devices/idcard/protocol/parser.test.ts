import { describe, expect, it } from 'vitest';
import { SAMPLE_CARDS } from '../sample-cards.ts';
import { demoPhoto } from '../simulator.ts';
import { REPLIES } from './fixtures.ts';
import { buildResponse, fromHex, toHex } from './frame.ts';
import { FrameParser, type ParserEvent } from './parser.ts';
import { encodeReadPayload } from './read-payload.ts';
import { encodeTextBlock } from './text-block.ts';

const frames = (events: ParserEvent[]): string[] =>
  events.flatMap((event) => (event.kind === 'frame' ? [toHex(event.frame)] : []));
const kinds = (events: ParserEvent[]): string[] => events.map((event) => event.kind);

const FIND = fromHex(REPLIES.findCardPresent);
const NO_CARD = fromHex(REPLIES.findNoCard);
const READ = buildResponse(0x90, encodeReadPayload(encodeTextBlock(SAMPLE_CARDS.resident), demoPhoto()));

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
  it('yields a whole frame with its body (between LEN and CHK)', () => {
    const [event] = new FrameParser().push(FIND);
    expect(event?.kind).toBe('frame');
    if (event?.kind !== 'frame') return;
    expect(toHex(event.frame)).toBe(REPLIES.findCardPresent);
    expect(toHex(event.body)).toBe('00009F00000000');
  });

  it.each([
    ['find reply', FIND],
    ['1295-byte read reply', READ],
  ])('reassembles a %s split at every position', (_name, frame) => {
    for (let cut = 1; cut < frame.length; cut++) {
      const parser = new FrameParser();
      expect(parser.push(frame.subarray(0, cut))).toEqual([]);
      expect(parser.pending).toBe(cut);
      expect(frames(parser.push(frame.subarray(cut)))).toEqual([toHex(frame)]);
      expect(parser.pending).toBe(0);
    }
  });

  it('reassembles a frame delivered one byte at a time', () => {
    const parser = new FrameParser();
    const events = Array.from(READ).flatMap((byte) => parser.push(Uint8Array.of(byte)));
    expect(frames(events)).toEqual([toHex(READ)]);
  });

  it('yields two frames from one chunk, in order', () => {
    const events = new FrameParser().push(concat(FIND, NO_CARD));
    expect(frames(events)).toEqual([REPLIES.findCardPresent, REPLIES.findNoCard]);
  });

  it('drops junk before the preamble, including bytes that look like its start', () => {
    // 01 02 · five AA (false starts) · then the frame's own AA AA AA 96 69: eight AA in a row before 96
    const junk = fromHex('0102AAAAAAAAAA');
    const events = new FrameParser().push(concat(junk, FIND));
    expect(kinds(events)).toEqual(['junk', 'frame']);
    expect(events[0]?.kind === 'junk' && toHex(events[0].bytes)).toBe('0102AAAAAAAAAA');
    expect(frames(events)).toEqual([REPLIES.findCardPresent]);
  });

  it('keeps a partial preamble at the end of a chunk and drops the junk before it', () => {
    const parser = new FrameParser();
    expect(kinds(parser.push(fromHex('FF00AAAA')))).toEqual(['junk']);
    expect(parser.pending).toBe(2);
    expect(frames(parser.push(FIND.subarray(2)))).toEqual([REPLIES.findCardPresent]);
  });

  it('drops pure junk without holding it', () => {
    const parser = new FrameParser();
    expect(kinds(parser.push(fromHex('0102030405060708')))).toEqual(['junk']);
    expect(parser.pending).toBe(0);
  });

  it('reports a bad checksum and resynchronises on the next frame', () => {
    const bad = FIND.slice();
    bad[bad.length - 1] = 0x00; // CHK should be 97
    const events = new FrameParser().push(concat(bad, NO_CARD));
    expect(events[0]).toMatchObject({ kind: 'badChecksum', expected: 0x97, actual: 0x00 });
    expect(frames(events)).toEqual([REPLIES.findNoCard]);
  });

  it('finds a good frame hidden inside a truncated one (its LEN swallowed the good bytes)', () => {
    // Half a find reply, then a whole no-card reply: the first LEN (8) spans into the second frame.
    const events = new FrameParser().push(concat(FIND.subarray(0, 9), NO_CARD, NO_CARD));
    expect(kinds(events)).toContain('badChecksum');
    expect(frames(events).length).toBeGreaterThanOrEqual(1);
    expect(frames(events).every((f) => f === REPLIES.findNoCard)).toBe(true);
  });

  it.each([
    ['zero', '0000'],
    ['too short for CMD PARA', '0002'],
    ['absurdly long', 'FFFF'],
  ])('rejects a LEN that is %s and resynchronises', (_name, len) => {
    const events = new FrameParser().push(concat(fromHex(`AAAAAA9669${len}`), FIND));
    expect(events[0]?.kind).toBe('badLength');
    expect(frames(events)).toEqual([REPLIES.findCardPresent]);
  });

  it('reset() forgets a partial frame', () => {
    const parser = new FrameParser();
    parser.push(READ.subarray(0, 600));
    parser.reset();
    expect(parser.pending).toBe(0);
    expect(frames(parser.push(FIND))).toEqual([REPLIES.findCardPresent]);
  });
});
