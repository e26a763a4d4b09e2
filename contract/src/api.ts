import { AuthenticationRoutes } from './api/authentication.ts';
import { BundleRoutes } from './api/bundles.ts';
import { CardRoutes } from './api/cards.ts';
import { CoreRoutes } from './api/core.ts';
import { DocumentRoutes } from './api/documents.ts';
import { EnrollmentRoutes } from './api/enrollment.ts';
import { PaymentRoutes } from './api/payments.ts';
import { RecordsRoutes } from './api/records.ts';

/**
 * The server's HTTP API. Paths, request and response schemas live here only (one file per domain under api/);
 * the server validates with them, the agent's client parses with them, and the OpenAPI document is generated
 * from them.
 */
export * from './api/authentication.ts';
export * from './api/bundles.ts';
export * from './api/cards.ts';
export * from './api/core.ts';
export * from './api/documents.ts';
export * from './api/enrollment.ts';
export * from './api/payments.ts';
export * from './api/records.ts';
export * from './api/route.ts';

/** Route table: what the server serves and the OpenAPI document describes. */
export const Routes = {
  ...CoreRoutes,
  ...RecordsRoutes,
  ...DocumentRoutes,
  ...EnrollmentRoutes,
  ...PaymentRoutes,
  ...BundleRoutes,
  ...AuthenticationRoutes,
  ...CardRoutes,
} as const;
