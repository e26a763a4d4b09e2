import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';
import { canonicalJson, canonicalRequest, SignatureHeaders } from '@sik/contract';

/** Headers that sign one request with the kiosk key (the rules are the contract's canonicalRequest). */
export function signedHeaders(opts: {
  kioskId: string;
  privateKey: KeyObject;
  method: string;
  path: string;
  body: string;
  now?: number;
}): Record<string, string> {
  const timestamp = String(opts.now ?? Date.now());
  const nonce = randomBytes(16).toString('base64url');
  const bodySha256Hex = createHash('sha256').update(opts.body, 'utf8').digest('hex');
  const message = canonicalRequest({ method: opts.method, path: opts.path, timestamp, nonce, bodySha256Hex });
  const signature = sign(null, Buffer.from(message, 'utf8'), opts.privateKey).toString('base64');
  return {
    [SignatureHeaders.kioskId]: opts.kioskId,
    [SignatureHeaders.timestamp]: timestamp,
    [SignatureHeaders.nonce]: nonce,
    [SignatureHeaders.signature]: signature,
  };
}

/**
 * The kiosk's Ed25519 signature (base64) over the canonical JSON of a fact it vouches for (a face check's
 * outcome): the server checks it again from the stored copy, whatever order jsonb keeps the keys in.
 */
export function signCanonicalJson(value: unknown, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(value), 'utf8'), privateKey).toString('base64');
}
