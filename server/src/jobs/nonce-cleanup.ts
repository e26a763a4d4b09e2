import type { Db } from '../db/db.ts';
import type { Logger } from '../log.ts';
import { forgetOldNonces } from '../repositories/nonces.ts';

/**
 * A replayed request is refused for its timestamp once it is more than maxSkew from the server's clock, and a
 * nonce is first seen at most maxSkew from its timestamp; so after 2 x maxSkew (plus a minute for clock
 * differences between servers) a nonce can go. Several servers may run this at once: DELETE is idempotent.
 */
export function startNonceCleanup(db: Db, maxSkewSec: number, log: Logger): { stop(): void } {
  const keepSec = 2 * maxSkewSec + 60;
  const everyMs = Math.min(maxSkewSec, 300) * 1000;
  const timer = setInterval(() => {
    forgetOldNonces(db, keepSec).then(
      (n) => {
        if (n > 0) log.debug({ removed: n }, 'old nonces removed');
      },
      (error: Error) => log.warn({ reason: error.message }, 'nonce cleanup failed'),
    );
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
