import type { FlowKind, FlowStep, FlowView } from '@sik/contract';

/**
 * Example flow views, one or more per step type, as the agent publishes them (masked, no secrets). They feed
 * the kiosk examples (`examples.ts`: unit tests, the `?example=` harness, screenshots and axe in look.ts).
 * Expiry times are relative to `now`, so every example is a function of the clock.
 */

export type FlowExample = (now: number) => FlowView;

let counter = 0;
function view(
  kind: FlowKind,
  step: FlowStep,
  more: Partial<Omit<FlowView, 'kind' | 'step'>> = {},
): FlowExample {
  counter += 1;
  const flowId = `example-flow-${counter}`;
  return () => ({
    flowId,
    kind,
    bundleId: kind === 'bundle' ? 'newResident' : null,
    step,
    progress: null,
    canGoBack: false,
    error: null,
    ...more,
  });
}

const steps = (index: number, total: number) => ({ progress: { index, total }, canGoBack: index > 1 });

const grades: FlowStep = {
  type: 'choose',
  question: 'grade',
  options: [200, 300, 500, 1000, 2000, 3000, 5000].map((yuan) => ({
    value: String(yuan),
    label: `${yuan}元/年`,
  })),
  selected: null,
};

const paymentMethods: FlowStep = {
  type: 'choose',
  question: 'paymentMethod',
  options: [{ value: 'bankAccount', detail: '中国工商银行 6222 **** **** 0427' }, { value: 'qr' }],
  selected: null,
};

const contributionYears = Array.from({ length: 12 }, (_, i) => ({
  year: 2024 - i,
  type: 'pension',
  months: 12,
  amountCents: 50_000 + i * 1_000,
}));

const pensionMonths = Array.from({ length: 8 }, (_, i) => {
  const month = 12 - i;
  return {
    month: `2024-${String(month).padStart(2, '0')}`,
    amountCents: 285_650,
    status: month === 6 ? ('withheld' as const) : ('paid' as const),
  };
});

const qrBase = view('contributionPayment', paymentMethods, steps(4, 4));

const consentText =
  '为办理待遇领取资格认证，本机将通过摄像头采集您的人脸图像，仅在本机内与社会保险经办机构留存的您的照片进行比对，' +
  '用于确认是否为本人办理。人脸图像不保存、不上传，比对结束即删除；本机只记录认证结果。' +
  '您可以不同意，改由银行工作人员当面核验身份后办理，不影响您领取待遇。';

const capture = (
  instruction: Extract<FlowStep, { type: 'faceCapture' }>['instruction'],
  hint: Extract<FlowStep, { type: 'faceCapture' }>['hint'],
  more: { secondsLeft?: number; attempt?: number; liveness?: 'binocular' | 'headTurn' } = {},
): FlowStep => ({
  type: 'faceCapture',
  instruction,
  hint,
  liveness: more.liveness ?? 'headTurn',
  attempt: more.attempt ?? 1,
  maxAttempts: 3,
  secondsLeft: more.secondsLeft ?? 18,
});

const cardProgress = (
  stage: Extract<FlowStep, { type: 'cardProgress' }>['stage'],
  stagesDone: Extract<FlowStep, { type: 'cardProgress' }>['stagesDone'],
  more: { secondsLeft?: number; attempt?: number; notice?: string | null } = {},
): FlowStep => ({
  type: 'cardProgress',
  stage,
  stagesDone,
  secondsLeft: more.secondsLeft ?? 95,
  attempt: more.attempt ?? 1,
  maxAttempts: 3,
  notice: more.notice ?? null,
});

const cardPin = (
  phase: 'new' | 'repeat',
  keysEntered: number,
  more: { mismatch?: boolean; secondsLeft?: number } = {},
): FlowStep => ({
  type: 'cardPin',
  phase,
  keysEntered,
  pinLength: 6,
  mismatch: more.mismatch ?? false,
  secondsLeft: more.secondsLeft ?? 48,
});

const cardStopped = (
  reason: Extract<FlowStep, { type: 'cardStopped' }>['reason'],
  more: { applicationKept?: boolean; staffAlerted?: boolean; reference?: string | null } = {},
): FlowStep => ({
  type: 'cardStopped',
  reason,
  applicationKept: more.applicationKept ?? true,
  staffAlerted: more.staffAlerted ?? true,
  reference: more.reference === undefined ? 'SK2025-000031' : more.reference,
});

