import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';
import { canonicalRequest, SignatureHeaders } from '@sik/contract';

export interface SignRequestOptions {
  kioskId: string;
  privateKey: KeyObject;
  method: string;
  /** Path with query string, exactly as it will be sent. */
  path: string;
  /** The exact body bytes that will be sent; omit for none. */
  body?: string | Uint8Array;
  /** Epoch ms; defaults to now. */
  timestamp?: number;
  /** Defaults to 16 random bytes, base64url (22 characters). */
  nonce?: string;
}

/** The four signature headers for one request (tests and the benchmark; the agent has its own client). */
export function signRequest(opts: SignRequestOptions): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Date.now());
  const nonce = opts.nonce ?? randomBytes(16).toString('base64url');
  const bodySha256Hex = createHash('sha256')
    .update(opts.body ?? '')
    .digest('hex');
  const message = canonicalRequest({ method: opts.method, path: opts.path, timestamp, nonce, bodySha256Hex });
  return {
    [SignatureHeaders.kioskId]: opts.kioskId,
    [SignatureHeaders.timestamp]: timestamp,
    [SignatureHeaders.nonce]: nonce,
    [SignatureHeaders.signature]: sign(null, Buffer.from(message, 'utf8'), opts.privateKey).toString(
      'base64',
    ),
  };
}
