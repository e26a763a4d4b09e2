import { type IdCardIdentity, idCheckCharacter } from '@sik/contract';

/**
 * Sample identities for tests, the simulator and the demo: one per card type, made up, built on the example
 * valid ID numbers of PROTOCOLS.md section 2. Permit numbers get a real GB 11643 check character.
 */

const withCheck = (first17: string): string => `${first17}${idCheckCharacter(first17)}`;

export const SAMPLE_CARDS = {
  /** Long-term card ("长期"): holders over 46 get one. */
  resident: {
    cardType: 'resident',
    name: '张三',
    sex: 'female',
    sexCode: '2',
    nation: '汉',
    nationCode: '01',
    birthDate: '1949-12-31',
    address: '北京市东城区示例胡同1号',
    idNumber: '11010519491231002X',
    issuer: '北京市公安局东城分局',
    validFrom: '2010-01-15',
    validTo: 'long-term',
  },
  residentDated: {
    cardType: 'resident',
    name: '李四',
    sex: 'male',
    sexCode: '1',
    nation: '回',
    nationCode: '03',
    birthDate: '1999-01-10',
    address: '广东省深圳市福田区示例路88号示例大厦12层1205室',
    idNumber: '440308199901101512',
    issuer: '深圳市公安局福田分局',
    validFrom: '2019-03-01',
    validTo: '2029-03-01',
  },
  hkMacaoTaiwan: {
    cardType: 'hkMacaoTaiwan',
    name: '陈大文',
    sex: 'male',
    sexCode: '1',
    nation: null,
    birthDate: '1990-01-01',
    address: '广东省深圳市南山区示例街道3号',
    idNumber: withCheck('81000019900101003'),
    issuer: '深圳市公安局',
    validFrom: '2020-06-01',
    validTo: '2025-06-01',
    passNumber: 'H12345678',
    issueCount: '01',
  },
  foreignPermanent2017: {
    cardType: 'foreignPermanent2017',
    name: '约翰',
    sex: 'male',
    sexCode: '1',
    nation: null,
    birthDate: '1980-01-01',
    address: null,
    idNumber: 'USA110080010101',
    issuer: null,
    validFrom: '2017-05-01',
    validTo: '2027-05-01',
    englishName: 'SMITH, JOHN',
    chineseName: '约翰',
    nationalityCode: 'USA',
    cardVersion: '10',
    authorityCode: '1500',
  },
  /** English name longer than 35 characters, so it spills into the continuation slot. */
  foreignPermanent2023: {
    cardType: 'foreignPermanent2023',
    name: '玛丽',
    sex: 'female',
    sexCode: '2',
    nation: null,
    birthDate: '1985-03-15',
    address: null,
    idNumber: withCheck('91182619850315023'),
    issuer: null,
    validFrom: '2023-12-01',
    validTo: '2033-12-01',
    englishName: 'JOHNSON, MARY ELIZABETH ALEXANDRA KATE',
    chineseName: '玛丽',
    nationalityCode: 'GBR',
    renewalCount: '00',
  },
} as const satisfies Record<string, IdCardIdentity>;

export type SampleCardName = keyof typeof SAMPLE_CARDS;
