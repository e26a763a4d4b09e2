import type { RouteTable } from './route.ts';

/**
 * Enrollment in the urban-rural residents' pension (参保登记) and the cases that track it.
 * Signed kiosk routes carry `service: 'enrollment'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 */
export const EnrollmentRoutes = {} as const satisfies RouteTable;
