import type { RouteModuleContext } from './route-module.ts';

export function recordsRoutes(_context: RouteModuleContext): void {}
