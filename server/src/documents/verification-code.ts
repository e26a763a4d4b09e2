import { randomInt } from 'node:crypto';
import { VERIFICATION_CODE_ALPHABET } from '@sik/contract';

const LENGTH = 16;

/** A new random verification code: 16 characters of 31, about 79 bits, so codes cannot be guessed. */
export function newVerificationCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++)
    code += VERIFICATION_CODE_ALPHABET[randomInt(VERIFICATION_CODE_ALPHABET.length)];
  return code;
}

/** ABCD-EFGH-JKMN-PQRS: how the code is printed and shown. */
export function groupVerificationCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * The code as stored, from what a person typed or a link carried: groups, spaces and case do not matter.
 * null when it cannot be a code.
 */
export function normalizeVerificationCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  return /^[2-9A-HJKMNP-Z]{16}$/.test(code) ? code : null;
}
