import { buildOpenApiDocument } from '@sik/contract/openapi';
import type { Router } from 'express';

export const API_VERSION = '0.1.0';

/**
 * The OpenAPI document, generated once from the contract's route table. Served bare rather than in the
 * { ok, data } envelope, because its readers are OpenAPI tools.
 */
export function openApiRoute(router: Router): void {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  router.get('/api/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument(API_VERSION);
    res.json(document);
  });
}
