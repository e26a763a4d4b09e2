import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { canonicalRequest, type ServiceId, SignatureHeaders } from '@sik/contract';
import type { Db } from '../db/db.ts';
import { AuthError } from '../errors.ts';
import { findKiosk } from '../repositories/kiosks.ts';
import { rememberNonce } from '../repositories/nonces.ts';

export interface AuthenticatedKiosk {
  kioskId: string;
  bankId: string;
  bankName: string;
  branchName: string;
  services: ServiceId[];
}

export interface SignedRequest {
  method: string;
  /** Path with query string, exactly as sent (express: req.originalUrl). */
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body bytes as received; undefined when there was none. */
  rawBody: Buffer | undefined;
}

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^\d{1,16}$/;
const KIOSK_ID = /^[A-Za-z0-9-]{1,64}$/;
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const KEY_CACHE_LIMIT = 1024;

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks a kiosk-signed request (ARCHITECTURE.md, Trust) and says which kiosk sent it. Order matters: the cheap
 * checks that need no database come first, the signature is verified before the kiosk's state is revealed, and
 * the nonce is recorded last so that requests with bad signatures cannot use up a kiosk's nonces.
 */
export function createKioskAuthenticator(deps: { db: Db; maxSkewSec: number; now?: () => number }) {
  const now = deps.now ?? Date.now;
  // Parsing a PEM costs far more than verifying one signature; keys change only at provisioning, and a new key
  // is a new PEM, so the PEM text is the cache key.
  const keys = new Map<string, KeyObject>();
  const publicKey = (pem: string): KeyObject => {
    let key = keys.get(pem);
    if (!key) {
      key = createPublicKey(pem);
      if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value ?? '');
      keys.set(pem, key);
    }
    return key;
  };

  return async function authenticate(request: SignedRequest): Promise<AuthenticatedKiosk> {
    const kioskId = header(request.headers, SignatureHeaders.kioskId);
    const timestamp = header(request.headers, SignatureHeaders.timestamp);
    const nonce = header(request.headers, SignatureHeaders.nonce);
    const signature = header(request.headers, SignatureHeaders.signature);
    if (!kioskId || !timestamp || !nonce || !signature) {
      const missing = Object.values(SignatureHeaders).filter((h) => !header(request.headers, h));
      throw new AuthError('SIGNATURE_MISSING', `missing header ${missing.join(', ')}`);
    }
    if (!TIMESTAMP.test(timestamp)) {
      throw new AuthError('SIGNATURE_INVALID', `${SignatureHeaders.timestamp} must be epoch milliseconds`);
    }
    if (!NONCE.test(nonce)) {
      throw new AuthError(
        'SIGNATURE_INVALID',
        `${SignatureHeaders.nonce} must be 16-64 characters of A-Z a-z 0-9 _ -`,
      );
    }
    const skewMs = Math.abs(now() - Number(timestamp));
    if (skewMs > deps.maxSkewSec * 1000) {
      throw new AuthError(
        'TIMESTAMP_SKEW',
        `request time is ${Math.round(skewMs / 1000)} s away from the server's`,
      );
    }

    const kiosk = KIOSK_ID.test(kioskId) ? await findKiosk(deps.db, kioskId) : null;
    if (!kiosk?.publicKeyPem) throw new AuthError('KIOSK_UNKNOWN', 'unknown kiosk or no key registered');

    const bodySha256Hex = request.rawBody
      ? createHash('sha256').update(request.rawBody).digest('hex')
      : EMPTY_SHA256;
    const message = canonicalRequest({
      method: request.method,
      path: request.path,
      timestamp,
      nonce,
      bodySha256Hex,
    });
    const signatureBytes = Buffer.from(signature, 'base64');
    let valid = false;
    try {
      valid =
        signatureBytes.length === 64 &&
        verify(null, Buffer.from(message, 'utf8'), publicKey(kiosk.publicKeyPem), signatureBytes);
    } catch {
      valid = false;
    }
    if (!valid) throw new AuthError('SIGNATURE_INVALID', 'signature does not match the request');
    if (!kiosk.enabled) throw new AuthError('KIOSK_DISABLED', 'kiosk is disabled');
    if (!(await rememberNonce(deps.db, kiosk.kioskId, nonce))) {
      throw new AuthError('NONCE_REPLAYED', 'nonce already used by this kiosk');
    }
    return {
      kioskId: kiosk.kioskId,
      bankId: kiosk.bankId,
      bankName: kiosk.bankName,
      branchName: kiosk.branchName,
      services: kiosk.services,
    };
  };
}
export type KioskAuthenticator = ReturnType<typeof createKioskAuthenticator>;
