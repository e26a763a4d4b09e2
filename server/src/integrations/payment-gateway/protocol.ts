import { z } from 'zod';

/**
 * The QR payment gateway's API as our server and its simulator both see it. The merchant order id is our
 * idempotency key: creating an order twice with it gives the same order. When the citizen pays, the gateway
 * POSTs a notification (GatewayNotification in the contract) to the order's notifyUrl, signed with HMAC-SHA256
 * (signature.ts), and retries until it gets a 2xx.
 */

export const GatewayPaths = {
  orders: '/v1/orders',
  order: '/v1/orders/:merchantOrderId',
  close: '/v1/orders/:merchantOrderId/close',
  settlement: '/v1/settlements/:date',
  qrPage: '/qr/:gatewayOrderId',
  controlPay: '/control/orders/:merchantOrderId/pay',
  controlExpire: '/control/orders/:merchantOrderId/expire',
  controlFaults: '/control/faults',
  controlReset: '/control/reset',
  controlLedger: '/control/ledger',
} as const;

export const MerchantOrderId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const CreateOrderRequest = z.object({
  merchantOrderId: MerchantOrderId,
  amountFen: z.number().int().positive().max(100_000_000),
  subject: z.string().min(1).max(60),
  notifyUrl: z.string().url(),
  ttlSec: z.number().int().min(10).max(7200).default(900),
});
export type CreateOrderRequest = z.input<typeof CreateOrderRequest>;

export const OrderStatus = z.enum(['created', 'paid', 'expired', 'closed']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderView = z.object({
  merchantOrderId: z.string(),
  gatewayOrderId: z.string(),
  amountFen: z.number().int(),
  status: OrderStatus,
  /** What the citizen's phone scans: the gateway's cashier page for this order. */
  qrContent: z.string(),
  expiresAt: z.string(),
  paidAt: z.string().nullable(),
  gatewayRef: z.string().nullable(),
  settlementDate: z.string().nullable(),
});
export type OrderView = z.infer<typeof OrderView>;

export const OrderQueryAnswer = z.union([
  OrderView,
  z.object({ status: z.literal('notFound'), merchantOrderId: z.string() }),
]);

export const GatewayFault = z.discriminatedUnion('fault', [
  /** The payment happens, the notification is never sent (the server must find out by querying). */
  z.object({ fault: z.literal('notificationLost'), count: z.number().int().positive().optional() }),
  /** The same notification is sent `copies` times at once. */
  z.object({
    fault: z.literal('duplicateNotifications'),
    copies: z.number().int().min(2).max(20).default(3),
    count: z.number().int().positive().optional(),
  }),
  /** Answers 503 to the API and does nothing. */
  z.object({ fault: z.literal('down'), count: z.number().int().positive().optional() }),
  /** The settlement file leaves out an order that was paid. */
  z.object({ fault: z.literal('settlementMissing'), merchantOrderId: z.string() }),
]);
export type GatewayFault = z.input<typeof GatewayFault>;

export const SetGatewayFaultsRequest = z.object({ faults: z.array(GatewayFault) });

export const PayOrderRequest = z.object({
  /** Shown masked in the settlement file, e.g. the payer's wallet. */
  payer: z
    .string()
    .regex(/^[A-Za-z0-9]{4,32}$/)
    .default('wallet0000demo'),
});
