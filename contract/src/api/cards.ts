import { z } from 'zod';
import { API_PREFIX } from './core.ts';
import type { RouteTable } from './route.ts';

/**
 * Social security cards (社保卡) made at the kiosk: first application (首次申领), report of loss (挂失),
 * replacement after loss (补卡) and renewal (换卡). The server allocates the card number, hands the kiosk the
 * personalisation data and the chip-write cryptograms of the card-management service, and enforces at most one
 * active card per person in the database. Bank staff load blank cards into a kiosk's stock and close it at the
 * end of the day.
 */

const personId = z.string().regex(/^P[0-9]{8}$/, 'personId must be P and 8 digits');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const IsoTimestamp = z.string().datetime({ offset: true });
const staffToken = z.string().min(32).max(128);
export const CardNumber = z.string().regex(/^[A-Z][0-9]{8}$/, 'cardNumber must be a letter and 8 digits');
/** The chip's serial as the chip encoder reads it, upper-case hex. */
export const ChipSerial = z
  .string()
  .regex(/^[0-9A-F]{8,32}$/, 'chipSerial must be 8-32 upper-case hex digits');
const applicationId = z.string().min(1).max(32);

export const CardStatus = z.enum(['applied', 'personalising', 'active', 'lost', 'cancelled', 'spoiled']);
export type CardStatus = z.infer<typeof CardStatus>;
export const CardApplicationKind = z.enum(['first', 'replacement', 'renewal']);
export type CardApplicationKind = z.infer<typeof CardApplicationKind>;

export const CardView = z.object({
  cardNumber: CardNumber,
  applicationId,
  status: CardStatus,
  chipSerial: ChipSerial.nullable(),
  issuedOn: IsoDate.nullable(),
  validUntil: IsoDate.nullable(),
});
export type CardView = z.infer<typeof CardView>;

export const CardPersonRequest = z.object({ personId });
export const CardOverview = z.object({
  cards: z.array(CardView),
  /** The application being worked on (queued from a bundle, or applied at a kiosk); null when none. */
  openApplication: z
    .object({ applicationId, kind: CardApplicationKind, status: z.enum(['queued', 'applied']) })
    .nullable(),
  /** What the person may apply for now (empty: nothing). */
  allowed: z.array(CardApplicationKind),
});
export type CardOverview = z.infer<typeof CardOverview>;

export const CardApplyRequest = z.object({ personId, kind: CardApplicationKind });
export const CardApplyResponse = z.object({ applicationId, card: CardView });

export const CardReportLossRequest = z.object({ personId, cardNumber: CardNumber });

/** The kiosk has a blank at the contact station and read its chip serial. */
export const CardPersonaliseRequest = z.object({ personId, cardNumber: CardNumber, chipSerial: ChipSerial });
const SsseRecordHex = z.object({
  record: z.number().int().min(1).max(254),
  tlvHex: z.string().regex(/^[0-9A-F]+$/),
});
export const CardPersonalisation = z.object({
  card: CardView,
  /** Records to write with UPDATE RECORD (record number = tag), TLV bytes as hex (@sik/contract/ssse). */
  ef05: z.array(SsseRecordHex),
  ef06: z.array(SsseRecordHex),
  /** Face-print data: the masked name and the card number; the photo is fetched by reference. */
  print: z.object({
    maskedName: z.string(),
    cardNumber: CardNumber,
    photoRef: z.string(),
    validUntil: IsoDate,
  }),
});
export type CardPersonalisation = z.infer<typeof CardPersonalisation>;

/** The photo to print on the card being made (358x441 JPEG), only while it is being made at this kiosk. */
export const CardPhotoRequest = z.object({ cardNumber: CardNumber, chipSerial: ChipSerial });
export const CardPhotoResponse = z.object({ jpegBase64: z.string().min(1) });

/** The chip's GET CHALLENGE answer; the server answers the EXTERNAL AUTHENTICATE cryptogram. */
export const CardCryptogramRequest = z.object({
  cardNumber: CardNumber,
  chipSerial: ChipSerial,
  challengeHex: z.string().regex(/^[0-9A-F]{16}$/, 'challengeHex must be 8 bytes of upper-case hex'),
});
/** The 16-byte EXTERNAL AUTHENTICATE data (@sik/contract/ssse externalAuthCryptogram). */
export const CardCryptogramResponse = z.object({ cryptogramHex: z.string().regex(/^[0-9A-F]{32}$/) });

export const CardActivateRequest = z.object({ cardNumber: CardNumber, chipSerial: ChipSerial });
export const CardSpoilRequest = z.object({
  cardNumber: CardNumber,
  chipSerial: ChipSerial,
  reason: z.enum(['printFailed', 'chipWriteFailed', 'readBackMismatch', 'notTaken', 'other']),
});
export const CardSpoilResponse = z.object({ spoiled: CardView, retry: CardView });

/**
 * A blank that left the feeder and went to the reject box before the server bound it to a card (the kiosk
 * read its serial, then the personalisation never happened: a crash, a chip that did not answer). Idempotent.
 */
export const CardBlankSpoilRequest = z.object({
  chipSerial: ChipSerial,
  reason: z.enum(['chipUnreadable', 'recovered', 'other']),
});
export const CardBlankSpoilResponse = z.object({ chipSerial: ChipSerial, status: z.literal('spoiled') });

