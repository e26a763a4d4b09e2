import { describeZodError, ok, type RouteDefinition, Routes, type ServiceId } from '@sik/contract';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { InternalError, InvalidInputError, ServiceNotAuthorisedError } from '../errors.ts';
import type { AuthenticatedKiosk, KioskAuthenticator } from '../services/kiosk-auth.ts';
import { context, rawBodyOf } from './request-context.ts';

export type RouteName = keyof typeof Routes;
type RouteOf<N extends RouteName> = (typeof Routes)[N];
type BodyOf<N extends RouteName> =
  RouteOf<N> extends { request: infer S extends z.ZodType } ? z.infer<S> : undefined;
type QueryOf<N extends RouteName> =
  RouteOf<N> extends { query: infer S extends z.ZodType } ? z.infer<S> : undefined;
type KioskOf<N extends RouteName> = RouteOf<N>['signed'] extends true ? AuthenticatedKiosk : null;

export interface RouteContext<N extends RouteName> {
  req: Request;
  res: Response;
  /** The body, parsed with the route's request schema. */
  body: BodyOf<N>;
  /** The query string, parsed with the route's query schema. */
  query: QueryOf<N>;
  /** The kiosk that signed the request, on signed routes. */
  kiosk: KioskOf<N>;
}

export type RouteHandler<N extends RouteName> = (
  ctx: RouteContext<N>,
) => Promise<z.input<RouteOf<N>['response']>>;

/**
 * The service each signed route belongs to (from the contract's route table); the kiosk's bank must be
 * authorised for it. null: every kiosk may call it (knowing who it is, and who is at it, comes before any
 * service). Mutable only so a test can point a route at a service the bank lacks.
 */
export const ROUTE_SERVICES: { [N in RouteName]: ServiceId | null } = Object.fromEntries(
  Object.entries(Routes).map(([name, route]) => [name, route.service]),
) as { [N in RouteName]: ServiceId | null };

/** '/kiosks/{kioskId}/key' (OpenAPI) -> '/kiosks/:kioskId/key' (express). */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Mounts a route of the contract's table. Everything a route must not forget happens here, by construction:
 * signed routes are authenticated and authorised, the body is validated, and the answer is checked against the
 * response schema and wrapped as { ok: true, data }.
 */
export function createRouteMounter(router: Router, authenticate: KioskAuthenticator) {
  return function mount<N extends RouteName>(name: N, handler: RouteHandler<N>): void {
    const route: RouteOf<RouteName> = Routes[name];
    router[route.method](expressPath(route.path), async (req: Request, res: Response) => {
      let kiosk: AuthenticatedKiosk | null = null;
      if (route.signed) {
        kiosk = await authenticate({
          method: req.method,
          path: req.originalUrl,
          headers: req.headers,
          rawBody: rawBodyOf(req),
        });
        context(res).kioskId = kiosk.kioskId;
        const service = ROUTE_SERVICES[name];
        if (service && !kiosk.services.includes(service)) {
          throw new ServiceNotAuthorisedError(`${kiosk.bankName} is not authorised for ${service}`);
        }
      }
      const definition: RouteDefinition = route;
      const body = definition.request ? parseInput(definition.request, req.body ?? {}) : undefined;
      const query = definition.query ? parseInput(definition.query, req.query) : undefined;
      const data = await handler({ req, res, body, query, kiosk } as RouteContext<N>);
      const checked = route.response.safeParse(data);
      if (!checked.success) throw new InternalError(`response of ${name} does not match the contract`);
      res.json(ok(checked.data));
    });
  };
}
function parseInput(schema: z.ZodType, input: unknown): unknown {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problem = describeZodError(parsed.error);
    throw new InvalidInputError(problem.message, problem.field);
  }
  return parsed.data;
}

export type MountRoute = ReturnType<typeof createRouteMounter>;
