import type {
  AssistReason,
  CameraScene,
  CardPrinterFault,
  CardStage,
  CardStopReason,
  ChipEncoderFault,
  FaceDecision,
  FaceHint,
  FaceInstruction,
  FlowKind,
  FlowStep,
  IdCardFault,
  IdCardType,
  ItemOutcome,
  NoticeCode,
  QuestionId,
  RecordsSummaryView,
  ServiceId,
} from '@sik/contract';

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
    bundlesTitle: '一件事',
    bundleTag: '一次办好',
    bundleSpeech: (titles: string) => `下方还有一件事联办：${titles}，几项业务一次办好。`,
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
    pinpadTitle: '模拟密码键盘（硬件）',
    pinpadNote: '代替终端上的实体密码键盘，不是屏幕的一部分',
    pinpadKeys: { B: '更正', C: '取消', E: '确认' },
    qrTitle: '模拟付款手机',
    payQr: '模拟手机扫码支付',
    cameraTitle: '模拟摄像头：镜头前是',
    cameraNow: '现在',
    staffTitle: '演示用工作人员（仅演示）',
    staffNote: '真实终端上由工作人员自己输入',
    staffNumber: '工号',
    staffPassword: '密码',
    staffOtp: '动态码',
    staffRefresh: '刷新动态码',
    staffUnavailable: '取不到演示工作人员',
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

// ---------- service flows (issue 5) ----------

type InsuranceType = RecordsSummaryView['insurances'][number]['type'];
type InsuranceScheme = RecordsSummaryView['insurances'][number]['scheme'];
type InsuranceStatus = RecordsSummaryView['insurances'][number]['status'];
type LoadingLabel = Extract<FlowStep, { type: 'loading' }>['label'];
type Outcome = Extract<FlowStep, { type: 'result' }>['outcome'];

/** Titles of the flows, shown above every question so the citizen knows which service they are in. */
export const flowKinds: Readonly<Record<Exclude<FlowKind, 'bundle'>, string>> = {
  recordsQuery: services.recordsQuery.title,
  rightsRecordPrint: services.rightsRecordPrint.title,
  enrollment: services.enrollment.title,
  contributionPayment: services.contributionPayment.title,
  qualificationAuth: services.qualificationAuth.title,
  socialSecurityCard: services.socialSecurityCard.title,
};

export interface BundleText {
  title: string;
  en: string;
  /** What is done in one go, on the home tile. */
  description: string;
}

/** Bundled matters (一件事) by bundleId; an id without wording is shown by the generic text. */
export const bundles: Readonly<Record<string, BundleText>> = {
  newResident: {
    title: '新市民参保一件事',
    en: 'New resident: enrol, pay and apply for a card at once',
    description: '参保登记、首次缴费、申领社保卡，一次办好',
  },
};
export const unknownBundle: BundleText = {
  title: '一件事联办',
  en: 'Several services at once',
  description: '相关业务一次办好',
};
export const bundleText = (bundleId: string): BundleText =>
  Object.hasOwn(bundles, bundleId) ? (bundles[bundleId] ?? unknownBundle) : unknownBundle;

export interface QuestionText {
  /** The one question of the screen (h1). */
  title: string;
  en: string;
  /** A line under the question that helps decide. */
  hint?: string;
  /** Read aloud before the options. */
  speech: string;
}

