import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptPinBlock, encryptPinBlock, PinBlockError } from './pin-block.ts';

const KEY = '0123456789abcdeffedcba9876543210';
const ACCOUNT = '6222021234567890128';

describe('SM4 PIN block (ISO 9564 format 0, widened to 16 bytes)', () => {
  it("uses Node's SM4, checked against the standard's vector", () => {
    const cipher = createCipheriv('sm4-ecb', Buffer.from(KEY, 'hex'), null);
    cipher.setAutoPadding(false);
    const out = Buffer.concat([cipher.update(Buffer.from(KEY, 'hex')), cipher.final()]);
    expect(out.toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('round-trips a PIN and never shows it in the block', () => {
    const block = encryptPinBlock(KEY, '123456', ACCOUNT);
    expect(block).toMatch(/^[0-9a-f]{32}$/);
    expect(block).not.toContain('123456');
    expect(decryptPinBlock(KEY, block, ACCOUNT)).toBe('123456');
  });

  it('binds the block to the account: another account does not decrypt to the PIN', () => {
    const block = encryptPinBlock(KEY, '123456', ACCOUNT);
    let result: string | PinBlockError;
    try {
      result = decryptPinBlock(KEY, block, '6222029999999999995');
    } catch (error) {
      result = error as PinBlockError;
    }
    expect(result).not.toBe('123456');
  });

  it('refuses a wrong key, a malformed block, a short PIN', () => {
    const block = encryptPinBlock(KEY, '123456', ACCOUNT);
    expect(() => decryptPinBlock('ffeeddccbbaa99887766554433221100', block, ACCOUNT)).toThrow(PinBlockError);
    expect(() => decryptPinBlock(KEY, 'zz', ACCOUNT)).toThrow(/16 bytes/);
    expect(() => encryptPinBlock(KEY, '12', ACCOUNT)).toThrow(/4 to 12 digits/);
    expect(() => encryptPinBlock(KEY, '123456', '12')).toThrow(/13 to 19 digits/);
  });
});
