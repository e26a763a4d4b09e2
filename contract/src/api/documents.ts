import type { RouteTable } from './route.ts';

/**
 * Rights-record documents (权益证明): issued by a kiosk, verified by anyone through the public routes.
 * Signed kiosk routes carry `service: 'rightsRecordPrint'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 */
export const DocumentRoutes = {} as const satisfies RouteTable;