export const questions: Readonly<Record<QuestionId, QuestionText>> = {
  documentKind: {
    title: '请选择要打印的证明',
    en: 'Which certificate do you want to print?',
    hint: '证明上有验证码和二维码，别人可以核验真假',
    speech: '请选择要打印的证明。',
  },
  yearRange: {
    title: '请选择证明包含的年份',
    en: 'Which years should it cover?',
    speech: '请选择证明包含的年份。',
  },
  monthRange: {
    title: '请选择证明包含的月份',
    en: 'Which months should it cover?',
    speech: '请选择证明包含的月份。',
  },
  grade: {
    title: '请选择每年的缴费档次',
    en: 'Choose your yearly contribution',
    hint: '每年缴得越多，将来每月领的养老金越多',
    speech: '请选择每年的缴费档次。每年缴得越多，将来每月领的养老金越多。',
  },
  phone: {
    title: '请输入您的手机号码',
    en: 'Enter your mobile number',
    hint: '用于通知您办理进度，请用下方数字键输入',
    speech: '请用屏幕上的数字键输入您的手机号码，输完后点确认。',
  },
  householdType: {
    title: '请选择您的户口类型',
    en: 'What is your household registration?',
    speech: '请选择您的户口类型。',
  },
  residenceProof: {
    title: '您能提供居住证明吗？',
    en: 'Can you provide proof of residence?',
    hint: '没有也可以办：签一份告知承诺，以后再核查',
    speech: '您能提供居住证明吗？没有也可以办，签一份告知承诺，以后再核查。',
  },
  paymentMethod: {
    title: '请选择付款方式',
    en: 'How do you want to pay?',
    speech: '请选择付款方式。',
  },
  contributionYear: {
    title: '请选择缴费年度',
    en: 'Which year are you paying for?',
    speech: '请选择缴费年度。',
  },
  assistReason: {
    title: '请工作人员帮您认证，原因是？',
    en: 'Why should staff confirm you instead?',
    hint: '银行工作人员会当面核对您的身份证和本人',
    speech: '请工作人员帮您认证，请选择原因。银行工作人员会当面核对您的身份证和本人。',
  },
  cardMatter: {
    title: '请问您要办理哪项社保卡业务？',
    en: 'What do you need for your social security card?',
    hint: '新卡当场制作，几分钟就能拿到',
    speech: '请问您要办理哪项社保卡业务？新卡当场制作，几分钟就能拿到。',
  },
};

/** Words for option values the agent sends without a label. */
export const optionText: Readonly<Partial<Record<QuestionId, Readonly<Record<string, string>>>>> = {
  documentKind: {
    enrollmentCertificate: '参保证明',
    contributionDetails: '缴费明细',
    pensionPayments: '养老金发放记录',
  },
  householdType: { urban: '城镇户口', rural: '农村户口' },
  residenceProof: { provided: '能提供居住证明', commitment: '暂时没有，签告知承诺' },
  paymentMethod: { bankAccount: '银行卡扣款', qr: '手机扫码支付' },
  assistReason: {
    cannotUseCamera: '不方便刷脸',
    declinedFaceCheck: '不想刷脸',
    faceCheckFailed: '刷脸没有通过',
    noReferencePhoto: '系统里没有我的照片',
  },
  cardMatter: {
    first: '首次申领',
    replacement: '补卡',
    renewal: '换卡',
    reportLoss: '挂失',
  },
};

/** Extra words under an option the agent sends without a detail. */
export const optionDetail: Readonly<Partial<Record<QuestionId, Readonly<Record<string, string>>>>> = {
  documentKind: {
    enrollmentCertificate: '证明您在哪些年份参加了哪些保险',
    contributionDetails: '每年每月缴了多少钱',
    pensionPayments: '每月养老金发了多少',
  },
  residenceProof: {
    provided: '请把居住证明交给工作人员核验',
    commitment: '承诺所填属实，以后核查；不实将承担相应责任',
  },
  paymentMethod: { qr: '用手机扫描屏幕上的二维码付款' },
  assistReason: {
    cannotUseCamera: '例如行动不便、看不清屏幕',
  },
  cardMatter: {
    first: '第一次办社保卡',
    replacement: '卡丢了、已经挂失，现在补一张新卡',
    renewal: '卡坏了或到期了，换一张新卡',
    reportLoss: '卡丢了，先把旧卡停用，防止被别人使用',
  },
};

export const loadingLabels: Readonly<Record<LoadingLabel, { title: string; en: string; hint?: string }>> = {
  records: { title: '正在查询您的参保记录…', en: 'Looking up your records…' },
  checking: { title: '正在核对您能否办理…', en: 'Checking whether you can apply…' },
  generating: { title: '正在生成证明…', en: 'Preparing your certificate…' },
  submitting: {
    title: '正在提交，请稍候…',
    en: 'Submitting…',
    hint: '请不要离开，也不要取走身份证',
  },
  paying: {
    title: '正在付款，请稍候…',
    en: 'Processing your payment…',
    hint: '请不要离开。不会重复扣款',
  },
  printing: { title: '正在打印，请稍候…', en: 'Printing…', hint: '打印好后请从出纸口取走' },
  preparingCamera: {
    title: '正在打开摄像头…',
    en: 'Starting the camera…',
    hint: '请站在屏幕正前方，摘下帽子和口罩',
  },
  preparingCard: {
    title: '正在准备制卡，请稍候…',
    en: 'Getting ready to make your card…',
    hint: '请不要离开',
  },
};