export const flowExamples = {
  // ---- records query ----
  recordsLoading: view('recordsQuery', { type: 'loading', label: 'records' }),
  recordsSummary: view('recordsQuery', {
    type: 'recordsSummary',
    summary: {
      insurances: [
        { type: 'pension', scheme: 'employee', status: 'active', since: '1995-07', lastYearPaid: 2019 },
        { type: 'medical', scheme: 'employee', status: 'active', since: '2001-01-01', lastYearPaid: 2024 },
        {
          type: 'unemployment',
          scheme: 'employee',
          status: 'terminated',
          since: '1999-01',
          lastYearPaid: 2019,
        },
        { type: 'workInjury', scheme: 'employee', status: 'suspended', since: '2004-01', lastYearPaid: null },
      ],
      pension: { status: 'active', monthlyAmountCents: 285_650, nextAuthenticationDue: '2025-09-30' },
      personalAccountCents: 4_512_034,
      contributionYears: 25,
    },
  }),
  recordsSummaryNoPension: view('recordsQuery', {
    type: 'recordsSummary',
    summary: {
      insurances: [
        { type: 'pension', scheme: 'resident', status: 'active', since: '2018-03', lastYearPaid: 2024 },
      ],
      pension: null,
      personalAccountCents: 360_000,
      contributionYears: 7,
    },
  }),
  contributions: view(
    'recordsQuery',
    { type: 'contributions', years: contributionYears },
    { canGoBack: true },
  ),
  pensionPayments: view(
    'recordsQuery',
    { type: 'pensionPayments', months: pensionMonths },
    { canGoBack: true },
  ),

  // ---- rights-record printing ----
  printDocumentKind: view(
    'rightsRecordPrint',
    {
      type: 'choose',
      question: 'documentKind',
      options: [
        { value: 'enrollmentCertificate' },
        { value: 'contributionDetails' },
        { value: 'pensionPayments' },
      ],
      selected: null,
    },
    steps(1, 3),
  ),
  printYearRange: view(
    'rightsRecordPrint',
    {
      type: 'choose',
      question: 'yearRange',
      options: [
        { value: '2024-2024', label: '2024年' },
        { value: '2022-2024', label: '最近3年（2022—2024年）' },
        { value: '2015-2024', label: '最近10年（2015—2024年）' },
        { value: 'all', label: '全部年份' },
      ],
      selected: '2022-2024',
    },
    steps(2, 3),
  ),
  printGenerating: view('rightsRecordPrint', { type: 'loading', label: 'generating' }, { progress: null }),
  documentPreview: view(
    'rightsRecordPrint',
    {
      type: 'documentPreview',
      title: '社会保险参保缴费明细（2022—2024年）',
      lines: [
        '姓名：王*华　证件号码：1101**********2316',
        '险种：城乡居民基本养老保险',
        '2024年　12个月　缴费 ¥500.00',
        '2023年　12个月　缴费 ¥500.00',
        '2022年　12个月　缴费 ¥300.00',
        '本证明可在人社网站输入验证码核验',
      ],
      pages: 1,
      verificationCode: 'K7Q4-9XHM-2P',
    },
    steps(3, 3),
  ),
  printPrinting: view('rightsRecordPrint', { type: 'loading', label: 'printing' }),
  printDone: view('rightsRecordPrint', {
    type: 'result',
    outcome: 'success',
    items: [{ item: 'document', status: 'done', message: '证明已打印，共1页。', reference: 'K7Q4-9XHM-2P' }],
    printed: 'document',
    printProblem: null,
  }),
  printPaperOut: view('rightsRecordPrint', {
    type: 'result',
    outcome: 'partial',
    items: [
      {
        item: 'document',
        status: 'failed',
        message: '证明已生成，但打印机缺纸，没有打出来。',
        reference: 'K7Q4-9XHM-2P',
      },
    ],
    printed: null,
    printProblem: '打印机缺纸。请呼叫工作人员加纸后点“重新打印”。',
  }),

  // ---- enrollment ----
  enrollmentChecking: view('enrollment', { type: 'loading', label: 'checking' }),
  enrollmentNotEligible: view('enrollment', {
    type: 'notEligible',
    reasons: ['您已参加职工基本养老保险，不能同时参加城乡居民养老保险。'],
  }),
  enrollmentGrade: view('enrollment', grades, steps(1, 6)),
  enrollmentPhone: view(
    'enrollment',
    { type: 'digits', question: 'phone', value: '1380013', length: 11 },
    steps(2, 6),
  ),
  enrollmentHousehold: view(
    'enrollment',
    {
      type: 'choose',
      question: 'householdType',
      options: [{ value: 'urban' }, { value: 'rural' }],
      selected: 'rural',
    },
    steps(3, 6),
  ),
  enrollmentResidenceProof: view(
    'enrollment',
    {
      type: 'choose',
      question: 'residenceProof',
      options: [{ value: 'provided' }, { value: 'commitment' }],
      selected: null,
    },
    steps(4, 6),
  ),
  enrollmentCommitment: view(
    'enrollment',
    {
      type: 'commitment',
      text:
        '本人申请参加城乡居民基本养老保险。本人承诺：在本市有合法稳定住所，所填信息真实、准确、完整；' +
        '知晓社会保险经办机构将对承诺内容进行核查；如承诺不实，愿意承担相应法律责任，' +
        '并同意撤销本次参保登记，已缴费用按规定处理。',
    },
    steps(5, 6),
  ),
  enrollmentConfirm: view(
    'enrollment',
    {
      type: 'confirm',
      lines: [
        { label: '姓名', value: '王*华' },
        { label: '证件号码', value: '1101**********2316' },
        { label: '缴费档次', value: '500元/年' },
        { label: '手机号码', value: '138****8000' },
        { label: '户口类型', value: '农村户口' },
        { label: '居住证明', value: '告知承诺（以后核查）' },
      ],
    },
    steps(6, 6),
  ),
  enrollmentSubmitting: view('enrollment', { type: 'loading', label: 'submitting' }),
  enrollmentDone: view('enrollment', {
    type: 'result',
    outcome: 'success',
    items: [
      {
        item: 'enrollment',
        status: 'done',
        message: '已参加城乡居民基本养老保险，每年缴费500元。请按时缴费。',
        reference: 'CB2025-000123',
      },
    ],
    printed: 'receipt',
    printProblem: null,
  }),

  // ---- contribution payment ----
  paymentGrade: view('contributionPayment', grades, steps(1, 4)),
  paymentYear: view(
    'contributionPayment',
    {
      type: 'choose',
      question: 'contributionYear',
      options: [
        { value: '2025', label: '2025年' },
        { value: '2024', label: '2024年（补缴）', disabled: true, detail: '已缴清，无需补缴' },
      ],
      selected: null,
    },
    steps(2, 4),
  ),
  paymentMethod: view('contributionPayment', paymentMethods, steps(2, 4)),
  paymentConfirm: view(
    'contributionPayment',
    {
      type: 'confirm',
      lines: [
        { label: '缴费项目', value: '城乡居民基本养老保险' },
        { label: '缴费年度', value: '2025年' },
        { label: '缴费金额', value: '¥500.00' },
        { label: '付款方式', value: '中国工商银行 6222 **** **** 0427' },
      ],
    },
    steps(3, 4),
  ),
  paymentPin: view(
    'contributionPayment',
    {
      type: 'pin',
      keysEntered: 3,
      pinLength: 6,
      accountMasked: '6222 **** **** 0427',
      bankName: '中国工商银行',
      amountCents: 50_000,
    },
    steps(4, 4),
  ),
  paymentQr: (now) => ({
    ...qrBase(now),
    step: {
      type: 'qr',
      content: 'https://pay.example.invalid/qr/ORD-2025-000777?amount=50000',
      amountCents: 50_000,
      expiresAt: new Date(now + 4 * 60_000 + 30_000).toISOString(),
    },
  }),
  paymentPaying: view('contributionPayment', { type: 'loading', label: 'paying' }),
  paymentDone: view('contributionPayment', {
    type: 'result',
    outcome: 'success',
    items: [
      {
        item: 'contribution',
        status: 'done',
        message: '已缴纳2025年城乡居民养老保险费500元。',
        reference: 'JF2025-004711',
      },
    ],
    printed: 'receipt',
    printProblem: null,
  }),
  paymentDeclined: view('contributionPayment', {
    type: 'result',
    outcome: 'failure',
    items: [
      {
        item: 'contribution',
        status: 'failed',
        message: '银行未扣款：账户余额不足。没有扣您的钱。',
        reference: null,
      },
    ],
    printed: null,
    printProblem: null,
  }),
  paymentPending: view('contributionPayment', {
    type: 'result',
    outcome: 'pending',
    items: [
      {
        item: 'contribution',
        status: 'pending',
        message: '银行暂时没有回复，系统会自动查询结果。',
        reference: 'JF2025-004712',
      },
    ],
    printed: null,
    printProblem: null,
  }),
  paymentUpstreamError: view('contributionPayment', paymentMethods, {
    ...steps(2, 4),
    error: { code: 'UPSTREAM_UNAVAILABLE', message: '暂时连不上银行，没有扣款。请稍后再试。' },
  }),
  paymentPinWrong: view(
    'contributionPayment',
    {
      type: 'pin',
      keysEntered: 0,
      pinLength: 6,
      accountMasked: '6222 **** **** 0427',
      bankName: '中国工商银行',
      amountCents: 50_000,
    },
    {
      ...steps(4, 4),
      error: { code: 'PAYMENT_DECLINED', message: '密码不对，没有扣款。请重新输入，还可以试2次。' },
    },
  ),

  // ---- bundle: new resident ----
  bundleGrade: view('bundle', grades, steps(1, 7)),
  bundleConfirm: view(
    'bundle',
    {
      type: 'confirm',
      lines: [
        { label: '办理事项', value: '参保登记、首次缴费、申领社保卡' },
        { label: '缴费档次', value: '500元/年' },
        { label: '手机号码', value: '138****8000' },
        { label: '户口类型', value: '城镇户口' },
        { label: '居住证明', value: '已提供' },
        { label: '付款方式', value: '手机扫码支付' },
      ],
    },
    steps(6, 7),
  ),
  bundleResult: view('bundle', {
    type: 'result',
    outcome: 'partial',
    items: [
      { item: 'enrollment', status: 'done', message: '已参保。', reference: 'CB2025-000124' },
      {
        item: 'contribution',
        status: 'failed',
        message: '付款没有成功，没有扣款。可以稍后在“社保缴费”里再缴。',
        reference: null,
      },
      {
        item: 'cardApplication',
        status: 'queued',
        message: '已受理。本机制卡服务开通后会短信通知您，也可以到柜台领取。',
        reference: 'SK2025-000031',
      },
    ],
    printed: 'receipt',
    printProblem: null,
  }),

  // ---- qualification authentication: face check, or bank staff ----
  authConsent: view(
    'qualificationAuth',
    {
      type: 'faceConsent',
      text: consentText,
      version: '2025-06',
      validUntil: '2025-09-30',
      daysLeft: 21,
      pensionSuspended: false,
    },
    steps(1, 3),
  ),
  authConsentSuspended: view(
    'qualificationAuth',
    {
      type: 'faceConsent',
      text: consentText,
      version: '2025-06',
      validUntil: '2025-03-31',
      daysLeft: -40,
      pensionSuspended: true,
    },
    steps(1, 3),
  ),
  authPreparingCamera: view('qualificationAuth', { type: 'loading', label: 'preparingCamera' }),
  authCaptureLook: view('qualificationAuth', capture('lookAtCamera', null), steps(2, 3)),
  authCaptureTooDark: view(
    'qualificationAuth',
    capture('lookAtCamera', 'tooDark', { secondsLeft: 12 }),
    steps(2, 3),
  ),
  authCaptureTurnLeft: view(
    'qualificationAuth',
    capture('turnLeft', 'lookStraight', { secondsLeft: 9, attempt: 2 }),
    steps(2, 3),
  ),
  authCaptureChecking: view(
    'qualificationAuth',
    capture('checking', null, { secondsLeft: 6, liveness: 'binocular' }),
    steps(2, 3),
  ),
  authFailedMismatch: view(
    'qualificationAuth',
    { type: 'faceFailed', reason: 'mismatch', attemptsLeft: 2, lockedUntil: null },
    steps(2, 3),
  ),
  authFailedStillPhoto: view(
    'qualificationAuth',
    { type: 'faceFailed', reason: 'livenessFailed', attemptsLeft: 1, lockedUntil: null },
    steps(2, 3),
  ),
  authFailedLocked: view(
    'qualificationAuth',
    { type: 'faceFailed', reason: 'mismatch', attemptsLeft: 0, lockedUntil: '2025-09-10T06:30:00.000Z' },
    steps(2, 3),
  ),
  authFailedCamera: view(
    'qualificationAuth',
    { type: 'faceFailed', reason: 'cameraUnavailable', attemptsLeft: 2, lockedUntil: null },
    steps(2, 3),
  ),
  authAssistReason: view('qualificationAuth', {
    type: 'choose',
    question: 'assistReason',
    options: [
      { value: 'cannotUseCamera' },
      { value: 'declinedFaceCheck' },
      { value: 'faceCheckFailed' },
      { value: 'noReferencePhoto' },
    ],
    selected: null,
  }),
  authStaffSignIn: view('qualificationAuth', {
    type: 'staffSignIn',
    reason: 'declinedFaceCheck',
    failed: false,
  }),
  authStaffSignInFailed: view('qualificationAuth', {
    type: 'staffSignIn',
    reason: 'faceCheckFailed',
    failed: true,
  }),
  authStaffConfirm: view('qualificationAuth', {
    type: 'staffConfirm',
    staffName: '张*（工号 10****）',
    maskedName: '王*华',
    maskedIdNumber: '1101**********2316',
    reason: 'faceCheckFailed',
  }),
  authDone: view('qualificationAuth', {
    type: 'result',
    outcome: 'success',
    items: [
      {
        item: 'authentication',
        status: 'done',
        message: '认证通过。本次认证有效到2026年9月9日，到期前一个月请再来认证。',
        reference: 'RZ2025-001234',
      },
    ],
    printed: null,
    printProblem: null,
  }),
  authDoneResumed: view('qualificationAuth', {
    type: 'result',
    outcome: 'success',
    items: [
      {
        item: 'authentication',
        status: 'done',
        message: '工作人员已帮您认证，有效到2026年9月9日。暂停的养老金将恢复发放。',
        reference: 'RZ2025-001235',
      },
    ],
    printed: 'receipt',
    printProblem: null,
  }),

  // ---- social security card, made at the kiosk ----
  cardMatter: view(
    'socialSecurityCard',
    {
      type: 'choose',
      question: 'cardMatter',
      options: [
        { value: 'first', disabled: true, detail: '您已经有社保卡了' },
        { value: 'replacement', disabled: true, detail: '请先挂失旧卡' },
        { value: 'renewal' },
        { value: 'reportLoss' },
      ],
      selected: null,
    },
    steps(1, 3),
  ),
  cardPreparing: view('socialSecurityCard', { type: 'loading', label: 'preparingCard' }),
  cardProgressBlank: view('socialSecurityCard', cardProgress('blank', [], { secondsLeft: 150 })),
  cardProgressPrint: view(
    'socialSecurityCard',
    cardProgress('print', ['blank', 'chip', 'check'], { secondsLeft: 40 }),
  ),
  cardProgressRetry: view(
    'socialSecurityCard',
    cardProgress('chip', ['blank'], {
      secondsLeft: 130,
      attempt: 2,
      notice: '第一张卡制作失败，正在用新卡重新制作',
    }),
  ),
  cardProgressActivate: view(
    'socialSecurityCard',
    cardProgress('activate', ['blank', 'chip', 'check', 'print', 'pin', 'take'], { secondsLeft: 0 }),
  ),
  cardPinNew: view('socialSecurityCard', cardPin('new', 2)),
  cardPinRepeat: view('socialSecurityCard', cardPin('repeat', 5, { secondsLeft: 31 })),
  cardPinMismatch: view('socialSecurityCard', cardPin('new', 0, { mismatch: true, secondsLeft: 60 })),
  cardTake: view('socialSecurityCard', { type: 'cardTake', maskedCardNumber: 'A12****78', secondsLeft: 52 }),
  cardStoppedNoStock: view('socialSecurityCard', cardStopped('noStock', { staffAlerted: true })),
  cardStoppedDeviceFault: view('socialSecurityCard', cardStopped('deviceFault')),
  cardStoppedAttempts: view('socialSecurityCard', cardStopped('attemptsExhausted')),
  cardStoppedNotTaken: view('socialSecurityCard', cardStopped('notTaken')),
  cardStoppedPinNotSet: view(
    'socialSecurityCard',
    cardStopped('pinNotSet', { staffAlerted: false, applicationKept: true }),
  ),
  cardStoppedNoReference: view(
    'socialSecurityCard',
    cardStopped('deviceFault', { applicationKept: false, staffAlerted: false, reference: null }),
  ),
  cardDone: view('socialSecurityCard', {
    type: 'result',
    outcome: 'success',
    items: [
      {
        item: 'card',
        status: 'done',
        message: '社保卡已制好并启用，可以马上使用。请妥善保管，不要把密码告诉别人。',
        reference: 'SK2025-000031',
      },
    ],
    printed: 'receipt',
    printProblem: null,
  }),
} satisfies Record<string, FlowExample>;

export type FlowExampleName = keyof typeof flowExamples;
