/**
 * Citizen ID number (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence, check character.
 * Pure functions shared by the server's validation, the seed generator, the agent and the UI's masking.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;

/** The check character for the first 17 digits: (12 - sum mod 11) mod 11, 10 written X. */
export function idCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckCharacter needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

export type IdNumberProblem = 'format' | 'birthDate' | 'checkCharacter';

/** Why an ID number is not valid, or null when it is. */
export function idNumberProblem(idNumber: string): IdNumberProblem | null {
  if (!/^\d{17}[\dX]$/.test(idNumber)) return 'format';
  const y = Number(idNumber.slice(6, 10));
  const m = Number(idNumber.slice(10, 12));
  const d = Number(idNumber.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1850 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return 'birthDate';
  }
  if (idCheckCharacter(idNumber.slice(0, 17)) !== idNumber[17]) return 'checkCharacter';
  return null;
}

export const isValidIdNumber = (idNumber: string): boolean => idNumberProblem(idNumber) === null;

/** Birth date as YYYY-MM-DD from a valid ID number. */
export const birthDateFromIdNumber = (idNumber: string): string =>
  `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;

/** Odd sequence = male. */
export const sexFromIdNumber = (idNumber: string): 'male' | 'female' =>
  Number(idNumber[16]) % 2 === 1 ? 'male' : 'female';

/** Masked for a bystander: first 4 and last 4 characters kept (DOMAIN.md). */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}`;
}

/** Masked name: the first character (the surname for most Chinese names) kept, the rest starred. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  // Latin names (foreign permanent residents): keep the first letter of each word.
  if (/^[\x20-\x7e]+$/.test(name)) {
    return name
      .trim()
      .split(/\s+/)
      .map((w) => `${w[0]}${'*'.repeat(Math.max(0, w.length - 1))}`)
      .join(' ');
  }
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