/** Names of the items a result reports, by the agent's item key. */
export const itemNames: Readonly<Record<string, string>> = {
  enrollment: '参保登记',
  contribution: '缴费',
  payment: '缴费',
  cardApplication: '社保卡申领',
  document: '证明打印',
  receipt: '回执打印',
  authentication: '待遇领取资格认证',
  card: '社保卡',
};
export const itemName = (item: string): string =>
  Object.hasOwn(itemNames, item) ? (itemNames[item] ?? item) : item;

export const itemStatuses: Readonly<Record<ItemOutcome, string>> = {
  done: '已办好',
  queued: '已受理，等待办理',
  failed: '没有办成',
  notAttempted: '未办理',
  awaitingPayment: '等待缴费',
  pending: '正在确认',
};

export const outcomes: Readonly<Record<Outcome, { title: string; en: string; speech: string }>> = {
  success: { title: '办理成功', en: 'Done', speech: '办理成功。' },
  partial: {
    title: '部分办好了，请看每一项',
    en: 'Partly done: see each item',
    speech: '部分办好了，请听每一项的结果。',
  },
  failure: { title: '没有办成', en: 'Not done', speech: '没有办成。' },
  pending: {
    title: '正在确认结果',
    en: 'Waiting for confirmation',
    speech: '正在确认结果。',
  },
};

export const insuranceTypes: Readonly<Record<InsuranceType, string>> = {
  pension: '养老保险',
  medical: '医疗保险',
  unemployment: '失业保险',
  workInjury: '工伤保险',
  maternity: '生育保险',
};
/** A contribution row names its type as a string; known insurance types get their words. */
export const insuranceTypeName = (type: string): string =>
  Object.hasOwn(insuranceTypes, type) ? (insuranceTypes[type as InsuranceType] ?? type) : type;

export const insuranceSchemes: Readonly<Record<InsuranceScheme, string>> = {
  employee: '职工',
  resident: '城乡居民',
};

export const insuranceStatuses: Readonly<Record<InsuranceStatus, string>> = {
  active: '正常参保',
  suspended: '暂停缴费',
  terminated: '已终止',
};

export const pensionStatuses: Readonly<Record<InsuranceStatus, string>> = {
  active: '正常发放',
  suspended: '暂停发放',
  terminated: '已停发',
};

