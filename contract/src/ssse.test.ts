import { describe, expect, it } from 'vitest';
import {
  bcdToDate,
  dateToBcd,
  decodeEf05,
  decodeEf06,
  decodeField,
  decodeTlv,
  deriveCardKey,
  EF05_FIELDS,
  EF06_FIELDS,
  type Ef05Data,
  type Ef06Data,
  encodeEf05,
  encodeEf06,
  encodeField,
  encodeGbk,
  encodeTlv,
  externalAuthCryptogram,
  pinToBcd,
  recordNumbers,
  SSSE_AID,
  SsseError,
  sm4EcbEncrypt,
  verifyExternalAuth,
} from './ssse.ts';

/** Synthetic data: not a real person. */
const EF05: Ef05Data = {
  cardIdentificationCode: '110000D15600000A',
  cardClass: '3',
  specVersion: '3.00',
  issuingOrganisation: '110000',
  issueDate: '2026-11-24',
  expiryDate: '2036-11-24',
  cardNumber: 'A12345678',
};
const EF06: Ef06Data = {
  socialSecurityNumber: '11010519491231002X',
  name: '张三',
  sex: '1',
  nation: '01',
  birthplace: '110105',
  birthDate: '1949-12-31',
};
const MASTER = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

describe('SSSE data', () => {
  it('AID is "sx1.sh." + 社会保障 in GBK', () => {
    expect(SSSE_AID.subarray(0, 7).toString('latin1')).toBe('sx1.sh.');
    expect(new TextDecoder('gbk').decode(SSSE_AID.subarray(7))).toBe('社会保障');
    expect(encodeGbk('社会保障')).toEqual(SSSE_AID.subarray(7));
  });

  it('BCD dates and PINs', () => {
    expect(dateToBcd('2026-11-24').toString('hex')).toBe('20261124');
    expect(bcdToDate(Buffer.from('19491231', 'hex'))).toBe('1949-12-31');
    expect(() => dateToBcd('2026-13-01')).toThrow(SsseError);
    expect(() => bcdToDate(Buffer.from('2026AB24', 'hex'))).toThrow(SsseError);
    expect(pinToBcd('123456').toString('hex')).toBe('123456');
    expect(() => pinToBcd('12345')).toThrow(SsseError);
    expect(() => pinToBcd('12345a')).toThrow(SsseError);
  });

  it('TLV records byte for byte', () => {
    expect(encodeTlv(0x07, Buffer.from('A12345678')).toString('hex').toUpperCase()).toBe(
      '0709413132333435363738',
    );
    expect(encodeField(EF05_FIELDS.issueDate, '2026-11-24').toString('hex')).toBe('050420261124');
    expect(encodeField(EF06_FIELDS.nation, '01').toString('hex')).toBe('0b0101');
    expect(encodeField(EF06_FIELDS.birthplace, '110105').toString('hex')).toBe('0c03110105');
    // name: GBK, zero-padded to 30 bytes
    const name = encodeField(EF06_FIELDS.name, '张三');
    expect(name.length).toBe(32);
    expect(name.subarray(0, 6).toString('hex')).toBe('091ed5c5c8fd');
    expect(name.subarray(6).every((b) => b === 0)).toBe(true);
    expect(decodeField(EF06_FIELDS.name, name)).toBe('张三');
    expect(decodeTlv(Buffer.from('0303414243', 'hex'))).toMatchObject({ tag: 3 });
    expect(() => decodeTlv(Buffer.from('03034142', 'hex'))).toThrow(SsseError);
  });

  it('EF05 and EF06 encode to one record per tag and decode back', () => {
    const ef05 = encodeEf05(EF05);
    expect(ef05.map((r) => r.record)).toEqual(recordNumbers('EF05'));
    expect(ef05.map((r) => r.record)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ef05[2]?.tlv.toString('hex')).toBe('0304332e3030');
    const ef06 = encodeEf06(EF06);
    expect(ef06.map((r) => r.record)).toEqual([8, 9, 10, 11, 12, 13]);
    expect(decodeEf05(new Map(ef05.map((r) => [r.record, r.tlv])))).toEqual(EF05);
    expect(decodeEf06(new Map(ef06.map((r) => [r.record, r.tlv])))).toEqual(EF06);
  });

  it('refuses values that do not fit the table', () => {
    expect(() => encodeEf05({ ...EF05, cardNumber: 'A1234567' })).toThrow(/exactly 9/);
    expect(() => encodeEf06({ ...EF06, socialSecurityNumber: '1101051949' })).toThrow(SsseError);
    expect(() => encodeEf06({ ...EF06, name: '张'.repeat(16) })).toThrow(/longer than 30/);
    expect(() => encodeEf05({ ...EF05, issuingOrganisation: '' })).toThrow(SsseError);
    const { cardNumber: _, ...missing } = EF05;
    expect(() => encodeEf05(missing as Ef05Data)).toThrow(/cardNumber is missing/);
    const records = new Map(encodeEf05(EF05).map((r) => [r.record, r.tlv]));
    records.delete(7);
    expect(() => decodeEf05(records)).toThrow(/record 7 is missing/);
    records.set(7, Buffer.from('0609413132333435363738', 'hex'));
    expect(() => decodeEf05(records)).toThrow(/expected tag 7/);
  });
});

describe('SSSE SM4 cryptogram scheme', () => {
  it('node sm4-ecb matches the GB/T 32907 standard vector (PROTOCOLS.md section 7)', () => {
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    expect(sm4EcbEncrypt(k, k).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('card keys: fixed regression vector, differ by serial and by master key', () => {
    const key = deriveCardKey(MASTER, 'SN00000001');
    // Regression vector of OUR scheme (computed once; pins the derivation the server and the card share).
    expect(key.toString('hex')).toBe('befcb5db092d5ff4f16b1ccfb929fbac');
    expect(deriveCardKey(MASTER, 'SN00000001')).toEqual(key);
    expect(deriveCardKey(MASTER, 'SN00000002')).not.toEqual(key);
    expect(deriveCardKey(Buffer.alloc(16, 0x11), 'SN00000001')).not.toEqual(key);
    expect(() => deriveCardKey(Buffer.alloc(15), 'SN1')).toThrow(SsseError);
    expect(() => deriveCardKey(MASTER, '')).toThrow(SsseError);
  });

  it('cryptogram = SM4(card key, challenge || 80 00..00), accepted only for the right key and challenge', () => {
    const key = deriveCardKey(MASTER, 'SN00000001');
    const challenge = Buffer.from('0102030405060708', 'hex');
    const cryptogram = externalAuthCryptogram(key, challenge);
    expect(cryptogram).toEqual(sm4EcbEncrypt(key, Buffer.from('01020304050607088000000000000000', 'hex')));
    expect(cryptogram.length).toBe(16);
    expect(verifyExternalAuth(key, challenge, cryptogram)).toBe(true);
    expect(verifyExternalAuth(key, Buffer.from('0102030405060709', 'hex'), cryptogram)).toBe(false);
    expect(verifyExternalAuth(deriveCardKey(MASTER, 'SN00000002'), challenge, cryptogram)).toBe(false);
    expect(verifyExternalAuth(key, challenge, cryptogram.subarray(0, 8))).toBe(false);
    expect(() => externalAuthCryptogram(key, Buffer.alloc(16))).toThrow(SsseError);
  });
});
