import type { Router } from 'express';
import type { AppDeps } from '../app.ts';
import type { MountRoute } from '../http/mount.ts';

/**
 * What a domain's route module is given: `mount` for the contract's JSON routes (validated, authenticated,
 * authorised), the bare router for what is not JSON (the public verification page), and the app's dependencies.
 */
export interface RouteModuleContext {
  mount: MountRoute;
  router: Router;
  deps: AppDeps;
}
