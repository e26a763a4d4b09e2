import { deriveCardKey, type Ef06Data, encodeEf06, externalAuthCryptogram } from '@sik/contract/ssse';
import type { ChipEncoder } from '../chip-encoder/chip-encoder.ts';

/** Test helpers for the card unit; not used at run time. */

/** Synthetic data: not a real person. */
export const TEST_EF06: Ef06Data = {
  socialSecurityNumber: '11010519491231002X',
  name: '李四',
  sex: '2',
  nation: '01',
  birthplace: '110105',
  birthDate: '1949-12-31',
};

/** Opens the card at the contact station, authenticates as the card-management service would, writes EF06. */
export async function writeEf06(
  encoder: ChipEncoder,
  masterKeyHex: string,
  data: Ef06Data = TEST_EF06,
): Promise<string> {
  const opened = await encoder.openCard();
  if (opened.completion !== 'success') throw new Error(`open: ${opened.detail}`);
  const challenge = await encoder.getChallenge();
  if (challenge.completion !== 'success') throw new Error(`challenge: ${challenge.detail}`);
  const key = deriveCardKey(Buffer.from(masterKeyHex, 'hex'), opened.serial);
  const auth = await encoder.externalAuthenticate(externalAuthCryptogram(key, challenge.challenge));
  if (auth.completion !== 'success') throw new Error(`auth: ${auth.detail}`);
  const written = await encoder.writeFile('EF06', encodeEf06(data));
  if (written.completion !== 'success') throw new Error(`write: ${written.detail}`);
  return opened.serial;
}
