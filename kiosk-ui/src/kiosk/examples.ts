import type { KioskState, NoticeCode, ServiceTile, SessionView, SimulatorView } from '@sik/contract';
import { type FlowExampleName, flowExamples } from './flow/flow.examples.ts';

/**
 * Example KioskStates for every phase, built relative to `now` so countdowns and notice ages make sense.
 * They drive the unit tests and the `?example=<name>` harness (dev only) used for screenshots and axe.
 * Names and numbers are made up and already masked, as the agent sends them.
 */

export type KioskExample = (now: number) => KioskState;

const services: ServiceTile[] = [
  { id: 'qualificationAuth', available: true },
  { id: 'socialSecurityCard', available: false },
  { id: 'recordsQuery', available: true },
  { id: 'rightsRecordPrint', available: true },
  { id: 'contributionPayment', available: true },
  { id: 'enrollment', available: true },
];

export const exampleSession: SessionView = {
  sessionId: 'example-session-1',
  cardType: 'resident',
  maskedName: '王*华',
  maskedIdNumber: '1101**********2316',
  recordsFound: true,
  pensioner: true,
};

export const exampleSimulator: SimulatorView = {
  cardOnReader: null,
  fault: 'none',
  citizens: [
    { key: 'pensioner', cardType: 'resident', label: '退休人员 王*华', maskedIdNumber: '1101**********2316' },
    { key: 'resident', cardType: 'resident', label: '城乡居民 李*', maskedIdNumber: '3301**********0427' },
    { key: 'hk', cardType: 'hkMacaoTaiwan', label: '港澳居民 陈*明', maskedIdNumber: '8100**********0015' },
    {
      key: 'foreign',
      cardType: 'foreignPermanent2023',
      label: '外国人永居 J*** S****',
      maskedIdNumber: '9311**********0036',
    },
  ],
  cameraScene: 'cardHolder',
  cardPrinter: null,
};

/** The dock with a simulated card printer: blanks in the feeder, a rejected card, nothing in the slot. */
export const exampleCardPrinter: NonNullable<SimulatorView['cardPrinter']> = {
  fault: 'none',
  chipFault: 'none',
  feeder: 47,
  rejectBox: 1,
  cardInSlot: false,
};

const peripheral = { device: 'online', media: 'ok', detail: null } as const;
const devicesWith = (idcard: KioskState['devices']['idcard']): KioskState['devices'] => ({
  idcard,
  pinpad: { ...peripheral, media: 'unknown' },
  receiptPrinter: peripheral,
  a4Printer: peripheral,
  camera: { ...peripheral, media: 'unknown' },
  cardPrinter: peripheral,
  chipEncoder: { ...peripheral, media: 'unknown' },
});

function base(now: number): KioskState {
  return {
    kioskId: 'kiosk-example-01',
    phase: 'attract',
    displayMode: 'normal',
    session: null,
    idle: null,
    services,
    bundles: [
      {
        bundleId: 'newResident',
        services: ['enrollment', 'contributionPayment', 'socialSecurityCard'],
        available: true,
      },
    ],
    flow: null,
    devices: devicesWith({ device: 'online', media: 'notPresent', detail: null }),
    notice: null,
    simulator: null,
    revision: Math.floor(now / 1000),
  };
}

const idle = (now: number, warning: boolean) => ({
  deadline: now + (warning ? 20_000 : 90_000),
  warnAt: now + (warning ? 0 : 70_000),
  warning,
});

const notice = (code: NoticeCode, now: number) => ({ code, at: now - 1_000 });

const inSession = (now: number, phase: KioskState['phase']): KioskState => ({
  ...base(now),
  phase,
  session: exampleSession,
  idle: idle(now, false),
});

const elder =
  (example: KioskExample): KioskExample =>
  (now) => ({ ...example(now), displayMode: 'elder' });
const withSimulator =
  (example: KioskExample, cardOnReader: string | null = null): KioskExample =>
  (now) => ({ ...example(now), simulator: { ...exampleSimulator, cardOnReader } });

const withCardPrinter =
  (example: KioskExample, printer: Partial<NonNullable<SimulatorView['cardPrinter']>> = {}): KioskExample =>
  (now) => ({
    ...example(now),
    simulator: {
      ...exampleSimulator,
      cardOnReader: 'resident',
      cardPrinter: { ...exampleCardPrinter, ...printer },
    },
  });

const attract: KioskExample = (now) => base(now);
const awaitCard: KioskExample = (now) => ({ ...base(now), phase: 'awaitCard', idle: idle(now, false) });
const reading: KioskExample = (now) => ({
  ...base(now),
  phase: 'reading',
  devices: devicesWith({ device: 'busy', media: 'present', detail: null }),
});
const greeting: KioskExample = (now) => inSession(now, 'greeting');
const home: KioskExample = (now) => inSession(now, 'home');
const idleWarning: KioskExample = (now) => ({ ...inSession(now, 'home'), idle: idle(now, true) });

/** Phase 'service' with one of the flow examples. */
const inFlow =
  (name: FlowExampleName): KioskExample =>
  (now) => ({ ...inSession(now, 'service'), flow: flowExamples[name](now) });

type FlowExampleKey = `flow${Capitalize<FlowExampleName>}`;
const capitalize = <S extends string>(s: S) => `${s.charAt(0).toUpperCase()}${s.slice(1)}` as Capitalize<S>;

/** Every flow example as a kiosk example: `flow<Name>` (normal mode). */
const flowKioskExamples = Object.fromEntries(
  (Object.keys(flowExamples) as FlowExampleName[]).map((name) => [`flow${capitalize(name)}`, inFlow(name)]),
) as Record<FlowExampleKey, KioskExample>;

