import { z } from 'zod';
import { API_PREFIX } from './core.ts';
import type { RouteTable } from './route.ts';

/**
 * Contribution payment (社保缴费): orders with idempotency keys, bank account with PIN or QR gateway.
 * Signed kiosk routes carry `service: 'contributionPayment'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 *
 * Exactly once: the agent chooses the idempotency key and journals it before the request; the same key with the
 * same request always gets the same answer (never a second debit), with a different request CONFLICT. When the
 * bank or gateway does not answer in time the payment stays `pending` and the server finds out by querying it;
 * the agent, restarted after a crash, asks `paymentStatusByKey`.
 */

/** Account numbers as a bystander may see them: the first 4 and last 4 digits (as ID numbers, DOMAIN.md). */
export function maskAccountNumber(accountNumber: string): string {
  if (accountNumber.length <= 8) return '*'.repeat(accountNumber.length);
  return `${accountNumber.slice(0, 4)}${'*'.repeat(accountNumber.length - 8)}${accountNumber.slice(-4)}`;
}

export const PersonIdField = z.string().regex(/^P[0-9]{8}$/, 'personId must be P and 8 digits');

export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'idempotencyKey must be 16 to 64 letters, digits, - or _');

export const PaymentMethodKind = z.enum(['bankAccount', 'qr']);
export type PaymentMethodKind = z.infer<typeof PaymentMethodKind>;

/**
 * posted: debited and recorded as the year's contribution; declined: refused by the bank (reason says why);
 * awaitingQr: the QR is shown, waiting for the citizen to pay; pending: the outcome is not known yet and is found
 * by querying (never by paying again); failed: nothing was debited (the bank could not be reached, or the QR
 * expired or was closed).
 */
export const PaymentStatusValue = z.enum(['posted', 'declined', 'awaitingQr', 'pending', 'failed']);
export type PaymentStatusValue = z.infer<typeof PaymentStatusValue>;

export const PaymentMethodInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('bankAccount'),
    /** The SM4 PIN block the PIN pad made (ISO 9564 format 0); only the bank host can open it. */
    pinBlockHex: z.string().regex(/^[0-9A-Fa-f]{32}$/, 'pinBlockHex must be 32 hex digits from the PIN pad'),
  }),
  z.object({ kind: z.literal('qr') }),
]);
export type PaymentMethodInput = z.infer<typeof PaymentMethodInput>;

export const PaymentOptionsRequest = z.object({ personId: PersonIdField });
export type PaymentOptionsRequest = z.infer<typeof PaymentOptionsRequest>;

export const LinkedAccount = z.object({
  bankId: z.string(),
  bankName: z.string(),
  /** First 4 and last 4 digits: what the screen shows. */
  maskedAccount: z.string(),
  /**
   * The full number, for the PIN pad only: an ISO 9564 format 0 PIN block binds the PIN to the account, so the
   * agent hands it to the EPP with the PIN entry. Never shown, logged or sent to the kiosk UI.
   */
  accountNumber: z.string(),
});
export type LinkedAccount = z.infer<typeof LinkedAccount>;

export const PaymentOptionsResponse = z.object({
  personId: z.string(),
  /** The contribution year that can be paid now (China time). */
  year: z.number().int(),
  /** The configured yearly grades, in fen. */
  gradesCents: z.array(z.number().int().positive()),
  /** Enrolled in the urban-rural residents' pension (城乡居民基本养老保险). */
  enrolled: z.boolean(),
  alreadyPaid: z.boolean(),
  /** What was paid for the year, in fen, when alreadyPaid. */
  paidAmountCents: z.number().int().nullable(),
  /** A payment for the year whose outcome is not known yet (pending or showing a QR). */
  openPaymentId: z.string().nullable(),
  linkedAccount: LinkedAccount.nullable(),
  /** The methods the citizen may choose now (bankAccount needs a linked account). */
  methods: z.array(PaymentMethodKind),
  eligible: z.boolean(),
  /** Plain Chinese, to show and read aloud, when not eligible. */
  reason: z.string().nullable(),
});
export type PaymentOptionsResponse = z.infer<typeof PaymentOptionsResponse>;

