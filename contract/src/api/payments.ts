import type { RouteTable } from './route.ts';

/**
 * Contribution payment (社保缴费): orders with idempotency keys, bank account with PIN or QR gateway.
 * Signed kiosk routes carry `service: 'contributionPayment'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 */
export const PaymentRoutes = {} as const satisfies RouteTable;
