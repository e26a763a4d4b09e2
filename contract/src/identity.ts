import { z } from 'zod';

/** The four card types a second-generation ID reader returns (PROTOCOLS.md section 1, flag at text byte 248). */
export const IdCardType = z.enum([
  'resident',
  'hkMacaoTaiwan',
  'foreignPermanent2017',
  'foreignPermanent2023',
]);
export type IdCardType = z.infer<typeof IdCardType>;

export const Sex = z.enum(['unknown', 'male', 'female', 'unspecified']);
export type Sex = z.infer<typeof Sex>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
/** "长期" on the card (no expiry) is carried as the identifier 'long-term'. */
export const ValidTo = z.union([isoDate, z.literal('long-term')]);

const common = {
  /** Name as printed: Chinese name, or the English name where the card has no Chinese one. */
  name: z.string().min(1),
  sex: Sex,
  sexCode: z.string(),
  /** Ethnic group name (GB 3304) on resident cards; null on cards that have none. */
  nation: z.string().nullable(),
  birthDate: isoDate,
  address: z.string().nullable(),
  idNumber: z.string().min(1),
  issuer: z.string().nullable(),
  validFrom: isoDate,
  validTo: ValidTo,
};

export const ResidentIdentity = z.object({
  cardType: z.literal('resident'),
  ...common,
  nationCode: z.string(),
});

export const HkMacaoTaiwanIdentity = z.object({
  cardType: z.literal('hkMacaoTaiwan'),
  ...common,
  passNumber: z.string(),
  issueCount: z.string(),
});

export const ForeignPermanent2017Identity = z.object({
  cardType: z.literal('foreignPermanent2017'),
  ...common,
  englishName: z.string(),
  chineseName: z.string(),
  nationalityCode: z.string(),
  cardVersion: z.string(),
  authorityCode: z.string(),
});

export const ForeignPermanent2023Identity = z.object({
  cardType: z.literal('foreignPermanent2023'),
  ...common,
  englishName: z.string(),
  chineseName: z.string(),
  nationalityCode: z.string(),
  renewalCount: z.string(),
});

export const IdCardIdentity = z.discriminatedUnion('cardType', [
  ResidentIdentity,
  HkMacaoTaiwanIdentity,
  ForeignPermanent2017Identity,
  ForeignPermanent2023Identity,
]);
export type IdCardIdentity = z.infer<typeof IdCardIdentity>;

/** GB 3304 ethnic group codes as written on resident ID cards. */
export const NATIONS: Readonly<Record<string, string>> = {
  '01': '汉',
  '02': '蒙古',
  '03': '回',
  '04': '藏',
  '05': '维吾尔',
  '06': '苗',
  '07': '彝',
  '08': '壮',
  '09': '布依',
  '10': '朝鲜',
  '11': '满',
  '12': '侗',
  '13': '瑶',
  '14': '白',
  '15': '土家',
  '16': '哈尼',
  '17': '哈萨克',
  '18': '傣',
  '19': '黎',
  '20': '傈僳',
  '21': '佤',
  '22': '畲',
  '23': '高山',
  '24': '拉祜',
  '25': '水',
  '26': '东乡',
  '27': '纳西',
  '28': '景颇',
  '29': '柯尔克孜',
  '30': '土',
  '31': '达斡尔',
  '32': '仫佬',
  '33': '羌',
  '34': '布朗',
  '35': '撒拉',
  '36': '毛南',
  '37': '仡佬',
  '38': '锡伯',
  '39': '阿昌',
  '40': '普米',
  '41': '塔吉克',
  '42': '怒',
  '43': '乌孜别克',
  '44': '俄罗斯',
  '45': '鄂温克',
  '46': '德昂',
  '47': '保安',
  '48': '裕固',
  '49': '京',
  '50': '塔塔尔',
  '51': '独龙',
  '52': '鄂伦春',
  '53': '赫哲',
  '54': '门巴',
  '55': '珞巴',
  '56': '基诺',
  '97': '其他',
  '98': '外国血统中国籍人士',
};
