import { describe, expect, it } from 'vitest';
import { livenessAnswer, parseLivenessAnswer } from './liveness.ts';

describe('liveness module answers', () => {
  it.each([
    [
      { code: 0, faceCount: 1, live: true, score: 0.97 },
      { ok: true, result: 'live', score: 0.97 },
    ],
    [
      { code: 0, faceCount: 2, live: true, score: 0.9 },
      { ok: true, result: 'live', score: 0.9 },
    ],
    [
      { code: 0, faceCount: 1, live: false, score: 0.08 },
      { ok: true, result: 'notLive', score: 0.08 },
    ],
    [
      { code: 0, faceCount: 0, live: false, score: 0 },
      { ok: true, result: 'noFace', score: 0 },
    ],
    // a face count of 0 wins over a live flag
    [
      { code: 0, faceCount: 0, live: true, score: 0.5 },
      { ok: true, result: 'noFace', score: 0.5 },
    ],
    // a score outside 0..1 is read as 0 (informative only)
    [
      { code: 0, faceCount: 1, live: true, score: 7 },
      { ok: true, result: 'live', score: 0 },
    ],
  ])('%j', (answer, expected) => {
    expect(parseLivenessAnswer(answer)).toEqual(expected);
  });

  it.each([
    [null, 'protocolError', 'not a JSON object'],
    [[1], 'protocolError', 'not a JSON object'],
    [{ faceCount: 1 }, 'protocolError', 'no integer "code"'],
    [{ code: 0, faceCount: -1, live: true }, 'protocolError', '"faceCount" is not a count'],
    [{ code: 0, faceCount: 1, live: 'yes' }, 'protocolError', '"live" is not a boolean'],
    [{ code: 17, message: 'NIR sensor fault' }, 'moduleError', 'liveness module error 17: NIR sensor fault'],
  ])('refuses %j', (answer, kind, detail) => {
    const parsed = parseLivenessAnswer(answer);
    expect(parsed).toMatchObject({ ok: false, kind });
    expect(parsed.ok ? '' : parsed.detail).toContain(detail);
  });

  it('the simulator side round-trips', () => {
    for (const result of ['live', 'notLive', 'noFace'] as const)
      expect(parseLivenessAnswer(livenessAnswer(result))).toMatchObject({ ok: true, result });
  });
});
