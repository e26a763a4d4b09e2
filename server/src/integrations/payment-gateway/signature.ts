import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The gateway signs each notification with HMAC-SHA256 under the secret it shares with the merchant (us), over
 * `timestamp + "\n" + raw body`; the timestamp (epoch ms) is in its own header, and a notification older than
 * the allowed skew is refused so an old one cannot be replayed forever.
 */
export function signNotification(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}\n`).update(rawBody).digest('hex');
}

export function verifyNotification(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string | Buffer,
  now: number,
  maxSkewMs: number,
): 'ok' | 'missing' | 'skew' | 'invalid' {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return 'missing';
  const at = Number(timestamp);
  if (!Number.isFinite(at) || Math.abs(now - at) > maxSkewMs) return 'skew';
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'invalid';
  const expected = Buffer.from(signNotification(secret, timestamp, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? 'ok' : 'invalid';
}
