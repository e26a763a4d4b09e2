import type { RouteModuleContext } from './route-module.ts';

export function bundleRoutes(_context: RouteModuleContext): void {}
