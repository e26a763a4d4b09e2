import type { IdCardFault, IdCardType, NoticeCode, ServiceId } from '@sik/contract';

/**
 * Every word a citizen or tester sees, in one place. Chinese first; `en` is a smaller subtitle where it helps
 * (visitors, staff from elsewhere). Speech texts are written to be heard, not read: no ID numbers, no names.
 */

export interface Bilingual {
  zh: string;
  en?: string;
}

export interface ServiceText {
  title: string;
  en: string;
  description: string;
}

export const services: Readonly<Record<ServiceId, ServiceText>> = {
  qualificationAuth: {
    title: '待遇领取资格认证',
    en: 'Pension eligibility check',
    description: '养老金每年认证一次',
  },
  socialSecurityCard: {
    title: '社保卡办理',
    en: 'Social security card',
    description: '申领、补办、换领',
  },
  recordsQuery: {
    title: '参保查询',
    en: 'Insurance records',
    description: '查参保和缴费记录',
  },
  rightsRecordPrint: {
    title: '权益证明打印',
    en: 'Print a certificate',
    description: '打印参保缴费证明',
  },
  contributionPayment: {
    title: '社保缴费',
    en: 'Pay contributions',
    description: '缴纳居民养老保险费',
  },
  enrollment: {
    title: '参保登记',
    en: 'Enrol in the pension scheme',
    description: '参加居民养老保险',
  },
};

export const cardTypes: Readonly<Record<IdCardType, string>> = {
  resident: '居民身份证',
  hkMacaoTaiwan: '港澳台居民居住证',
  foreignPermanent2017: '外国人永久居留身份证（2017版）',
  foreignPermanent2023: '外国人永久居留身份证（2023版）',
};

export const notices: Readonly<Record<NoticeCode, Bilingual>> = {
  cardReadFailed: {
    zh: '读卡失败，请重新放置身份证',
    en: 'The card could not be read. Please place it again.',
  },
  readerUnavailable: {
    zh: '读卡器暂不可用，请联系工作人员',
    en: 'The card reader is not available. Please ask staff for help.',
  },
  serverUnreachable: {
    zh: '暂时连不上社保系统，部分业务现在不能办理',
    en: 'The social security system cannot be reached right now.',
  },
  personNotFound: {
    zh: '暂未查到您的参保记录，如有疑问请咨询工作人员',
    en: 'No insurance record was found for you.',
  },
  sessionEnded: {
    zh: '已结束，感谢使用，请取走身份证',
    en: 'Finished. Thank you. Please take your ID card.',
  },
  sessionTimedOut: {
    zh: '长时间没有操作，已自动结束。请取走身份证',
    en: 'Ended after a period of no activity. Please take your ID card.',
  },
  staffCalled: { zh: '已呼叫工作人员，请稍候', en: 'Staff have been called. Please wait.' },
};

export const zh = {
  appName: '社保服务自助终端',
  connecting: {
    title: '正在连接…',
    detail: '正在连接自助终端，请稍候',
    en: 'Connecting to the kiosk…',
  },
  notReady: {
    title: '本机未就绪，请联系工作人员',
    en: 'This kiosk is not ready. Please ask staff for help.',
  },
  attract: {
    welcome: '社保服务自助终端',
    welcomeEn: 'Social Security Self-Service',
    start: '请点击屏幕开始',
    startEn: 'Tap to start',
    speech: '欢迎使用社保服务自助终端。请点击屏幕开始。',
  },
  awaitCard: {
    title: '请将身份证放在读卡区',
    en: 'Place your ID card on the reader',
    hint: '把身份证平放在下方读卡区，放好后请不要移动',
    illustration: '示意图：身份证平放在读卡区上',
    speech: '请将身份证平放在读卡区，放好后请不要移动。',
  },
  reading: {
    title: '正在读取，请勿移动身份证…',
    en: 'Reading your card. Please do not move it.',
    illustration: '示意图：身份证放在读卡区上，正在读取',
    speech: '正在读取，请勿移动身份证。',
  },
  greeting: {
    hello: '您好，',
    idLabel: '证件号码',
    cardLabel: '证件类型',
    continue: '继续',
    continueEn: 'Continue',
    end: '结束办理',
    speech: '您好，身份证已读取。请点击继续。',
  },
  home: {
    title: '请选择要办理的业务',
    who: '当前办理人：',
    en: 'Choose a service',
    /** Shown as one badge; the two parts wrap as wholes on narrow tiles. */
    unavailableBadge: ['即将开放', '本机暂不能办理'],
    unavailableTitle: (service: string) => `${service}：本机暂不能办理`,
    unavailableBody:
      '这项业务在本机还没有开通，即将开放。现在可以到社保窗口办理，或点“呼叫工作人员”请工作人员帮助。',
    backToList: '返回业务列表',
    end: '结束办理，请取走身份证',
    speech: '请选择要办理的业务。办理完毕，请点结束办理，并取走身份证。',
    unavailableSpeech: (service: string) =>
      `${service}，本机暂不能办理，即将开放。可以到社保窗口办理，或者呼叫工作人员。点返回业务列表可以回去。`,
  },
  idle: {
    title: '您还在吗？',
    secondsAfter: '秒后将自动结束办理',
    secondsAfterEn: 'seconds until this visit ends',
    extend: '我还在，继续办理',
    extendEn: 'I am still here',
    speech: '您还在吗？如果还要继续办理，请点我还在。否则本次办理将自动结束。',
  },
  bar: {
    back: '返回',
    elderOn: '长辈模式',
    elderOnLabel: '切换到长辈模式，字更大',
    elderOff: '标准模式',
    elderOffLabel: '切换回标准模式',
    callStaff: '呼叫工作人员',
    read: '朗读',
    repeat: '重复',
    stop: '停止',
  },
  problem: {
    commandFailed: '操作没有成功，请再试一次。如果还不行，请呼叫工作人员。',
  },
  simulator: {
    title: '模拟器 / Simulator',
    note: '测试用，真实终端上不会出现',
    collapse: '收起',
    expand: '模拟器',
    citizens: '测试证件',
    place: '放置身份证',
    lift: '取走身份证',
    onReader: '读卡区',
    empty: '空',
    fault: '故障注入',
    onReaderTag: '在读卡区',
  },
} as const;

export const faultLabels: Readonly<Record<IdCardFault, string>> = {
  none: '无故障 none',
  noCard: '找不到卡 noCard',
  garbledFrame: '乱码帧 garbledFrame',
  checksumError: '校验错误 checksumError',
  unplugMidFrame: '读卡中拔线 unplugMidFrame',
  samNotAuthorised: 'SAM 未授权 samNotAuthorised',
  samSelfTestFailed: 'SAM 自检失败 samSelfTestFailed',
  readFailed: '读卡失败 readFailed',
};

export const consoleText = {
  title: '管理控制台',
  en: 'Staff console',
  body: '管理控制台还没有开发完成，目前不能使用。',
  bodyEn: 'The staff console has not been built yet.',
} as const;
