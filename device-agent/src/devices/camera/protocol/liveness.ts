/**
 * The binocular (visible + near-infrared) liveness module's host protocol: JSON over HTTP (pure, no I/O).
 *
 * UNCONFIRMED: modules on the market ship vendor SDKs (USB, serial or HTTP) with their own field names; none
 * was at hand. This is the smallest protocol that carries what PROTOCOLS.md section 8 says such modules
 * report (face found, live or not, a score); a vendor adapter maps onto it. The simulator speaks it.
 *
 *   POST <base>/liveness/detect      content-type: application/json
 *   request  { "timeoutMs": 2000 }   how long the module may look before answering
 *   answer   200 { "code": 0, "faceCount": 1, "live": true, "score": 0.97 }
 *            200 { "code": <non-zero>, "message": "NIR sensor fault" }    the module failed
 *   faceCount 0 -> noFace; faceCount >= 1 and live -> live; otherwise notLive. score is 0..1, informative only.
 */

export const LIVENESS_PATH = '/liveness/detect';

export type LivenessResult = 'live' | 'notLive' | 'noFace';

export interface LivenessRequest {
  timeoutMs: number;
}

export type LivenessAnswer =
  | { code: 0; faceCount: number; live: boolean; score: number }
  | { code: number; message: string };

export type ParsedLivenessAnswer =
  | { ok: true; result: LivenessResult; score: number }
  | { ok: false; kind: 'moduleError' | 'protocolError'; detail: string };

/** Reads a module answer; never throws. */
export function parseLivenessAnswer(body: unknown): ParsedLivenessAnswer {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, kind: 'protocolError', detail: 'liveness module: answer is not a JSON object' };
  const answer = body as Record<string, unknown>;
  if (typeof answer.code !== 'number' || !Number.isInteger(answer.code))
    return { ok: false, kind: 'protocolError', detail: 'liveness module: no integer "code" in the answer' };
  if (answer.code !== 0) {
    const message = typeof answer.message === 'string' ? answer.message.slice(0, 200) : 'no message';
    return { ok: false, kind: 'moduleError', detail: `liveness module error ${answer.code}: ${message}` };
  }
  const { faceCount, live, score } = answer;
  if (typeof faceCount !== 'number' || !Number.isInteger(faceCount) || faceCount < 0)
    return { ok: false, kind: 'protocolError', detail: 'liveness module: "faceCount" is not a count' };
  if (typeof live !== 'boolean')
    return { ok: false, kind: 'protocolError', detail: 'liveness module: "live" is not a boolean' };
  const readScore = typeof score === 'number' && score >= 0 && score <= 1 ? score : 0;
  const result: LivenessResult = faceCount === 0 ? 'noFace' : live ? 'live' : 'notLive';
  return { ok: true, result, score: readScore };
}

/** The answer a module gives for a result (the simulator's side). */
export function livenessAnswer(result: LivenessResult): LivenessAnswer {
  switch (result) {
    case 'live':
      return { code: 0, faceCount: 1, live: true, score: 0.97 };
    case 'notLive':
      return { code: 0, faceCount: 1, live: false, score: 0.08 };
    case 'noFace':
      return { code: 0, faceCount: 0, live: false, score: 0 };
  }
}
