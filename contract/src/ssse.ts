import { createCipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * The social security card chip, SSSE application (PROTOCOLS.md section 3), as data: the AID, the two
 * personalisation files EF05 and EF06 with their tag | length | value records, BCD dates and PINs, and the SM4
 * cryptogram scheme that authorises chip writes.
 *
 * Import from `@sik/contract/ssse` (Node only: it uses node:crypto). Shared by the chip encoder (device agent),
 * its simulator (which plays the card) and the server's simulated card-management service (which plays the HSM).
 *
 * Facts from PROTOCOLS.md: the AID, the file ids, the tags, their lengths, BCD dates, "3.00", the 3-byte BCD
 * PIN. Everything else here is OUR definition and UNCONFIRMED against the real MOHRSS specification:
 * - record number = tag (EF05 records 01..07, EF06 records 08..0D), one TLV per record;
 * - text fields are right-padded with 0x00 to their fixed length and trimmed of trailing 0x00 on decode;
 * - the name is GBK (the AID itself is GBK); card class and sex are one ASCII character; nation is one BCD byte
 *   (GB 3304 code 01..97), birthplace three BCD bytes (6-digit region code);
 * - the issuing organisation code (tag 04, no fixed length) is 1..32 ASCII characters;
 * - the key derivation and cryptogram below (see deriveCardKey / externalAuthCryptogram).
 */

export class SsseError extends Error {
  override readonly name = 'SsseError';
  constructor(
    readonly code: 'invalidField' | 'invalidRecord' | 'invalidKey' | 'invalidChallenge' | 'invalidPin',
    message: string,
  ) {
    super(message);
  }
}

/** "sx1.sh." + 社会保障 in GBK. */
export const SSSE_AID_HEX = '7378312E73682EC9E7BBE1B1A3D5CF';
export const SSSE_AID: Buffer = Buffer.from(SSSE_AID_HEX, 'hex');

export type SsseFile = 'EF05' | 'EF06';
export const SSSE_FILE_IDS: Readonly<Record<SsseFile, number>> = { EF05: 0xef05, EF06: 0xef06 };

type Encoding = 'ascii' | 'gbk' | 'bcdDate' | 'bcd';

export interface SsseFieldSpec {
  readonly file: SsseFile;
  readonly tag: number;
  /** Fixed length in bytes; for variable fields the maximum. */
  readonly length: number;
  readonly variable: boolean;
  readonly encoding: Encoding;
}

/** The PROTOCOLS.md section 3 table. Record number = tag (UNCONFIRMED). */
export const EF05_FIELDS = {
  cardIdentificationCode: { file: 'EF05', tag: 0x01, length: 16, variable: false, encoding: 'ascii' },
  cardClass: { file: 'EF05', tag: 0x02, length: 1, variable: false, encoding: 'ascii' },
  specVersion: { file: 'EF05', tag: 0x03, length: 4, variable: false, encoding: 'ascii' },
  issuingOrganisation: { file: 'EF05', tag: 0x04, length: 32, variable: true, encoding: 'ascii' },
  issueDate: { file: 'EF05', tag: 0x05, length: 4, variable: false, encoding: 'bcdDate' },
  expiryDate: { file: 'EF05', tag: 0x06, length: 4, variable: false, encoding: 'bcdDate' },
  cardNumber: { file: 'EF05', tag: 0x07, length: 9, variable: false, encoding: 'ascii' },
} as const satisfies Record<string, SsseFieldSpec>;

export const EF06_FIELDS = {
  socialSecurityNumber: { file: 'EF06', tag: 0x08, length: 18, variable: false, encoding: 'ascii' },
  name: { file: 'EF06', tag: 0x09, length: 30, variable: false, encoding: 'gbk' },
  sex: { file: 'EF06', tag: 0x0a, length: 1, variable: false, encoding: 'ascii' },
  nation: { file: 'EF06', tag: 0x0b, length: 1, variable: false, encoding: 'bcd' },
  birthplace: { file: 'EF06', tag: 0x0c, length: 3, variable: false, encoding: 'bcd' },
  birthDate: { file: 'EF06', tag: 0x0d, length: 4, variable: false, encoding: 'bcdDate' },
} as const satisfies Record<string, SsseFieldSpec>;

/** Dates are ISO `YYYY-MM-DD` strings, like the rest of the contract. */
export interface Ef05Data {
  cardIdentificationCode: string;
  cardClass: string;
  specVersion: string;
  issuingOrganisation: string;
  issueDate: string;
  expiryDate: string;
  cardNumber: string;
}

export interface Ef06Data {
  socialSecurityNumber: string;
  name: string;
  sex: string;
  nation: string;
  birthplace: string;
  birthDate: string;
}

/** One record of a file: its number (= tag) and its TLV bytes, as UPDATE RECORD writes and READ RECORD returns. */
export interface SsseRecord {
  record: number;
  tlv: Buffer;
}

export const SSSE_SPEC_VERSION = '3.00';

// ---------------------------------------------------------------------------------------------------------------
// BCD

/** ISO date -> 4 bytes BCD YYYYMMDD. */
export function dateToBcd(isoDate: string): Buffer {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new SsseError('invalidField', 'date must be YYYY-MM-DD');
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31)
    throw new SsseError('invalidField', 'date out of range');
  return Buffer.from(`${m[1]}${m[2]}${m[3]}`, 'hex');
}

