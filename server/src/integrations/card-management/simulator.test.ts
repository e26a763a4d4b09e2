import { createCipheriv } from 'node:crypto';
import { decodeEf05, decodeEf06, deriveCardKey, externalAuthCryptogram } from '@sik/contract/ssse';
import { describe, expect, it } from 'vitest';
import { createCardManagementSimulator } from './simulator.ts';

const MASTER = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');

const byRecord = (records: { record: number; tlv: Buffer }[]) =>
  new Map(records.map((r) => [r.record, r.tlv]));

describe('card-management simulator', () => {
  it('uses SM4 as GB/T 32907 defines it (the standard test vector)', () => {
    const c = createCipheriv('sm4-ecb', MASTER, null).setAutoPadding(false);
    expect(Buffer.concat([c.update(MASTER), c.final()]).toString('hex')).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });

  it('derives a key per card and answers 8-byte cryptograms that depend on card and challenge', () => {
    const k1 = deriveCardKey(MASTER, '5A000001');
    const k2 = deriveCardKey(MASTER, '5A000002');
    expect(k1).toHaveLength(16);
    expect(k1.equals(k2)).toBe(false);
    const ch = Buffer.from('0102030405060708', 'hex');
    const cm = createCardManagementSimulator({ masterKey: MASTER, issuerCode: '441300' });
    expect(cm.cryptogram('5A000001', ch)).toEqual(externalAuthCryptogram(k1, ch));
    expect(cm.cryptogram('5A000001', ch)).toHaveLength(16);
    expect(cm.cryptogram('5A000002', ch).equals(cm.cryptogram('5A000001', ch))).toBe(false);
    expect(() => externalAuthCryptogram(k1, Buffer.alloc(4))).toThrow();
  });

  it('builds EF05 and EF06 records with the PROTOCOLS §3 tags and lengths', () => {
    const cm = createCardManagementSimulator({ masterKey: MASTER, issuerCode: '441300' });
    const data = cm.personalisation(
      {
        idNumber: '44130219900101123X',
        name: '测试',
        sexCode: '1',
        nationCode: '01',
        birthDate: '1990-01-01',
      },
      { cardNumber: 'K00000042', issuedOn: '2026-11-24', validUntil: '2036-11-24' },
      'P00000001',
    );
    expect(decodeEf05(byRecord(data.ef05))).toEqual({
      cardIdentificationCode: '441302D156000042',
      cardClass: '3',
      specVersion: '3.00',
      issuingOrganisation: '441300',
      issueDate: '2026-11-24',
      expiryDate: '2036-11-24',
      cardNumber: 'K00000042',
    });
    expect(decodeEf06(byRecord(data.ef06))).toEqual({
      socialSecurityNumber: '44130219900101123X',
      name: '测试',
      sex: '1',
      nation: '01',
      birthplace: '441302',
      birthDate: '1990-01-01',
    });
    expect(data.photoRef).toBe('photo-registry:P00000001');
  });
});