export const PaymentCreateRequest = z.object({
  personId: PersonIdField,
  year: z.number().int().min(1950).max(2200),
  amountCents: z.number().int().positive(),
  method: PaymentMethodInput,
  idempotencyKey: IdempotencyKey,
});
export type PaymentCreateRequest = z.infer<typeof PaymentCreateRequest>;

/** What a receipt printer needs; present once the payment is posted. */
export const PaymentReceipt = z.object({
  paymentId: z.string(),
  personId: z.string(),
  year: z.number().int(),
  amountCents: z.number().int(),
  method: PaymentMethodKind,
  /** Through whom it was paid: the bank's name for bank-account payments, the QR channel for QR. */
  payee: z.string(),
  /** Masked account for bank-account payments; null for QR. */
  maskedAccount: z.string().nullable(),
  /** The bank's (or gateway's) reference for this debit. */
  upstreamRef: z.string(),
  /** ISO timestamp when the bank approved it. */
  paidAt: z.string(),
  postedAt: z.string(),
});
export type PaymentReceipt = z.infer<typeof PaymentReceipt>;

export const PaymentOutcomeSchema = z.object({
  paymentId: z.string(),
  idempotencyKey: z.string(),
  status: PaymentStatusValue,
  personId: z.string(),
  year: z.number().int(),
  amountCents: z.number().int(),
  method: PaymentMethodKind,
  /** Plain Chinese reason when declined, failed or pending. */
  reason: z.string().optional(),
  /** QR payments: what the citizen scans, and until when. */
  qr: z.object({ content: z.string(), expiresAt: z.string() }).optional(),
  receipt: PaymentReceipt.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PaymentOutcome = z.infer<typeof PaymentOutcomeSchema>;

/**
 * The payment gateway's notification that a QR order was paid. It is not signed by a kiosk: the server checks the
 * gateway's HMAC-SHA256 signature (headers below) over `timestamp + "\n" + raw body` with the shared secret.
 */
export const GatewayNotification = z.object({
  notifyId: z.string().min(1).max(64),
  merchantOrderId: z.string().min(1).max(64),
  gatewayOrderId: z.string().min(1).max(64),
  gatewayRef: z.string().min(1).max(64),
  status: z.literal('paid'),
  amountFen: z.number().int().positive(),
  paidAt: z.string(),
  settlementDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type GatewayNotification = z.infer<typeof GatewayNotification>;

export const GatewaySignatureHeaders = {
  timestamp: 'x-gateway-timestamp',
  signature: 'x-gateway-signature',
} as const;

export const GatewayNotificationResponse = z.object({
  received: z.literal(true),
  paymentId: z.string(),
  status: PaymentStatusValue,
});

export const PaymentRoutes = {
  paymentOptions: {
    method: 'post',
    path: `${API_PREFIX}/payments/options`,
    signed: true,
    service: 'contributionPayment',
    request: PaymentOptionsRequest,
    response: PaymentOptionsResponse,
  },
  /**
   * Pays a year's contribution. Answers the outcome when posted or showing a QR; PAYMENT_DECLINED (the reason in
   * the message) when the bank refused; UPSTREAM_UNAVAILABLE when nothing could be debited (bank unreachable) or
   * when the outcome is not known yet (ask paymentStatusByKey later; never pay again with a new key meanwhile).
   */
  paymentCreate: {
    method: 'post',
    path: `${API_PREFIX}/payments`,
    signed: true,
    service: 'contributionPayment',
    request: PaymentCreateRequest,
    response: PaymentOutcomeSchema,
  },
  paymentStatus: {
    method: 'get',
    path: `${API_PREFIX}/payments/{paymentId}`,
    signed: true,
    service: 'contributionPayment',
    response: PaymentOutcomeSchema,
  },
  paymentStatusByKey: {
    method: 'get',
    path: `${API_PREFIX}/payments/by-key/{idempotencyKey}`,
    signed: true,
    service: 'contributionPayment',
    response: PaymentOutcomeSchema,
  },
  paymentGatewayNotify: {
    method: 'post',
    path: `${API_PREFIX}/payments/gateway/notify`,
    signed: false,
    service: null,
    request: GatewayNotification,
    response: GatewayNotificationResponse,
  },
} as const satisfies RouteTable;
