import { bundleDefinition, submitBundle } from '../services/bundles.ts';
import type { RouteModuleContext } from './route-module.ts';

/** Bundled matters (一件事): the one form, and the one submission answered with every item's result. */
export function bundleRoutes({ mount, deps }: RouteModuleContext): void {
  mount('bundleDefinition', ({ kiosk, query }) => bundleDefinition(deps, kiosk, query));
  mount('bundleSubmit', ({ kiosk, body }) => submitBundle(deps, kiosk, body));
}
