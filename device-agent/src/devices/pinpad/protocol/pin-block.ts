import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decryptPinBlock, encryptPinBlock, PinBlockError } from '@sik/contract/pin-block';

/**
 * The PIN block the pad builds inside itself: ISO 9564 format 0 (PIN field XOR account field), widened to SM4's
 * 16-byte block and encrypted with SM4-ECB under the PIN working key. The one implementation lives in
 * `@sik/contract/pin-block` (shared with the bank host simulator, which decrypts); it is re-exported here so
 * the pad's protocol reads as one piece. UNCONFIRMED there: the widening (eight 0xFF bytes after the
 * format-0 block); real Chinese EPPs and bank hosts differ by vendor.
 *
 *   decryptPinBlock(keyHex, pinBlockHex, accountNumber) -> clear PIN (throws PinBlockError)
 *   encryptPinBlock(keyHex, pin, accountNumber) -> 32 hex digits (what the simulated pad does at enter)
 */
export { decryptPinBlock, encryptPinBlock, PinBlockError };

const KEY_HEX = /^[0-9a-fA-F]{32}$/;

function sm4Ecb(keyHex: string, data: Uint8Array, encrypt: boolean): Uint8Array {
  if (!KEY_HEX.test(keyHex)) throw new PinBlockError('invalidKey', 'key must be 16 bytes of hex');
  const key = Buffer.from(keyHex, 'hex');
  const cipher = encrypt ? createCipheriv('sm4-ecb', key, null) : createDecipheriv('sm4-ecb', key, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

/**
 * A key's check value: the first 4 bytes of SM4(key, 16 zero bytes), the usual way to prove a key arrived
 * intact without showing it. UNCONFIRMED: some pads use 3 bytes or 8.
 */
export function keyCheckValue(keyHex: string): Uint8Array {
  return sm4Ecb(keyHex, new Uint8Array(16), true).slice(0, 4);
}

/** A working key encrypted under the pad's master key, as a key-management host sends it to the pad. */
export function wrapWorkingKey(masterKeyHex: string, workingKeyHex: string): Uint8Array {
  if (!KEY_HEX.test(workingKeyHex))
    throw new PinBlockError('invalidKey', 'working key must be 16 bytes of hex');
  return sm4Ecb(masterKeyHex, Buffer.from(workingKeyHex, 'hex'), true);
}

/** What the pad does with a received working key: decrypt it under its master key. */
export function unwrapWorkingKey(masterKeyHex: string, encryptedKey: Uint8Array): string {
  return Buffer.from(sm4Ecb(masterKeyHex, encryptedKey, false)).toString('hex');
}