/** 4 bytes BCD YYYYMMDD -> ISO date. */
export function bcdToDate(bcd: Buffer): string {
  const hex = bcd.toString('hex');
  if (bcd.length !== 4 || !/^\d{8}$/.test(hex))
    throw new SsseError('invalidRecord', 'date is not 4 bytes of BCD');
  return `${hex.slice(0, 4)}-${hex.slice(4, 6)}-${hex.slice(6, 8)}`;
}

function digitsToBcd(digits: string, bytes: number): Buffer {
  if (!/^\d+$/.test(digits) || digits.length !== bytes * 2)
    throw new SsseError('invalidField', `expected ${bytes * 2} digits`);
  return Buffer.from(digits, 'hex');
}

function bcdToDigits(bcd: Buffer): string {
  const hex = bcd.toString('hex');
  if (!/^\d*$/.test(hex)) throw new SsseError('invalidRecord', 'value is not BCD');
  return hex;
}

/** The SSSE PIN as VERIFY sends it: exactly 6 digits -> 3 bytes BCD (PROTOCOLS.md: `0020000003` + 3 bytes). */
export function pinToBcd(pin: string): Buffer {
  if (!/^\d{6}$/.test(pin)) throw new SsseError('invalidPin', 'SSSE PIN must be 6 digits');
  return Buffer.from(pin, 'hex');
}

// ---------------------------------------------------------------------------------------------------------------
// GBK (node has a GBK decoder but no encoder: build the reverse table once, lazily)

let gbkTable: Map<string, number> | undefined;

function gbkEncoder(): Map<string, number> {
  if (gbkTable) return gbkTable;
  const table = new Map<string, number>();
  const decoder = new TextDecoder('gbk', { fatal: true });
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      try {
        const ch = decoder.decode(pair);
        if (ch.length === 1 && !table.has(ch)) table.set(ch, (lead << 8) | trail);
      } catch {
        // not a GBK code point
      }
    }
  }
  gbkTable = table;
  return table;
}

export function encodeGbk(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const gbk = gbkEncoder().get(ch);
    if (gbk === undefined) throw new SsseError('invalidField', 'character not representable in GBK');
    out.push(gbk >> 8, gbk & 0xff);
  }
  return Buffer.from(out);
}

