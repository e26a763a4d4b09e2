import type { ServerConfig } from '@sik/config';
import express from 'express';
import type { Db } from './db/db.ts';
import { errorHandler, notFound } from './http/error-handler.ts';
import { createRouteMounter } from './http/mount.ts';
import { keepRawBody, requestContext } from './http/request-context.ts';
import type { Logger } from './log.ts';
import { authenticationRoutes } from './routes/authentication.ts';
import { bundleRoutes } from './routes/bundles.ts';
import { cardRoutes } from './routes/cards.ts';
import { documentRoutes } from './routes/documents.ts';
import { enrollmentRoutes } from './routes/enrollment.ts';
import { healthRoutes } from './routes/health.ts';
import { kioskRoutes } from './routes/kiosk.ts';
import { openApiRoute } from './routes/openapi.ts';
import { paymentRoutes } from './routes/payments.ts';
import { provisioningRoutes } from './routes/provisioning.ts';
import { recordsRoutes } from './routes/records.ts';
import type { RouteModuleContext } from './routes/route-module.ts';
import { createKioskAuthenticator } from './services/kiosk-auth.ts';

export interface AppDeps {
  db: Db;
  config: Pick<
    ServerConfig,
    | 'provisioningToken'
    | 'signature'
    | 'publicBaseUrl'
    | 'documents'
    | 'payments'
    | 'residentPension'
    | 'bundles'
    | 'authentication'
    | 'cards'
  >;
  log: Logger;
  /** Clock for signature timestamps; tests move it. */
  now?: () => number;
}

/** Requests from kiosks are small JSON documents; anything bigger is a mistake or an attack. */
const BODY_LIMIT = '64kb';

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(deps.log.child({ ns: 'http' })));
  // The raw bytes are kept because the signature covers them, not the re-serialised JSON.
  app.use(express.json({ limit: BODY_LIMIT, verify: keepRawBody }));

  const router = express.Router();
  const authenticate = createKioskAuthenticator({
    db: deps.db,
    maxSkewSec: deps.config.signature.maxSkewSec,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const mount = createRouteMounter(router, authenticate);
  healthRoutes(mount, deps.db);
  openApiRoute(router);
  provisioningRoutes(mount, deps.db, deps.config.provisioningToken);
  kioskRoutes(mount, deps.db);
  const modules: RouteModuleContext = { mount, router, deps };
  recordsRoutes(modules);
  documentRoutes(modules);
  enrollmentRoutes(modules);
  paymentRoutes(modules);
  bundleRoutes(modules);
  authenticationRoutes(modules);
  cardRoutes(modules);

  app.use(router);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
