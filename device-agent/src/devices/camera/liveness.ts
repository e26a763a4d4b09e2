import { createLogger, type Logger } from '../../log.ts';
import { CameraError, type LivenessSensor } from './camera.ts';
import { maskUrl } from './protocol/ffmpeg-args.ts';
import { LIVENESS_PATH, type LivenessRequest, parseLivenessAnswer } from './protocol/liveness.ts';

/**
 * The binocular liveness module's driver: one HTTP/JSON request per check (protocol/liveness.ts, UNCONFIRMED).
 * Failures become CameraErrors: unreachable -> deviceNotReady, module error -> hardwareError, unreadable
 * answer -> hardwareError (protocolError), no answer in time -> timeout, abort -> canceled.
 */

export interface HttpLivenessSensorOptions {
  /** How long the module may look (sent to it). */
  detectMs?: number;
  /** Our own limit for the whole request, above detectMs. */
  requestTimeoutMs?: number;
  logger?: Logger;
}

export function createHttpLivenessSensor(
  baseUrl: string,
  options: HttpLivenessSensorOptions = {},
): LivenessSensor {
  const detectMs = options.detectMs ?? 2000;
  const requestTimeoutMs = options.requestTimeoutMs ?? detectMs + 2000;
  const logger = options.logger ?? createLogger('camera-liveness');
  const url = new URL(LIVENESS_PATH, baseUrl).toString();
  const where = `liveness module ${maskUrl(baseUrl)}`;
  return {
    method: 'binocular',
    async check(signal) {
      if (signal?.aborted) throw new CameraError('canceled', 'liveness check canceled');
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const request: LivenessRequest = { timeoutMs: detectMs };
      let body: unknown;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: combined,
        });
        if (!response.ok)
          throw new CameraError(
            'hardwareError',
            `${where}: answered HTTP ${response.status}`,
            'protocolError',
          );
        body = await response.json().catch(() => null);
      } catch (error) {
        if (error instanceof CameraError) throw error;
        if (signal?.aborted) throw new CameraError('canceled', 'liveness check canceled');
        if (timeout.aborted)
          throw new CameraError('timeout', `${where}: no answer within ${requestTimeoutMs} ms`);
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new CameraError('deviceNotReady', `${where}: not reachable (${cause})`, 'noDevice');
      }
      const parsed = parseLivenessAnswer(body);
      if (!parsed.ok) {
        logger.warn({ kind: parsed.kind, detail: parsed.detail }, 'liveness module failed');
        throw new CameraError(
          'hardwareError',
          `${where}: ${parsed.detail}`,
          parsed.kind === 'protocolError' ? 'protocolError' : null,
        );
      }
      logger.info({ result: parsed.result, score: parsed.score }, 'liveness checked');
      return parsed.result;
    },
  };
}
