import {
  deriveCardKey,
  encodeEf05,
  encodeEf06,
  externalAuthCryptogram,
  SSSE_SPEC_VERSION,
  type SsseRecord,
} from '@sik/contract/ssse';

/**
 * A simulated card-management service (社保卡管理系统, with its key HSM). In production this is a remote system the
 * bureau runs: it builds the chip records of a card and computes the cryptograms that let a kiosk's encoder write
 * the chip, so that no kiosk and no server of ours ever holds the issuer master key. Here it runs in-process
 * behind this interface (an HTTP simulator process like bank-host/ can follow). Field layouts are PROTOCOLS §3;
 * everything marked UNCONFIRMED is our guess at the real specification.
 */

export interface CardHolder {
  idNumber: string;
  name: string;
  /** GB/T 2261.1 code: 0 unknown, 1 male, 2 female, 9 unspecified. */
  sexCode: string;
  nationCode: string | null;
  birthDate: string;
}

export interface CardFacts {
  cardNumber: string;
  issuedOn: string;
  validUntil: string;
}

export interface PersonalisationData {
  /** The records to write (record number = tag), TLV-encoded by @sik/contract/ssse. */
  ef05: SsseRecord[];
  ef06: SsseRecord[];
  /** Reference to the card photo (358x441 JPEG) in the photo registry; the kiosk fetches it separately. */
  photoRef: string;
}

export interface CardManagement {
  personalisation(holder: CardHolder, card: CardFacts, personId: string): PersonalisationData;
  /** EXTERNAL AUTHENTICATE cryptogram for a chip's GET CHALLENGE answer. */
  cryptogram(chipSerial: string, challenge: Buffer): Buffer;
}

export function createCardManagementSimulator(opts: {
  masterKey: Buffer;
  issuerCode: string;
}): CardManagement {
  if (opts.masterKey.length !== 16) throw new Error('the issuer master key is 16 bytes');
  return {
    personalisation(holder, card, personId) {
      const residentId = /^[0-9]{6}/.test(holder.idNumber);
      // Card identification code: region (first 6 of the ID number) + 'D156' + 6 digits of the card number
      // (UNCONFIRMED layout).
      const region = residentId ? holder.idNumber.slice(0, 6) : '000000';
      const ef05 = encodeEf05({
        cardIdentificationCode: `${region}D156${card.cardNumber.slice(3, 9)}`,
        cardClass: '3',
        specVersion: SSSE_SPEC_VERSION,
        issuingOrganisation: opts.issuerCode,
        issueDate: card.issuedOn,
        expiryDate: card.validUntil,
        cardNumber: card.cardNumber,
      });
      const ef06 = encodeEf06({
        socialSecurityNumber: holder.idNumber.padEnd(18, ' ').slice(0, 18),
        name: holder.name,
        sex: holder.sexCode.slice(0, 1),
        nation: holder.nationCode ?? '00',
        // Birthplace: the region code of a resident ID number; zeros for other cards (UNCONFIRMED).
        birthplace: region,
        birthDate: holder.birthDate,
      });
      return { ef05, ef06, photoRef: `photo-registry:${personId}` };
    },
    cryptogram(chipSerial, challenge) {
      return externalAuthCryptogram(deriveCardKey(opts.masterKey, chipSerial), challenge);
    },
  };
}
