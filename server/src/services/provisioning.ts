import { createHash, createPublicKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/db.ts';
import { AuthError, InvalidInputError, NotFoundError } from '../errors.ts';
import { appendAuditInTransaction } from '../repositories/audit.ts';
import { setKioskPublicKey } from '../repositories/kiosks.ts';

/** Compares digests so that neither the token's content nor its length leaks through timing. */
export function provisioningTokenMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

function parseEd25519(publicKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicKeyPem, format: 'pem' });
  } catch {
    throw new InvalidInputError('publicKeyPem: not a readable SPKI PEM public key', 'publicKeyPem');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidInputError(
      `publicKeyPem: expected an Ed25519 key, got ${key.asymmetricKeyType}`,
      'publicKeyPem',
    );
  }
  return key;
}

/**
 * Registers a kiosk's public key (or replaces it, e.g. after the kiosk's disk was swapped). The installer's token
 * has been checked by the caller; the key is stored normalised and the change audited in the same transaction.
 */
export async function registerKioskKey(
  db: Db,
  kioskId: string,
  publicKeyPem: string,
): Promise<{ kioskId: string; registeredAt: string }> {
  const key = parseEd25519(publicKeyPem);
  const normalised = key.export({ type: 'spki', format: 'pem' }).toString();
  const fingerprint = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
  return db.transaction(async (tx) => {
    const updated = await setKioskPublicKey(tx, kioskId, normalised);
    if (!updated) throw new NotFoundError('KIOSK_UNKNOWN', `no kiosk ${kioskId}`);
    await appendAuditInTransaction(tx, {
      actor: 'installer',
      kioskId,
      action: 'kiosk.provision',
      result: 'ok',
      details: { keySha256: fingerprint },
    });
    return { kioskId, registeredAt: updated.registeredAt.toISOString() };
  });
}

export function assertProvisioningToken(authorization: string | undefined, token: string): void {
  if (!provisioningTokenMatches(authorization, token)) {
    throw new AuthError('PROVISIONING_DENIED', 'a valid provisioning token is required');
  }
}