export function decodeGbk(bytes: Buffer): string {
  try {
    return new TextDecoder('gbk', { fatal: true }).decode(bytes);
  } catch {
    throw new SsseError('invalidRecord', 'value is not GBK');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// TLV records

/** tag | length | value, one byte each for tag and length. */
export function encodeTlv(tag: number, value: Buffer): Buffer {
  if (tag < 0 || tag > 0xff || value.length > 0xff)
    throw new SsseError('invalidField', 'tag or value too large');
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

/** Parse one record; trailing bytes after the value are an error. */
export function decodeTlv(bytes: Buffer): { tag: number; value: Buffer } {
  if (bytes.length < 2) throw new SsseError('invalidRecord', 'record shorter than tag and length');
  const tag = bytes[0] ?? 0;
  const length = bytes[1] ?? 0;
  if (bytes.length !== 2 + length)
    throw new SsseError('invalidRecord', `record length ${bytes.length - 2} does not match ${length}`);
  return { tag, value: Buffer.from(bytes.subarray(2)) };
}

function padRight(value: Buffer, length: number): Buffer {
  if (value.length > length) throw new SsseError('invalidField', `value longer than ${length} bytes`);
  return Buffer.concat([value, Buffer.alloc(length - value.length)]);
}

function trimZeros(value: Buffer): Buffer {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end -= 1;
  return value.subarray(0, end);
}

/** Encode one field value to its record bytes (TLV), padded to its fixed length. */
export function encodeField(spec: SsseFieldSpec, text: string): Buffer {
  let value: Buffer;
  switch (spec.encoding) {
    case 'ascii':
      if (!/^[\x20-\x7e]*$/.test(text)) throw new SsseError('invalidField', 'value must be printable ASCII');
      value = Buffer.from(text, 'latin1');
      break;
    case 'gbk':
      value = encodeGbk(text);
      break;
    case 'bcdDate':
      value = dateToBcd(text);
      break;
    case 'bcd':
      value = digitsToBcd(text, spec.length);
      break;
  }
  if (spec.variable) {
    if (value.length < 1 || value.length > spec.length)
      throw new SsseError('invalidField', `value must be 1..${spec.length} bytes`);
  } else if (spec.encoding === 'ascii') {
    // fixed ASCII codes (identification code, class, version, card number, SSN, sex) fill the field exactly
    if (value.length !== spec.length)
      throw new SsseError('invalidField', `value must be exactly ${spec.length} characters`);
  } else {
    value = padRight(value, spec.length);
  }
  return encodeTlv(spec.tag, value);
}

/** Decode one field's record bytes (TLV) back to text; checks the tag and the length. */
export function decodeField(spec: SsseFieldSpec, tlv: Buffer): string {
  const { tag, value } = decodeTlv(tlv);
  if (tag !== spec.tag)
    throw new SsseError('invalidRecord', `expected tag ${spec.tag.toString(16)}, got ${tag.toString(16)}`);
  if (spec.variable ? value.length < 1 || value.length > spec.length : value.length !== spec.length)
    throw new SsseError('invalidRecord', `tag ${spec.tag.toString(16)} has a wrong length ${value.length}`);
  switch (spec.encoding) {
    case 'ascii': {
      const text = trimZeros(value).toString('latin1');
      if (!/^[\x20-\x7e]*$/.test(text)) throw new SsseError('invalidRecord', 'value is not printable ASCII');
      return text;
    }
    case 'gbk':
      return decodeGbk(trimZeros(value));
    case 'bcdDate':
      return bcdToDate(value);
    case 'bcd':
      return bcdToDigits(value);
  }
}

type FieldTable = Readonly<Record<string, SsseFieldSpec>>;

function encodeFile<T extends object>(table: FieldTable, data: T): SsseRecord[] {
  const values = data as Record<string, unknown>;
  return Object.entries(table).map(([key, spec]) => {
    const value = values[key];
    if (typeof value !== 'string') throw new SsseError('invalidField', `${key} is missing`);
    return { record: spec.tag, tlv: encodeField(spec, value) };
  });
}

function decodeFile(table: FieldTable, records: ReadonlyMap<number, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(table)) {
    const tlv = records.get(spec.tag);
    if (!tlv) throw new SsseError('invalidRecord', `record ${spec.tag} is missing`);
    out[key] = decodeField(spec, tlv);
  }
  return out;
}

export function encodeEf05(data: Ef05Data): SsseRecord[] {
  return encodeFile(EF05_FIELDS, data);
}

export function encodeEf06(data: Ef06Data): SsseRecord[] {
  return encodeFile(EF06_FIELDS, data);
}

/** records: record number -> the TLV bytes READ RECORD returned. */
export function decodeEf05(records: ReadonlyMap<number, Buffer>): Ef05Data {
  return decodeFile(EF05_FIELDS, records) as unknown as Ef05Data;
}

export function decodeEf06(records: ReadonlyMap<number, Buffer>): Ef06Data {
  return decodeFile(EF06_FIELDS, records) as unknown as Ef06Data;
}

/** Record numbers of a file, in order (= its tags). */
export function recordNumbers(file: SsseFile): number[] {
  const table: FieldTable = file === 'EF05' ? EF05_FIELDS : EF06_FIELDS;
  return Object.values(table).map((spec) => spec.tag);
}

// ---------------------------------------------------------------------------------------------------------------
// SM4 cryptogram scheme for chip writes. OUR scheme, UNCONFIRMED against the real MOHRSS key hierarchy.
//
//   card key     = SM4-ECB(master key, D)  with  D = first 16 bytes of SM3("SIK-SSSE-CARD-KEY" || serial ASCII)
//   challenge    = 8 random bytes from GET CHALLENGE (0084000008)
//   cryptogram   = SM4-ECB(card key, challenge || 80 00 00 00 00 00 00 00)   (16 bytes, ISO 9797-1 pad 2)
//   EXTERNAL AUTHENTICATE 0082 00 01 10 <cryptogram>; success opens writes (UPDATE RECORD, set PIN) until the
//   application is reselected or the card is removed. The card key never leaves the HSM / the card.

export const SSSE_CHALLENGE_LENGTH = 8;
export const SSSE_CRYPTOGRAM_LENGTH = 16;
const DERIVATION_LABEL = 'SIK-SSSE-CARD-KEY';

export function sm4EcbEncrypt(key: Buffer, data: Buffer): Buffer {
  if (key.length !== 16) throw new SsseError('invalidKey', 'SM4 key must be 16 bytes');
  if (data.length % 16 !== 0) throw new SsseError('invalidField', 'SM4 data must be whole 16-byte blocks');
  const cipher = createCipheriv('sm4-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** The per-card key, derived from the issuer master key and the chip serial (any 1..64 printable ASCII chars). */
export function deriveCardKey(masterKey: Buffer, cardSerial: string): Buffer {
  if (masterKey.length !== 16) throw new SsseError('invalidKey', 'master key must be 16 bytes');
  if (!/^[\x21-\x7e]{1,64}$/.test(cardSerial))
    throw new SsseError('invalidField', 'card serial must be 1..64 printable ASCII characters');
  const diversifier = createHash('sm3')
    .update(DERIVATION_LABEL, 'latin1')
    .update(cardSerial, 'latin1')
    .digest()
    .subarray(0, 16);
  return sm4EcbEncrypt(masterKey, diversifier);
}

/** What the HSM returns for a challenge: the 16-byte EXTERNAL AUTHENTICATE data. */
export function externalAuthCryptogram(cardKey: Buffer, challenge: Buffer): Buffer {
  if (challenge.length !== SSSE_CHALLENGE_LENGTH)
    throw new SsseError('invalidChallenge', `challenge must be ${SSSE_CHALLENGE_LENGTH} bytes`);
  const block = Buffer.alloc(16);
  challenge.copy(block, 0);
  block[SSSE_CHALLENGE_LENGTH] = 0x80;
  return sm4EcbEncrypt(cardKey, block);
}

/** What the card does with EXTERNAL AUTHENTICATE data: constant-time comparison with its own cryptogram. */
export function verifyExternalAuth(cardKey: Buffer, challenge: Buffer, cryptogram: Buffer): boolean {
  if (cryptogram.length !== SSSE_CRYPTOGRAM_LENGTH) return false;
  return timingSafeEqual(externalAuthCryptogram(cardKey, challenge), cryptogram);
}
