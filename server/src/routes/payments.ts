import type { RouteModuleContext } from './route-module.ts';

export function paymentRoutes(_context: RouteModuleContext): void {}