/** One example per step type in elder mode (and the ones with most text), `elderFlow<Name>`. */
const elderFlowNames = [
  'recordsLoading',
  'recordsSummary',
  'contributions',
  'pensionPayments',
  'printDocumentKind',
  'documentPreview',
  'printPaperOut',
  'enrollmentNotEligible',
  'enrollmentGrade',
  'enrollmentPhone',
  'enrollmentCommitment',
  'enrollmentConfirm',
  'paymentMethod',
  'paymentUpstreamError',
  'paymentPin',
  'paymentQr',
  'paymentPending',
  'bundleResult',
  'authConsentSuspended',
  'authPreparingCamera',
  'authCaptureTurnLeft',
  'authFailedMismatch',
  'authFailedLocked',
  'authAssistReason',
  'authStaffSignInFailed',
  'authStaffConfirm',
  'authDone',
  'cardMatter',
  'cardPreparing',
  'cardProgressRetry',
  'cardPinMismatch',
  'cardTake',
  'cardStoppedNotTaken',
  'cardStoppedAttempts',
  'cardDone',
] as const satisfies readonly FlowExampleName[];
type ElderFlowKey = `elderFlow${Capitalize<(typeof elderFlowNames)[number]>}`;
const elderFlowKioskExamples = Object.fromEntries(
  elderFlowNames.map((name) => [`elderFlow${capitalize(name)}`, elder(inFlow(name))]),
) as Record<ElderFlowKey, KioskExample>;

export const kioskExamples = {
  attract,
  attractEnded: (now) => ({ ...base(now), notice: notice('sessionEnded', now) }),
  attractTimedOut: (now) => ({ ...base(now), notice: notice('sessionTimedOut', now) }),
  awaitCard,
  awaitCardReadFailed: (now) => ({ ...awaitCard(now), notice: notice('cardReadFailed', now) }),
  awaitCardReaderUnavailable: (now) => ({
    ...awaitCard(now),
    devices: devicesWith({ device: 'offline', media: 'unknown', detail: 'no answer on the serial port' }),
    notice: notice('readerUnavailable', now),
  }),
  awaitCardWithDock: withSimulator(awaitCard),
  reading,
  readingWithDock: withSimulator(reading, 'pensioner'),
  greeting,
  greetingNoRecords: (now) => ({
    ...greeting(now),
    session: { ...exampleSession, recordsFound: false, pensioner: false },
    notice: notice('personNotFound', now),
  }),
  greetingServerUnreachable: (now) => ({
    ...greeting(now),
    session: { ...exampleSession, recordsFound: false },
    notice: notice('serverUnreachable', now),
  }),
  home,
  homeStaffCalled: (now) => ({ ...home(now), notice: notice('staffCalled', now) }),
  homeWithDock: withSimulator(home, 'pensioner'),
  idleWarning,
  elderAttract: elder(attract),
  elderAwaitCard: elder(awaitCard),
  elderGreeting: elder(greeting),
  elderHome: elder(home),
  elderHomeWithDock: elder(withSimulator(home, 'pensioner')),
  elderIdleWarning: elder(idleWarning),
  ...flowKioskExamples,
  ...elderFlowKioskExamples,
  // Between two publishes the agent may be in 'service' before the flow exists.
  flowOpening: (now) => inSession(now, 'service'),
  flowPinWithDock: withSimulator(inFlow('paymentPin'), 'resident'),
  flowQrWithDock: withSimulator(inFlow('paymentQr'), 'resident'),
  elderFlowPinWithDock: elder(withSimulator(inFlow('paymentPin'), 'resident')),
  flowAuthCaptureWithDock: withSimulator(inFlow('authCaptureLook'), 'pensioner'),
  flowAuthStaffSignInWithDock: withSimulator(inFlow('authStaffSignIn'), 'pensioner'),
  elderFlowAuthCaptureWithDock: elder(withSimulator(inFlow('authCaptureTooDark'), 'pensioner')),
  flowPrinterOut: (now) => ({
    ...inFlow('documentPreview')(now),
    devices: {
      ...devicesWith({ device: 'online', media: 'present', detail: null }),
      a4Printer: { device: 'online', media: 'out', detail: 'paper out' },
    },
  }),
  flowPinpadOffline: (now) => ({
    ...inFlow('paymentPin')(now),
    devices: {
      ...devicesWith({ device: 'online', media: 'present', detail: null }),
      pinpad: { device: 'offline', media: 'unknown', detail: 'no answer' },
    },
  }),
  flowCardProgressWithDock: withCardPrinter(inFlow('cardProgressPrint')),
  flowCardPinWithDock: withCardPrinter(inFlow('cardPinNew')),
  flowCardTakeWithDock: withCardPrinter(inFlow('cardTake'), { cardInSlot: true }),
  elderFlowCardTakeWithDock: elder(withCardPrinter(inFlow('cardTake'), { cardInSlot: true })),
  flowCardStoppedPrinterFault: (now) => ({
    ...withCardPrinter(inFlow('cardStoppedDeviceFault'), { fault: 'ribbonOut', chipFault: 'writeError' })(
      now,
    ),
    devices: {
      ...devicesWith({ device: 'online', media: 'present', detail: null }),
      cardPrinter: { device: 'hardwareError', media: 'low', detail: 'ribbon out' },
      chipEncoder: { device: 'online', media: 'unknown', detail: null },
    },
  }),
  homeBundleUnavailable: (now) => ({
    ...home(now),
    bundles: base(now).bundles.map((b) => ({ ...b, available: false })),
  }),
} satisfies Record<string, KioskExample>;

export type KioskExampleName = keyof typeof kioskExamples;

export const kioskExampleNames = Object.keys(kioskExamples) as KioskExampleName[];

export const isKioskExampleName = (name: string): name is KioskExampleName =>
  Object.hasOwn(kioskExamples, name);