export const flowText = {
  progress: (index: number, total: number) => `第${index}步，共${total}步`,
  opening: '正在打开，请稍候…',
  back: '上一步',
  exit: '返回首页',
  done: '完成，返回首页',
  retry: '再试一次',
  errorSpeech: (message: string) => `${message}。`,
  choose: {
    selected: '已选',
  },
  digits: {
    fieldLabel: (question: string) => `${question}，已输入的数字`,
    typed: (count: number, length: number) => `已输入${count}位，共${length}位`,
    backspace: '删除一位',
    keypad: '数字键',
    clear: '清空',
    ok: '确认',
    needMore: (left: number) => `还差${left}位`,
  },
  commitment: {
    title: '告知承诺',
    en: 'Commitment instead of a missing proof',
    lead: '请阅读以下内容。同意后，您可以先办理，缺少的证明以后核查。',
    textLabel: '告知承诺书全文',
    scrollHint: '内容较长时，请在框内上下滑动阅读',
    agree: '我已阅读，同意承诺',
    speechBefore: '告知承诺。请听以下内容：',
    speechAfter: '如果同意，请点我已阅读，同意承诺。',
  },
  confirm: {
    title: '请核对以下信息',
    en: 'Please check',
    submit: '信息无误，提交',
    pay: '信息无误，去付款',
    speechIntro: '请核对以下信息。',
    speechSubmit: '无误请点提交。',
    speechPay: '无误请点去付款。',
  },
  notEligible: {
    title: '暂时不能办理',
    en: 'This cannot be done here now',
    reasonsTitle: '原因：',
    help: '如有疑问，请点“呼叫工作人员”，或到社保窗口咨询。',
    speech: '暂时不能办理。',
  },
  records: {
    title: '您的参保情况',
    en: 'Your insurance records',
    lastYearPaid: (year: number) => `已缴到${year}年`,
    noYearPaid: '暂无缴费',
    pensionMonthly: '养老金每月',
    nextAuthentication: '下次认证截止',
    insurancesCaption: '各险种参保状态',
    noAuthenticationDue: '暂无认证要求',
    account: '个人账户余额',
    years: '累计缴费',
    yearsValue: (years: number) => `${years}年`,
    none: '没有查到参保记录',
    viewContributions: '看每年缴费明细',
    viewPensionPayments: '看养老金发放记录',
    backToSummary: '回到参保情况',
    contributionsTitle: '每年缴费明细',
    contributionsEn: 'Contributions by year',
    pensionPaymentsTitle: '养老金发放记录',
    pensionPaymentsEn: 'Pension payments',
    columns: {
      insurance: '险种',
      since: '参保起始',
      paidTo: '缴费到',
      year: '年份',
      type: '险种',
      months: '月数',
      amount: '缴费金额',
      month: '月份',
      paid: '发放金额',
      status: '状态',
    },
    monthsValue: (months: number) => `${months}个月`,
    pageOf: (page: number, pages: number) => `第${page}页，共${pages}页`,
    previousPage: '上一页',
    nextPage: '下一页',
    empty: '没有记录',
    paymentStatuses: { paid: '已发放', withheld: '暂停发放' },
    speech: '这是您的参保情况。',
    speechContributions: (count: number) => `这是您每年的缴费明细，共${count}条。`,
    speechPensionPayments: (count: number) => `这是您的养老金发放记录，共${count}条。`,
  },
  pin: {
    title: '请在密码键盘上输入银行卡密码',
    en: 'Enter your bank card PIN on the PIN pad',
    cover: '输入时请用另一只手遮挡密码键盘',
    finish: '输完后按密码键盘上的“确认”键',
    typed: (count: number, length: number) => `已输入${count}位，共${length}位`,
    bank: '银行',
    account: '账户',
    amount: '金额',
    cancel: '不付了，返回',
    padUnavailable: '密码键盘暂时不能使用，请联系工作人员，或返回选择扫码支付',
    speech: (amount: string) =>
      `请在密码键盘上输入银行卡密码，输入时请用手遮挡。付款金额${amount}。输完后按确认键。`,
  },
  qr: {
    title: '请用手机扫码付款',
    en: 'Scan the code with your phone to pay',
    hint: '打开手机银行或支付软件，扫描下方二维码',
    codeLabel: '付款二维码',
    amount: '金额',
    expiresIn: (time: string) => `${time}后失效`,
    expired: '二维码已失效，请返回重新选择付款方式',
    speech: (amount: string) => `请打开手机银行或支付软件，扫描屏幕上的二维码付款，金额${amount}。`,
  },
  preview: {
    title: '请看证明预览',
    en: 'Check the certificate before printing',
    pagesLabel: '页数',
    pages: (pages: number) => `共${pages}页`,
    code: '验证码',
    previewLabel: '证明预览',
    print: '打印',
    printerNotReady: '打印机暂时不能使用，请联系工作人员',
    speech: (title: string, pages: number) => `这是${title}的预览，共${pages}页。确认无误请点打印。`,
  },
  result: {
    reference: '受理编号',
    printedReceipt: '回执已打印，请从出纸口取走',
    printedDocument: '证明已打印，请从出纸口取走',
    printAgain: '重新打印',
    pending: '正在确认，不会重复扣款。稍后可在“参保查询”里查看，或咨询工作人员。',
    speechItem: (name: string, status: string, message: string) => `${name}，${status}。${message}`,
  },
} as const;

// ---------- qualification authentication: the face check and the staff-assisted path (issue 3) ----------

export const cameraScenes: Readonly<Record<CameraScene, string>> = {
  cardHolder: '持卡人本人 cardHolder',
  otherPerson: '另一个人 otherPerson',
  stillPhoto: '举着照片 stillPhoto',
  noFace: '没有人 noFace',
  twoFaces: '两个人 twoFaces',
  dark: '光线太暗 dark',
  unplugged: '摄像头拔掉 unplugged',
};

