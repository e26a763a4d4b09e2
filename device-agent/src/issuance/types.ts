import type { CardApplicationKind, CardStage, KioskAlertKind, Result } from '@sik/contract';
import type { CardPrinter } from '../devices/card-printer/card-printer.ts';
import type { ChipEncoder } from '../devices/chip-encoder/chip-encoder.ts';
import type { Journal } from '../journal/journal.ts';

/**
 * The seams of card issuance (社保卡即时制卡): the card printer and its chip encoder, the server's card routes,
 * the face renderer and the journal. The flow (flows/card-issuance.ts) talks to the citizen; issuance.ts moves the
 * card and keeps the journal; recovery.ts finishes what a crash left open.
 */

export interface CardView {
  cardNumber: string;
  applicationId: string;
  status: 'applied' | 'personalising' | 'active' | 'lost' | 'cancelled' | 'spoiled';
  chipSerial: string | null;
  issuedOn: string | null;
  validUntil: string | null;
}

export interface CardPersonalisationData {
  card: CardView;
  ef05: { record: number; tlvHex: string }[];
  ef06: { record: number; tlvHex: string }[];
  print: { maskedName: string; cardNumber: string; photoRef: string; validUntil: string };
}

export type SpoilReason = 'printFailed' | 'chipWriteFailed' | 'readBackMismatch' | 'notTaken' | 'other';

/** The server's card routes in the issuance's own terms (bound in flows/server-services.ts). */
export interface CardServer {
  overview(personId: string): Promise<
    Result<{
      cards: CardView[];
      openApplication: {
        applicationId: string;
        kind: CardApplicationKind;
        status: 'queued' | 'applied';
      } | null;
      allowed: CardApplicationKind[];
    }>
  >;
  apply(request: {
    personId: string;
    kind: CardApplicationKind;
  }): Promise<Result<{ applicationId: string; card: CardView }>>;
  reportLoss(request: { personId: string; cardNumber: string }): Promise<Result<CardView>>;
  personalise(request: {
    personId: string;
    cardNumber: string;
    chipSerial: string;
  }): Promise<Result<CardPersonalisationData>>;
  /** The card photo (358x441 JPEG) for the card being made; bytes the caller overwrites after printing. */
  photo(request: { cardNumber: string; chipSerial: string }): Promise<Result<{ jpeg: Uint8Array }>>;
  cryptogram(request: {
    cardNumber: string;
    chipSerial: string;
    challengeHex: string;
  }): Promise<Result<{ cryptogramHex: string }>>;
  activate(request: { cardNumber: string; chipSerial: string }): Promise<Result<CardView>>;
  spoil(request: {
    cardNumber: string;
    chipSerial: string;
    reason: SpoilReason;
  }): Promise<Result<{ spoiled: CardView; retry: CardView }>>;
  spoilBlank(request: {
    chipSerial: string;
    reason: 'chipUnreadable' | 'recovered' | 'other';
  }): Promise<Result<{ chipSerial: string; status: 'spoiled' }>>;
  alert(request: {
    kind: KioskAlertKind;
    reference: string | null;
    detail: string;
  }): Promise<Result<{ alertId: string }>>;
}

export interface IssuanceConfig {
  /** Blanks one visit may use before it stops and staff are told (a failed card is rejected, a new one made). */
  maxBlanks: number;
  /** How long a presented card waits in the slot before it is taken back into the reject box. */
  takeTimeoutMs: number;
  /** PIN length on the card (the SSSE PIN: 6 digits). */
  pinLength: number;
  /** How long the citizen has for each PIN entry. */
  pinTimeoutMs: number;
  /** Bank name printed on the card face. */
  bankName: string;
}

export const DEFAULT_ISSUANCE_CONFIG: IssuanceConfig = {
  maxBlanks: 3,
  takeTimeoutMs: 60_000,
  pinLength: 6,
  pinTimeoutMs: 60_000,
  bankName: '',
};

/** The face printed on the card (cards/card-face.ts renderCardFace). */
export type RenderFace = (data: {
  name: string;
  socialSecurityNumber: string;
  cardNumber: string;
  bankName: string;
  issueDate: string;
  photoJpeg: Uint8Array;
}) => Promise<Uint8Array>;

export interface IssuanceDeps {
  journal: Journal;
  printer: CardPrinter;
  encoder: ChipEncoder;
  server: CardServer;
  renderFace: RenderFace;
  config: IssuanceConfig;
  /** Told each journal phase right after it is durable (the crash harness kills the agent on these). */
  onPhase?: (phase: IssuancePhase) => void;
}

/**
 * The phases written to the journal, each durable BEFORE the device or the server is asked to act on it
 * ('picking' is written before the feeder moves, 'writing' before the first chip write, ...).
 */
export const ISSUANCE_PHASES = [
  'applying',
  'applied',
  'picking',
  'picked',
  'personalised',
  'writing',
  'written',
  'verified',
  'printing',
  'printed',
  'pinSetting',
  'pinSet',
  'presenting',
  'taken',
  'activating',
  'rejecting',
] as const;
export type IssuancePhase = (typeof ISSUANCE_PHASES)[number];

/** Who the card is for: the person matched to the ID card just read (name and ID number for the face only). */
export interface CardHolder {
  personId: string;
  name: string;
  idNumber: string;
}

/**
 * What the citizen does during issuance, asked by the machine at the right moment: choose the PIN (the flow
 * runs the PIN pad, twice, and returns the digits, held in memory only), and take the card.
 */
export interface IssuanceCitizen {
  choosePin(
    signal: AbortSignal,
  ): Promise<{ ok: true; pin: string } | { ok: false; reason: 'canceled' | 'timeout' | 'deviceError' }>;
  /** Called when the card is presented in the slot (the screen says "take your card"). */
  presented(cardNumber: string): void;
}

/** Progress for the screen, and device time for the benchmark (ms spent inside device calls). */
export interface IssuanceProgress {
  stage(stage: CardStage, attempt: number, notice: string | null): void;
}

export type IssuanceOutcome =
  | { ok: true; card: CardView; deviceMs: number; totalMs: number }
  | {
      ok: false;
      reason: 'noStock' | 'deviceFault' | 'attemptsExhausted' | 'notTaken' | 'pinNotSet' | 'serverError';
      /** The application stays open: staff at the counter (or a later visit) finish it. */
      applicationKept: boolean;
      staffAlerted: boolean;
      applicationId: string | null;
      message: string;
    };

/** The journal kind of an issuance entry; its data holds ids and serials, never a name, an ID number or a PIN. */
export const ISSUANCE_JOURNAL_KIND = 'cardIssuance';

/**
 * The API of issuance.ts / recovery.ts (implemented by the lead):
 *   issueCard(deps, holder, kind, citizen, progress, signal): Promise<IssuanceOutcome>
 *   recoverIssuances(deps): Promise<{ recovered: number; open: number }>  -- run at agent start, before any visit
 */
