import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * The PIN block a kiosk PIN pad (EPP) builds inside the device and the bank host decrypts (PROTOCOLS.md
 * section 7): ISO 9564 format 0 (PIN field XOR account field, 8 bytes) encrypted with SM4-ECB under the PIN
 * encryption key the two share. SM4 works on 16-byte blocks: the 8-byte format-0 block is followed by eight 0xFF
 * bytes before encryption. UNCONFIRMED: the widening used by real Chinese EPPs and bank hosts varies by vendor;
 * keep it here, in one place.
 *
 * Import from `@sik/contract/pin-block` (Node only: it uses node:crypto, so the UI bundle never sees it).
 * Shared by the PIN pad simulator (which plays the EPP) and the bank host simulator (which plays the bank); the
 * agent itself never sees a clear PIN.
 */

export class PinBlockError extends Error {
  override readonly name = 'PinBlockError';
  constructor(
    readonly code: 'invalidPin' | 'invalidAccount' | 'invalidKey' | 'invalidBlock',
    message: string,
  ) {
    super(message);
  }
}

const KEY_HEX = /^[0-9a-fA-F]{32}$/;

function keyOf(keyHex: string): Buffer {
  if (!KEY_HEX.test(keyHex)) throw new PinBlockError('invalidKey', 'PIN key must be 16 bytes of hex');
  return Buffer.from(keyHex, 'hex');
}

/** The 12 rightmost digits of the account number, check digit excluded, as the format-0 account field. */
function accountField(accountNumber: string): Buffer {
  if (!/^[0-9]{13,19}$/.test(accountNumber))
    throw new PinBlockError('invalidAccount', 'account number must be 13 to 19 digits');
  const digits = accountNumber.slice(-13, -1);
  return Buffer.from(`0000${digits}`, 'hex');
}

function pinField(pin: string): Buffer {
  if (!/^[0-9]{4,12}$/.test(pin)) throw new PinBlockError('invalidPin', 'PIN must be 4 to 12 digits');
  return Buffer.from(`0${pin.length.toString(16)}${pin}`.padEnd(16, 'F'), 'hex');
}

function sm4(keyHex: string, data: Buffer, encrypt: boolean): Buffer {
  const key = keyOf(keyHex);
  const cipher = encrypt ? createCipheriv('sm4-ecb', key, null) : createDecipheriv('sm4-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** What the EPP does when the citizen presses enter: the encrypted block, 32 hex digits. */
export function encryptPinBlock(keyHex: string, pin: string, accountNumber: string): string {
  const pinPart = pinField(pin);
  const accountPart = accountField(accountNumber);
  const block = Buffer.alloc(16, 0xff);
  for (let i = 0; i < 8; i += 1) block[i] = (pinPart[i] ?? 0) ^ (accountPart[i] ?? 0);
  const encrypted = sm4(keyHex, block, true).toString('hex');
  pinPart.fill(0);
  block.fill(0);
  return encrypted;
}

/** What the bank host does: the clear PIN, or PinBlockError when the block is not a well-formed format 0. */
export function decryptPinBlock(keyHex: string, pinBlockHex: string, accountNumber: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(pinBlockHex))
    throw new PinBlockError('invalidBlock', 'PIN block must be 16 bytes of hex');
  const block = sm4(keyHex, Buffer.from(pinBlockHex, 'hex'), false);
  const accountPart = accountField(accountNumber);
  for (let i = 0; i < 8; i += 1) block[i] = (block[i] ?? 0) ^ (accountPart[i] ?? 0);
  const hex = block.subarray(0, 8).toString('hex').toUpperCase();
  block.fill(0);
  const length = Number.parseInt(hex.slice(1, 2), 16);
  const pin = hex.slice(2, 2 + length);
  if (
    hex[0] !== '0' ||
    length < 4 ||
    length > 12 ||
    !/^[0-9]+$/.test(pin) ||
    !/^F*$/.test(hex.slice(2 + length))
  )
    throw new PinBlockError(
      'invalidBlock',
      'PIN block does not decrypt to a format-0 PIN (wrong key or account)',
    );
  return pin;
}
