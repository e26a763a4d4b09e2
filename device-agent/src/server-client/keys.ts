import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The kiosk's Ed25519 identity. The private key lives only in the agent's data folder (mode 0600) and never
 * reaches a web page; the public key is registered with the server when the kiosk is provisioned.
 */
export interface KioskKeys {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** True when this call generated the pair (a new kiosk that still needs provisioning). */
  created: boolean;
}

export async function loadOrCreateKioskKeys(dataDir: string): Promise<KioskKeys> {
  const file = join(dataDir, 'kiosk-ed25519.pem');
  try {
    const privateKey = createPrivateKey(await readFile(file, 'utf8'));
    return { privateKey, publicKeyPem: publicPem(privateKey), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  // 'wx' so two agents started at once on one folder cannot overwrite each other's key.
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return { privateKey, publicKeyPem: publicPem(privateKey), created: true };
}

const publicPem = (privateKey: KeyObject): string =>
  createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
