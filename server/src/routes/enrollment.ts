import type { RouteModuleContext } from './route-module.ts';

export function enrollmentRoutes(_context: RouteModuleContext): void {}
