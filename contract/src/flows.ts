import { z } from 'zod';
import { AssistReason, FaceDecision } from './api/authentication.ts';
import { ErrorCode } from './result.ts';
import { ServiceId } from './services.ts';

/**
 * A service flow as the kiosk shows it. The agent runs every flow as a state machine and publishes only the
 * current step; the UI draws a screen per step type (one question per screen) and sends the citizen's answer
 * back. Nothing here is a secret: ID numbers and account numbers arrive masked, a PIN only as a count of keys.
 */

/** The questions a flow can ask; their wording lives in the UI's i18n. */
export const QuestionId = z.enum([
  // rights-record printing
  'documentKind',
  'yearRange',
  'monthRange',
  // enrollment and bundles
  'grade',
  'phone',
  'householdType',
  'residenceProof',
  // payment
  'paymentMethod',
  'contributionYear',
  // qualification authentication: why staff confirm the person instead of the face check
  'assistReason',
  // social security card: which matter (first / replacement / renewal / report of loss)
  'cardMatter',
]);
export type QuestionId = z.infer<typeof QuestionId>;

export const ChoiceOption = z.object({
  value: z.string(),
  /** Shown as is when set (e.g. an amount); otherwise the UI words the value from its i18n. */
  label: z.string().optional(),
  detail: z.string().optional(),
  disabled: z.boolean().optional(),
});
export type ChoiceOption = z.infer<typeof ChoiceOption>;

export const SummaryLine = z.object({ label: z.string(), value: z.string() });
export type SummaryLine = z.infer<typeof SummaryLine>;

/** Per-insurance status for the elder-friendly summary of the records query. */
export const InsuranceLine = z.object({
  type: z.enum(['pension', 'medical', 'unemployment', 'workInjury', 'maternity']),
  scheme: z.enum(['employee', 'resident']),
  status: z.enum(['active', 'suspended', 'terminated']),
  since: z.string(),
  lastYearPaid: z.number().nullable(),
});

export const RecordsSummaryView = z.object({
  insurances: z.array(InsuranceLine),
  pension: z
    .object({
      status: z.enum(['active', 'suspended', 'terminated']),
      monthlyAmountCents: z.number().int(),
      nextAuthenticationDue: z.string().nullable(),
    })
    .nullable(),
  personalAccountCents: z.number().int(),
  contributionYears: z.number().int(),
});
export type RecordsSummaryView = z.infer<typeof RecordsSummaryView>;

export const ContributionYearView = z.object({
  year: z.number().int(),
  type: z.string(),
  months: z.number().int(),
  amountCents: z.number().int(),
});

export const PensionMonthView = z.object({
  month: z.string(),
  amountCents: z.number().int(),
  status: z.enum(['paid', 'withheld']),
});

export const ItemOutcome = z.enum(['done', 'queued', 'failed', 'notAttempted', 'awaitingPayment', 'pending']);
export type ItemOutcome = z.infer<typeof ItemOutcome>;

export const ResultItem = z.object({
  /** e.g. 'enrollment', 'contribution', 'cardApplication', 'payment', 'document'. */
  item: z.string(),
  status: ItemOutcome,
  message: z.string(),
  reference: z.string().nullable(),
});
export type ResultItem = z.infer<typeof ResultItem>;

/** What the face check asks the citizen to do now. */
export const FaceInstruction = z.enum(['lookAtCamera', 'holdStill', 'turnLeft', 'turnRight', 'checking']);
export type FaceInstruction = z.infer<typeof FaceInstruction>;

/** Why the last frames were not usable, in the order the UI words them. */
export const FaceHint = z.enum([
  'noFace',
  'severalFaces',
  'tooFar',
  'tooClose',
  'offCenter',
  'tooDark',
  'blurry',
  'lookStraight',
]);
export type FaceHint = z.infer<typeof FaceHint>;

/**
 * The stages of making a card at the kiosk, in the order the citizen sees them on the progress screen.
 * blank: a blank card is taken from the feeder; chip: the chip is written; check: the chip is read back and
 * compared; print: the face is printed; pin: the citizen sets the PIN; take: the card comes out and is taken;
 * activate: the card is enabled (after it is in the citizen's hand: a card nobody took is never active).
 */