export const assistReasons: Readonly<Record<AssistReason, string>> = {
  cannotUseCamera: '本人不方便刷脸',
  declinedFaceCheck: '本人不同意刷脸',
  faceCheckFailed: '刷脸没有通过',
  noReferencePhoto: '系统里没有本人照片',
};

/** What the citizen is asked to do, big on the screen and spoken as soon as it changes. */
export const faceInstructions: Readonly<
  Record<FaceInstruction, { title: string; en: string; speech: string }>
> = {
  lookAtCamera: { title: '请看摄像头', en: 'Look at the camera', speech: '请看摄像头，把脸放进框里。' },
  holdStill: { title: '请保持不动', en: 'Hold still', speech: '请保持不动。' },
  turnLeft: { title: '请慢慢向左转头', en: 'Slowly turn your head left', speech: '请慢慢向左转头。' },
  turnRight: { title: '请慢慢向右转头', en: 'Slowly turn your head right', speech: '请慢慢向右转头。' },
  checking: { title: '正在核对，请稍候…', en: 'Checking…', speech: '正在核对，请稍候。' },
};

/** Why the last frames could not be used, as a thing to do. */
export const faceHints: Readonly<Record<FaceHint, string>> = {
  noFace: '没有看到您的脸，请正对摄像头',
  severalFaces: '镜头里不止一个人，请其他人稍微走开',
  tooFar: '请再靠近一点',
  tooClose: '请稍微往后退一点',
  offCenter: '请把脸移到框的中间',
  tooDark: '光线太暗，请摘下帽子，面向亮处',
  blurry: '画面不清楚，请保持不动',
  lookStraight: '请抬头，正对摄像头',
};

type FailedReason = Exclude<FaceDecision, 'match'>;

/** Why the face check did not pass, and what can be done. */
export const faceFailures: Readonly<Record<FailedReason, { title: string; en: string; detail: string }>> = {
  mismatch: {
    title: '没能确认是您本人',
    en: 'We could not confirm it is you',
    detail: '和您在社保系统里的照片对不上。请摘下眼镜和帽子，正对摄像头再试。',
  },
  livenessFailed: {
    title: '没能确认镜头前是您本人在场',
    en: 'We could not confirm you are present',
    detail: '请不要用照片或手机画面。请本人正对摄像头，按提示转头。',
  },
  noFace: {
    title: '没有看到您的脸',
    en: 'No face was seen',
    detail: '请站在屏幕正前方，正对摄像头。',
  },
  severalFaces: {
    title: '镜头里不止一个人',
    en: 'More than one person was seen',
    detail: '刷脸时请只有您本人在镜头前，陪同的人请稍微走开。',
  },
  poorQuality: {
    title: '画面不够清楚',
    en: 'The picture was not clear enough',
    detail: '请摘下帽子和口罩，面向亮处，保持不动。',
  },
  cameraUnavailable: {
    title: '摄像头暂时不能使用',
    en: 'The camera is not available',
    detail: '您可以请银行工作人员当面帮您认证。',
  },
  timeout: {
    title: '时间到了，还没有完成',
    en: 'Time ran out',
    detail: '请正对摄像头，按屏幕上的提示做。',
  },
};

