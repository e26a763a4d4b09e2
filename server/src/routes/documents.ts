import type { RouteModuleContext } from './route-module.ts';

export function documentRoutes(_context: RouteModuleContext): void {}
