/**
 * Region codes (GB/T 2260) used in the demo: the districts of one demo city (Chengdu) where most people live and
 * where the bank branches are, plus a few places elsewhere that people were born in.
 */
export interface Region {
  code: string;
  /** Address prefix as printed on the ID card. */
  prefix: string;
  /** Issuing authority printed on cards issued there. */
  police: string;
  /** Roads for urban addresses; for rural counties, towns. */
  places: readonly string[];
  rural: boolean;
}

export const DEMO_CITY = '成都市';

export const DEMO_CITY_REGIONS: readonly Region[] = [
  {
    code: '510104',
    prefix: '四川省成都市锦江区',
    police: '成都市公安局锦江区分局',
    places: ['春熙路', '红星路二段', '东大街', '总府路'],
    rural: false,
  },
  {
    code: '510105',
    prefix: '四川省成都市青羊区',
    police: '成都市公安局青羊区分局',
    places: ['人民中路', '西御街', '草堂路', '光华村街'],
    rural: false,
  },
  {
    code: '510106',
    prefix: '四川省成都市金牛区',
    police: '成都市公安局金牛区分局',
    places: ['沙湾路', '蜀汉路', '营门口路', '金府路'],
    rural: false,
  },
  {
    code: '510107',
    prefix: '四川省成都市武侯区',
    police: '成都市公安局武侯区分局',
    places: ['人民南路四段', '玉林路', '科华北路', '武侯祠大街'],
    rural: false,
  },
  {
    code: '510108',
    prefix: '四川省成都市成华区',
    police: '成都市公安局成华区分局',
    places: ['建设路', '双林路', '二仙桥东路', '驷马桥路'],
    rural: false,
  },
  {
    code: '510112',
    prefix: '四川省成都市龙泉驿区',
    police: '成都市公安局龙泉驿区分局',
    places: ['龙都南路', '驿都大道', '北京路'],
    rural: false,
  },
  {
    code: '510114',
    prefix: '四川省成都市新都区',
    police: '成都市公安局新都区分局',
    places: ['新都大道', '桂湖中路', '蓉都大道'],
    rural: false,
  },
  {
    code: '510116',
    prefix: '四川省成都市双流区',
    police: '成都市公安局双流区分局',
    places: ['棠湖西路', '白衣上街', '花园路'],
    rural: false,
  },
];

export const OTHER_REGIONS: readonly Region[] = [
  {
    code: '110105',
    prefix: '北京市朝阳区',
    police: '北京市公安局朝阳分局',
    places: ['建国路', '朝阳北路', '望京街'],
    rural: false,
  },
  {
    code: '310115',
    prefix: '上海市浦东新区',
    police: '上海市公安局浦东分局',
    places: ['世纪大道', '张杨路', '东方路'],
    rural: false,
  },
  {
    code: '440305',
    prefix: '广东省深圳市南山区',
    police: '深圳市公安局南山分局',
    places: ['南海大道', '科技园路', '桃园路'],
    rural: false,
  },
  {
    code: '500103',
    prefix: '重庆市渝中区',
    police: '重庆市公安局渝中区分局',
    places: ['民族路', '中山三路', '解放西路'],
    rural: false,
  },
  {
    code: '510722',
    prefix: '四川省三台县',
    police: '三台县公安局',
    places: ['芦溪镇', '西平镇', '观桥镇'],
    rural: true,
  },
  {
    code: '511621',
    prefix: '四川省岳池县',
    police: '岳池县公安局',
    places: ['九龙镇', '顾县镇', '罗渡镇'],
    rural: true,
  },
];

/** Where the city's public security bureau issues residence permits for Hong Kong, Macao and Taiwan residents. */
export const DEMO_CITY_POLICE = '成都市公安局';

/** GB/T 2260 province code of the demo city, used in 2023 foreign permanent residence ID numbers. */
export const DEMO_PROVINCE_CODE = '51';
