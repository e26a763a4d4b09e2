import type { ServiceId } from '@sik/contract';
import type { SeedBank, SeedBankService, SeedBranch, SeedKiosk } from './types.ts';

/** The kiosk the demo launcher and the device agent's default configuration use. */
export const DEMO_KIOSK_ID = 'KIOSK-0001';

export const BANKS: readonly SeedBank[] = [
  { bankId: 'ICBC', name: '中国工商银行' },
  { bankId: 'BOC', name: '中国银行' },
  { bankId: 'ABC', name: '中国农业银行' },
  { bankId: 'CCB', name: '中国建设银行' },
  { bankId: 'CDRCB', name: '成都农村商业银行' },
  { bankId: 'PSBC', name: '中国邮政储蓄银行' },
];

/**
 * Each bank is authorised for low-risk services only, and not all banks for the same ones (DOMAIN.md). ICBC,
 * which hosts the demo kiosk, has all six so that every flow can be shown.
 */
const AUTHORISED: Readonly<Record<string, readonly ServiceId[]>> = {
  ICBC: [
    'qualificationAuth',
    'enrollment',
    'recordsQuery',
    'contributionPayment',
    'rightsRecordPrint',
    'socialSecurityCard',
  ],
  BOC: ['qualificationAuth', 'recordsQuery', 'rightsRecordPrint', 'socialSecurityCard'],
  ABC: [
    'qualificationAuth',
    'recordsQuery',
    'contributionPayment',
    'rightsRecordPrint',
    'socialSecurityCard',
  ],
  CCB: ['qualificationAuth', 'recordsQuery', 'contributionPayment', 'rightsRecordPrint'],
  CDRCB: ['qualificationAuth', 'enrollment', 'recordsQuery', 'contributionPayment', 'rightsRecordPrint'],
  PSBC: ['qualificationAuth', 'recordsQuery', 'contributionPayment', 'rightsRecordPrint'],
};

/** Branch name suffix, region code, address and how many kiosks stand in its lobby. */
const BRANCHES: readonly (readonly [
  bankId: string,
  name: string,
  regionCode: string,
  address: string,
  kiosks: number,
])[] = [
  ['ICBC', '成都春熙路支行', '510104', '四川省成都市锦江区春熙路南段8号', 3],
  ['ICBC', '成都人民南路支行', '510107', '四川省成都市武侯区人民南路四段19号', 2],
  ['ICBC', '成都新都支行', '510114', '四川省成都市新都区新都大道168号', 1],
  ['BOC', '成都青羊支行', '510105', '四川省成都市青羊区西御街35号', 2],
  ['BOC', '成都金牛支行', '510106', '四川省成都市金牛区蜀汉路201号', 1],
  ['ABC', '成都成华支行', '510108', '四川省成都市成华区建设路56号', 2],
  ['ABC', '成都龙泉驿支行', '510112', '四川省成都市龙泉驿区龙都南路399号', 1],
  ['CCB', '成都玉林支行', '510107', '四川省成都市武侯区玉林路12号', 2],
  ['CCB', '成都双流支行', '510116', '四川省成都市双流区棠湖西路88号', 1],
  ['CDRCB', '锦江支行', '510104', '四川省成都市锦江区东大街100号', 1],
  ['CDRCB', '新都桂湖支行', '510114', '四川省成都市新都区桂湖中路66号', 2],
  ['PSBC', '成都驷马桥支行', '510108', '四川省成都市成华区驷马桥路3号', 1],
  ['PSBC', '成都双流东升支行', '510116', '四川省成都市双流区白衣上街21号', 1],
];

/** A kiosk that stays disabled, so that the server's refusal of disabled kiosks can be seen. */
const DISABLED_KIOSK = 'KIOSK-0020';

export function generateInstitutions(): {
  banks: SeedBank[];
  branches: SeedBranch[];
  kiosks: SeedKiosk[];
  bankServices: SeedBankService[];
} {
  const branches: SeedBranch[] = [];
  const kiosks: SeedKiosk[] = [];
  const perBank = new Map<string, number>();
  for (const [bankId, suffix, regionCode, address, kioskCount] of BRANCHES) {
    const bank = BANKS.find((b) => b.bankId === bankId);
    if (!bank) throw new RangeError(`unknown bank ${bankId}`);
    const n = (perBank.get(bankId) ?? 0) + 1;
    perBank.set(bankId, n);
    const branchId = `${bankId}-CD-${String(n).padStart(3, '0')}`;
    branches.push({ branchId, bankId, name: `${bank.name}${suffix}`, address, regionCode });
    for (let k = 0; k < kioskCount; k++) {
      const kioskId = `KIOSK-${String(kiosks.length + 1).padStart(4, '0')}`;
      kiosks.push({ kioskId, branchId, enabled: kioskId !== DISABLED_KIOSK });
    }
  }
  const bankServices = BANKS.flatMap((bank) =>
    (AUTHORISED[bank.bankId] ?? []).map((serviceId) => ({ bankId: bank.bankId, serviceId })),
  );
  return { banks: BANKS.map((b) => ({ ...b })), branches, kiosks, bankServices };
}
