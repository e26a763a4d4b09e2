import type { RouteTable } from './route.ts';

/**
 * Bundled matters (一件事): one form, one submission split into items, one combined answer.
 * Signed kiosk routes carry `service: 'enrollment'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 */
export const BundleRoutes = {} as const satisfies RouteTable;