/**
 * Something at the kiosk needs a person (card issuance stopped after its retries, a card not taken, a card
 * stuck in the printer): recorded for the branch's staff with references only, never personal data.
 */
export const KioskAlertKind = z.enum([
  'cardIssuanceStopped',
  'cardNotTaken',
  'cardStuck',
  'cardStockLow',
  'deviceFault',
]);
export type KioskAlertKind = z.infer<typeof KioskAlertKind>;
export const KioskAlertRequest = z.object({
  kind: KioskAlertKind,
  /** An application id, card number or chip serial the alert is about (no names, no ID numbers). */
  reference: z.string().max(64).nullable(),
  /** For staff, in words; never personal data. */
  detail: z.string().max(300),
});
export const KioskAlertResponse = z.object({ alertId: z.string() });

export const CardStockLoadRequest = z.object({
  staffToken,
  firstSerial: ChipSerial,
  count: z.number().int().min(1).max(1000),
});
export const CardStockCounts = z.object({
  kioskId: z.string(),
  businessDay: IsoDate,
  opening: z.number().int(),
  loaded: z.number().int(),
  issued: z.number().int(),
  spoiled: z.number().int(),
  inUse: z.number().int(),
  remaining: z.number().int(),
});
export type CardStockCounts = z.infer<typeof CardStockCounts>;
export const CardStockLoadResponse = z.object({
  batchId: z.string(),
  firstSerial: ChipSerial,
  lastSerial: ChipSerial,
  stock: CardStockCounts,
});
export const CardStockRequest = z.object({ staffToken });

/** What staff found: serials in the feeder and in the reject box (scanned or typed). */
export const CardStockCloseRequest = z.object({
  staffToken,
  feederSerials: z.array(ChipSerial).max(2000),
  rejectBoxSerials: z.array(ChipSerial).max(2000),
});
export const CardStockDifference = z.object({
  chipSerial: ChipSerial,
  /** What the books say about the blank (null: not a blank of this kiosk). */
  booked: z.enum(['inStock', 'inUse', 'issued', 'spoiled']).nullable(),
  found: z.enum(['feeder', 'rejectBox', 'absent']),
});
export const CardStockCloseResponse = z.object({
  stock: CardStockCounts,
  /** opening + loaded = issued + spoiled + inUse + remaining, and what staff found matches the books. */
  balanced: z.boolean(),
  differences: z.array(CardStockDifference),
  closedAt: IsoTimestamp,
});
export type CardStockCloseResponse = z.infer<typeof CardStockCloseResponse>;

const C = `${API_PREFIX}/cards`;
const S = 'socialSecurityCard' as const;

export const CardRoutes = {
  cardOverview: {
    method: 'post',
    path: `${C}/overview`,
    signed: true,
    service: S,
    request: CardPersonRequest,
    response: CardOverview,
  },
  cardApply: {
    method: 'post',
    path: `${C}/applications`,
    signed: true,
    service: S,
    request: CardApplyRequest,
    response: CardApplyResponse,
  },
  cardReportLoss: {
    method: 'post',
    path: `${C}/report-loss`,
    signed: true,
    service: S,
    request: CardReportLossRequest,
    response: CardView,
  },
  cardPersonalise: {
    method: 'post',
    path: `${C}/personalisation`,
    signed: true,
    service: S,
    request: CardPersonaliseRequest,
    response: CardPersonalisation,
  },
  cardPhoto: {
    method: 'post',
    path: `${C}/photo`,
    signed: true,
    service: S,
    request: CardPhotoRequest,
    response: CardPhotoResponse,
  },
  cardCryptogram: {
    method: 'post',
    path: `${C}/cryptograms`,
    signed: true,
    service: S,
    request: CardCryptogramRequest,
    response: CardCryptogramResponse,
  },
  cardActivate: {
    method: 'post',
    path: `${C}/activate`,
    signed: true,
    service: S,
    request: CardActivateRequest,
    response: CardView,
  },
  cardSpoil: {
    method: 'post',
    path: `${C}/spoil`,
    signed: true,
    service: S,
    request: CardSpoilRequest,
    response: CardSpoilResponse,
  },
  cardBlankSpoil: {
    method: 'post',
    path: `${C}/blanks/spoil`,
    signed: true,
    service: S,
    request: CardBlankSpoilRequest,
    response: CardBlankSpoilResponse,
  },
  kioskAlert: {
    method: 'post',
    path: `${C}/alerts`,
    signed: true,
    service: S,
    request: KioskAlertRequest,
    response: KioskAlertResponse,
  },
  cardStockLoad: {
    method: 'post',
    path: `${C}/stock/batches`,
    signed: true,
    service: S,
    request: CardStockLoadRequest,
    response: CardStockLoadResponse,
  },
  cardStock: {
    method: 'post',
    path: `${C}/stock`,
    signed: true,
    service: S,
    request: CardStockRequest,
    response: CardStockCounts,
  },
  cardStockClose: {
    method: 'post',
    path: `${C}/stock/close`,
    signed: true,
    service: S,
    request: CardStockCloseRequest,
    response: CardStockCloseResponse,
  },
} as const satisfies RouteTable;