export const faceText = {
  consent: {
    title: '刷脸认证前，请您同意',
    en: 'Your consent before the face check',
    points: [
      '拍什么：用这台机器的摄像头拍您的脸。',
      '怎么比：只在本机和您在社保的照片比一比。',
      '不保存：照片不保存、不上传，比完就删。',
      '不想刷脸：可以请银行工作人员帮您认证。',
    ],
    pointsLabel: '刷脸认证要点',
    fullText: '告知书全文',
    fullTextLabel: (version: string) => `告知书全文，版本${version}`,
    pointsBack: '看要点',
    agree: '同意，开始刷脸',
    decline: '不刷脸，找工作人员',
    validUntil: (date: string, daysLeft: number) =>
      daysLeft >= 0 ? `您本次认证到${date}，还有${daysLeft}天` : `认证已在${date}到期，已过期${-daysLeft}天`,
    noneYet: '您还没有认证记录',
    suspended: '养老金暂停发放中，认证通过后恢复。',
    overdueShort: (days: number) => `认证已过期${days}天`,
    speechIntro: '刷脸认证前，请您同意。',
    speechAfter: '同意请点：同意，开始刷脸。不想刷脸，请点：不刷脸，找工作人员。',
  },
  capture: {
    previewLabel: '摄像头画面',
    waiting: '正在打开摄像头…',
    secondsLeft: (seconds: number) => `还剩${seconds}秒`,
    attempt: (attempt: number, max: number) => `第${attempt}次，共${max}次`,
    guide: '请把脸放进框里',
  },
  failed: {
    attemptsLeft: (n: number) => `还可以再试${n}次`,
    noAttemptsLeft: '刷脸次数已用完',
    lockedUntil: (time: string) => `为保护您的安全，${time}以后才能再刷脸。`,
    staffInstead: '您可以请银行工作人员当面帮您认证，一样有效。',
    retry: '再试一次',
    assisted: '请工作人员帮我认证',
  },
  staffSignIn: {
    title: '请银行工作人员登录',
    en: 'Bank staff: please sign in',
    hint: (reason: string) => `原因：${reason}。由工作人员输入，办理人请稍候`,
    staffNumber: '工号',
    password: '密码',
    otp: '动态码',
    sixDigits: '6位数字',
    submit: '登录',
    failed: '工号、密码或动态码不正确',
    keyboard: '屏幕键盘',
    backspace: '删除',
    shift: '大小写',
    speech: '请银行工作人员输入工号、密码和动态码，然后点登录。办理人请稍候。',
  },
  staffConfirm: {
    title: '请工作人员当面核对本人',
    en: 'Staff: confirm the person in front of you',
    staff: '工作人员',
    name: '办理人',
    idNumber: '证件号码',
    reason: '原因',
    statement: '我已当面核对身份证和本人，确认是本人办理。',
    confirm: '确认是本人',
    speech: '请工作人员当面核对身份证和本人，无误请点确认是本人。',
  },
} as const;

// ---------- social security card made at the kiosk (issue 4) ----------

/**
 * The stages of making a card, as the progress list names them. 'blank' and 'take' both move a card, so they
 * are worded apart (准备空白卡 / 取卡): two lines both saying 取卡 would confuse.
 */
export const cardStages: Readonly<Record<CardStage, { name: string; doing: string }>> = {
  blank: { name: '准备空白卡', doing: '机器正在取出一张空白卡' },
  chip: { name: '写入芯片', doing: '正在把您的社保信息写进卡上的芯片' },
  check: { name: '核对芯片', doing: '正在检查芯片里的信息有没有写对' },
  print: { name: '打印卡面', doing: '正在把您的照片和姓名印到卡上' },
  pin: { name: '设置密码', doing: '请您在密码键盘上设置密码' },
  activate: { name: '启用', doing: '正在开通您的社保卡' },
  take: { name: '取卡', doing: '请从出卡口取走您的社保卡' },
};

/** Why making the card stopped: what happened, and what happens next, in plain words. */
export const cardStops: Readonly<Record<CardStopReason, { title: string; en: string; detail: string }>> = {
  noStock: {
    title: '本机空白卡已用完',
    en: 'This kiosk has no blank cards left',
    detail: '现在不能在本机制卡。工作人员补充空白卡后就可以办理，也可以到社保窗口或其他网点办理。',
  },
  deviceFault: {
    title: '制卡机出了故障，暂时不能制卡',
    en: 'The card printer has a fault',
    detail: '这不是您的问题。工作人员修好机器后就可以办理，也可以到社保窗口办理。',
  },
  attemptsExhausted: {
    title: '几次制卡都没有成功',
    en: 'The card could not be made',
    detail:
      '机器试了几张卡都没有做好，没做好的卡已收进机器内的安全卡箱，不会被别人拿走。请联系大堂工作人员。',
  },
  notTaken: {
    title: '您没有取走社保卡',
    en: 'The card was not taken',
    detail: '卡片已收回机器内的安全卡箱，请联系大堂工作人员领取。',
  },
  pinNotSet: {
    title: '密码没有设置好',
    en: 'The PIN was not set',
    detail: '没有设置密码的卡不能使用，已收进机器内的安全卡箱，不会被别人拿走。请联系大堂工作人员。',
  },
};

