import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PIN_BLOCK_PLAIN,
  REPLIES,
  TEST_ACCOUNT,
  TEST_MASTER_KEY,
  TEST_PIN_KEY,
  TEST_WORKING_KEY,
} from './fixtures.ts';
import { toHex } from './frame.ts';
import {
  decryptPinBlock,
  encryptPinBlock,
  keyCheckValue,
  PinBlockError,
  unwrapWorkingKey,
  wrapWorkingKey,
} from './pin-block.ts';

const BLOCK_HEX = REPLIES.pinBlock.slice(8, 40);

describe('SM4 PIN block', () => {
  it("Node's sm4-ecb gives the standard's vector (GB/T 32907 example 1)", () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const cipher = createCipheriv('sm4-ecb', key, null);
    cipher.setAutoPadding(false);
    const out = Buffer.concat([cipher.update(key), cipher.final()]);
    expect(out.toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('the pad builds the fixture block: format 0, widened, SM4-ECB', () => {
    expect(encryptPinBlock(TEST_PIN_KEY, '123456', TEST_ACCOUNT).toUpperCase()).toBe(BLOCK_HEX);
    // Decrypted by hand, field by field (not through the helper under test).
    const decipher = createDecipheriv('sm4-ecb', Buffer.from(TEST_PIN_KEY, 'hex'), null);
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(Buffer.from(BLOCK_HEX, 'hex')), decipher.final()]);
    expect(toHex(plain)).toBe(PIN_BLOCK_PLAIN);
  });

  it('decryptPinBlock gives the bank side the clear PIN', () => {
    expect(decryptPinBlock(TEST_PIN_KEY, BLOCK_HEX, TEST_ACCOUNT)).toBe('123456');
    expect(() => decryptPinBlock('ffeeddccbbaa99887766554433221100', BLOCK_HEX, TEST_ACCOUNT)).toThrow(
      PinBlockError,
    );
  });

  it('wraps a working key under the master key with a check value', () => {
    const wrapped = wrapWorkingKey(TEST_MASTER_KEY, TEST_WORKING_KEY);
    expect(toHex(wrapped)).toBe('56386283304B56AB92105180C4A470AB');
    expect(unwrapWorkingKey(TEST_MASTER_KEY, wrapped)).toBe(TEST_WORKING_KEY);
    expect(toHex(keyCheckValue(TEST_WORKING_KEY))).toBe('40013356');
    expect(() => keyCheckValue('00')).toThrow(PinBlockError);
  });
});