export const CardStage = z.enum(['blank', 'chip', 'check', 'print', 'pin', 'take', 'activate']);
export type CardStage = z.infer<typeof CardStage>;

/** Why making the card stopped, so the screen can say what happens next. */
export const CardStopReason = z.enum([
  /** No blank cards left in this kiosk. */
  'noStock',
  /** The card printer or chip encoder cannot work (ribbon out, cover open, jam that needs an engineer). */
  'deviceFault',
  /** Every blank the kiosk may try for one visit failed. */
  'attemptsExhausted',
  /** The card was presented and not taken: it went into the kiosk's secure box. */
  'notTaken',
  /** The citizen cancelled PIN entry or did not type: the half-made card went to the secure box. */
  'pinNotSet',
]);
export type CardStopReason = z.infer<typeof CardStopReason>;

export const FlowStep = z.discriminatedUnion('type', [
  /** Waiting for the server or a device; `label` says what for. */
  z.object({
    type: z.literal('loading'),
    label: z.enum([
      'records',
      'checking',
      'generating',
      'submitting',
      'paying',
      'printing',
      'preparingCamera',
      'preparingCard',
    ]),
  }),
  z.object({
    type: z.literal('choose'),
    question: QuestionId,
    options: z.array(ChoiceOption).min(1),
    selected: z.string().nullable(),
  }),
  /** Digits typed on the screen's own keypad (phone number); not a secret. */
  z.object({
    type: z.literal('digits'),
    question: QuestionId,
    value: z.string(),
    length: z.number().int(),
  }),
  /** The notification-and-commitment (告知承诺) text the citizen agrees to instead of a missing proof. */
  z.object({ type: z.literal('commitment'), text: z.string() }),
  z.object({ type: z.literal('confirm'), lines: z.array(SummaryLine) }),
  z.object({ type: z.literal('notEligible'), reasons: z.array(z.string()).min(1) }),
  z.object({ type: z.literal('recordsSummary'), summary: RecordsSummaryView }),
  z.object({ type: z.literal('contributions'), years: z.array(ContributionYearView) }),
  z.object({ type: z.literal('pensionPayments'), months: z.array(PensionMonthView) }),
  /** PIN on the PIN pad: only how many keys were pressed ever reaches the UI. */
  z.object({
    type: z.literal('pin'),
    keysEntered: z.number().int().min(0),
    pinLength: z.number().int(),
    accountMasked: z.string(),
    bankName: z.string(),
    amountCents: z.number().int(),
  }),
  z.object({
    type: z.literal('qr'),
    content: z.string(),
    amountCents: z.number().int(),
    expiresAt: z.string(),
  }),
  z.object({
    type: z.literal('documentPreview'),
    title: z.string(),
    lines: z.array(z.string()),
    pages: z.number().int(),
    verificationCode: z.string(),
  }),
  z.object({
    type: z.literal('result'),
    outcome: z.enum(['success', 'partial', 'failure', 'pending']),
    items: z.array(ResultItem),
    /** Whether a receipt or document came out of a printer (confirmed by the device), null when none. */
    printed: z.enum(['receipt', 'document']).nullable(),
    /** A printer problem after the work itself was done (the work stands; only the paper is missing). */
    printProblem: z.string().nullable(),
  }),
  /**
   * Separate informed consent before any capture (PIPL art. 29): what is captured, that it stays on this kiosk,
   * that nothing is kept. Answers: 'agree', or 'decline' (the staff-assisted path).
   */
  z.object({
    type: z.literal('faceConsent'),
    text: z.string(),
    version: z.string(),
    /** The last day of the current authentication, and days left (negative when overdue). */
    validUntil: z.string().nullable(),
    daysLeft: z.number().int().nullable(),
    pensionSuspended: z.boolean(),
  }),
  /** The camera is on: preview frames arrive as `camera.frame` socket events while this step shows. */
  z.object({
    type: z.literal('faceCapture'),
    instruction: FaceInstruction,
    hint: FaceHint.nullable(),
    liveness: z.enum(['binocular', 'headTurn']),
    attempt: z.number().int().min(1),
    maxAttempts: z.number().int().min(1),
    secondsLeft: z.number().int().min(0),
  }),
  /** The face check did not pass. Answers: 'retry' (when attemptsLeft > 0 and not locked) or 'assisted'. */
  z.object({
    type: z.literal('faceFailed'),
    reason: FaceDecision.exclude(['match']),
    attemptsLeft: z.number().int().min(0),
    lockedUntil: z.string().nullable(),
  }),
  /** A bank staff member signs in at the kiosk (command `flow.staffSignIn`); `failed` after a wrong try. */
  z.object({
    type: z.literal('staffSignIn'),
    reason: AssistReason,
    failed: z.boolean(),
  }),
  /** The signed-in staff member confirms the person in front of them. Answer: 'confirm'. */
  z.object({
    type: z.literal('staffConfirm'),
    staffName: z.string(),
    maskedName: z.string(),
    maskedIdNumber: z.string(),
    reason: AssistReason,
  }),
  /** The card is being made: the stage now, the stages done, and a time estimate for the rest. */
  z.object({
    type: z.literal('cardProgress'),
    stage: CardStage,
    stagesDone: z.array(CardStage),
    /** Seconds the rest is expected to take (device timings); 0 when unknown. */
    secondsLeft: z.number().int().min(0),
    /** Which blank this is for the visit (a failed card is rejected and made again). */
    attempt: z.number().int().min(1),
    maxAttempts: z.number().int().min(1),
    /** Shown under the stage when a card failed and is being made again (words for the citizen). */
    notice: z.string().nullable(),
  }),
  /**
   * The citizen chooses the card's 6-digit PIN on the PIN pad: typed once ('new'), then again ('repeat').
   * Only how many keys are down reaches the UI; `mismatch` after two entries that differ.
   */
  z.object({
    type: z.literal('cardPin'),
    phase: z.enum(['new', 'repeat']),
    keysEntered: z.number().int().min(0),
    pinLength: z.number().int(),
    mismatch: z.boolean(),
    secondsLeft: z.number().int().min(0),
  }),
  /** The card is in the slot: take it. */
  z.object({
    type: z.literal('cardTake'),
    maskedCardNumber: z.string(),
    secondsLeft: z.number().int().min(0),
  }),
  /** Making the card stopped: why, whether the application is kept (the counter or a later visit finishes it), whether staff were told. */
  z.object({
    type: z.literal('cardStopped'),
    reason: CardStopReason,
    applicationKept: z.boolean(),
    staffAlerted: z.boolean(),
    /** The application's reference to show staff, or null. */
    reference: z.string().nullable(),
  }),
]);
export type FlowStep = z.infer<typeof FlowStep>;
export type FlowStepType = FlowStep['type'];