/** "约还需 N 秒/分钟": seconds below a minute, else whole minutes rounded up. */
export function cardTimeLeft(seconds: number): string {
  return seconds < 60 ? `约还需${seconds}秒` : `约还需${Math.ceil(seconds / 60)}分钟`;
}

export const cardText = {
  progress: {
    title: '正在制作您的社保卡',
    en: 'Your card is being made',
    stagesLabel: '制卡步骤',
    states: { done: '已完成', current: '正在进行', todo: '等待中' },
    attempt: (attempt: number, max: number) => `正在制作第${attempt}张卡（最多${max}张）`,
    stay: '请不要离开，制卡期间不能返回',
    speech: (stage: string, doing: string) => `正在制作您的社保卡，现在是：${stage}。${doing}。请不要离开。`,
  },
  pin: {
    newTitle: (length: number) => `请在密码键盘上输入${length}位新密码，按确认键`,
    repeatTitle: '请再输入一次',
    repeatHint: (length: number) => `再输入一次刚才的${length}位密码，按确认键`,
    en: { new: 'Choose a PIN on the PIN pad', repeat: 'Enter the same PIN again' },
    cover: '输入时请用另一只手遮挡密码键盘',
    correct: '输错了，请按密码键盘上的“更正”键重新输入',
    mismatch: '两次输入的密码不一致，请重新设置',
    noDigits: '屏幕上不会显示密码',
    typed: (count: number, length: number) => `已输入${count}位，共${length}位`,
    secondsLeft: (seconds: number) => `还剩${seconds}秒`,
    pictureLabel: '示意图：用一只手遮挡，在密码键盘上输入密码',
    padUnavailable: '密码键盘暂时不能使用，请联系工作人员',
    speechNew: (length: number) => `请在密码键盘上输入${length}位新密码，输入时请用手遮挡，输完后按确认键。`,
    speechRepeat: '请在密码键盘上再输入一次刚才的密码，输完后按确认键。',
  },
  take: {
    title: '请取走您的社保卡',
    en: 'Please take your card',
    cardNumber: '社保卡号',
    where: '卡在出卡口，请拿好',
    secondsLeft: (seconds: number) => `还剩${seconds}秒`,
    late: '超时未取，卡片会收回机器内的安全卡箱',
    pictureLabel: '示意图：社保卡从出卡口伸出，请取走',
    speech: '请取走您的社保卡。卡在出卡口，请拿好。',
  },
  stopped: {
    kept: '您的申请已保留，可到柜台或下次来本机继续办理',
    notKept: '这次申请没有保留，需要时请重新申请',
    staffAlerted: '已通知工作人员',
    askStaff: '请点“呼叫工作人员”，请大堂工作人员帮助',
    reference: '受理编号（请给工作人员看）',
    home: '返回首页',
  },
} as const;

export const cardPrinterFaultLabels: Readonly<Record<CardPrinterFault, string>> = {
  none: '无故障 none',
  feederEmpty: '空白卡用完 feederEmpty',
  jam: '卡住（需维修）jam',
  jamOnce: '卡住一次 jamOnce',
  ribbonOut: '色带用完 ribbonOut',
  rejectBoxFull: '废卡箱满 rejectBoxFull',
  coverOpen: '机盖打开 coverOpen',
  cardNotTaken: '不取卡 cardNotTaken',
};

export const chipFaultLabels: Readonly<Record<ChipEncoderFault, string>> = {
  none: '无故障 none',
  noCard: '无卡 noCard',
  muteCard: '芯片无应答 muteCard',
  writeError: '写入失败 writeError',
  readBackCorruption: '读回不一致 readBackCorruption',
};

export const cardSimulatorText = {
  title: '模拟制卡机',
  chipTitle: '模拟芯片写卡器',
  current: '当前故障',
  feeder: '空白卡',
  rejectBox: '废卡箱',
  slot: '出卡口',
  cardInSlot: '有卡',
  slotEmpty: '空',
  count: (n: number) => `${n}张`,
  take: '取走卡片',
  devices: '设备状态',
  printer: '制卡机',
  encoder: '芯片写卡器',
  deviceStates: {
    online: '正常',
    busy: '工作中',
    offline: '离线',
    hardwareError: '硬件故障',
    noDevice: '未接',
  },
  feederStates: { ok: '卡充足', low: '卡不多', out: '无卡', unknown: '不详' },
} as const;
