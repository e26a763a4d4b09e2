/**
 * One HTTP call to a bank host or gateway, classified for exactly-once payments: an answer, a failure that proves
 * the request never reached the other side (nothing can have happened there), or an unknown outcome (a timeout,
 * a dropped connection: it may have happened, find out by querying).
 */
export type UpstreamReply =
  | { kind: 'answer'; status: number; text: string }
  | { kind: 'notSent'; reason: string }
  | { kind: 'unknown'; reason: string };

/** Connection errors raised before a byte of the request left. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

export async function callUpstream(
  url: string,
  init: { method: 'GET' | 'POST'; body?: unknown; timeoutMs: number; headers?: Record<string, string> },
): Promise<UpstreamReply> {
  try {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const response = await fetch(url, {
      method: init.method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return { kind: 'answer', status: response.status, text: await response.text() };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'unknown', reason: 'timeout' };
    const code = causeCode(error);
    if (code && NOT_SENT_CODES.has(code)) return { kind: 'notSent', reason: code };
    return { kind: 'unknown', reason: code ?? (error as Error).message };
  }
}

/** Parses an answer's JSON with a schema; undefined when it is not what the schema says. */
export function parseAnswer<T>(
  text: string,
  schema: { safeParse(v: unknown): { success: boolean; data?: T } },
): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