export const FlowKind = z.enum([
  'recordsQuery',
  'rightsRecordPrint',
  'enrollment',
  'contributionPayment',
  'bundle',
  'qualificationAuth',
  'socialSecurityCard',
]);
export type FlowKind = z.infer<typeof FlowKind>;

export const FlowView = z.object({
  flowId: z.string(),
  kind: FlowKind,
  /** Set for bundle flows, e.g. 'newResident'. */
  bundleId: z.string().nullable(),
  step: FlowStep,
  /** Step n of m for the citizen to follow; null when the flow cannot know. */
  progress: z.object({ index: z.number().int(), total: z.number().int() }).nullable(),
  canGoBack: z.boolean(),
  /** The last problem, in words for the citizen (from the server or a device), with its code. */
  error: z.object({ code: ErrorCode, message: z.string() }).nullable(),
});
export type FlowView = z.infer<typeof FlowView>;

/** Bundled matters (一件事) offered on the home screen beside the six services. */
export const BundleTile = z.object({
  bundleId: z.string(),
  services: z.array(ServiceId),
  available: z.boolean(),
});
export type BundleTile = z.infer<typeof BundleTile>;

/** Which detail view of the records query to show. */
export const RecordsView = z.enum(['summary', 'contributions', 'pensionPayments']);
export type RecordsView = z.infer<typeof RecordsView>;
