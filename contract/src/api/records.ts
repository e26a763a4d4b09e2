import type { RouteTable } from './route.ts';

/**
 * Enrollment query (参保查询): status per insurance type, contributions by year, personal account, pension payments.
 * Signed kiosk routes carry `service: 'recordsQuery'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 */
export const RecordsRoutes = {} as const satisfies RouteTable;
