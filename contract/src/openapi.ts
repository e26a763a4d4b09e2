import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { Routes, SignatureHeaders } from './api.ts';
import { ErrSchema } from './result.ts';

/** The OpenAPI 3.1 document of the server's HTTP API, generated from the contract's route table. */
export function buildOpenApiDocument(version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'kioskSignature', {
    type: 'apiKey',
    in: 'header',
    name: SignatureHeaders.signature,
    description:
      `Ed25519 signature (base64) over method, path, ${SignatureHeaders.timestamp}, ${SignatureHeaders.nonce} ` +
      `and the body's SHA-256, one per line; ${SignatureHeaders.kioskId} names the kiosk.`,
  });
  for (const [name, route] of Object.entries(Routes)) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    registry.registerPath({
      operationId: name,
      method: route.method,
      path: route.path,
      ...(route.signed ? { security: [{ kioskSignature: [] }] } : {}),
      request: {
        ...(pathParams.length > 0
          ? { params: z.object(Object.fromEntries(pathParams.map((p) => [p, z.string()]))) }
          : {}),
        ...('request' in route
          ? { body: { content: { 'application/json': { schema: route.request } } } }
          : {}),
        ...('query' in route && route.query instanceof z.ZodObject ? { query: route.query } : {}),
      },
      responses: {
        200: {
          description: 'success',
          content: {
            'application/json': { schema: z.object({ ok: z.literal(true), data: route.response }) },
          },
        },
        400: { description: 'invalid input', content: { 'application/json': { schema: ErrSchema } } },
        ...(route.signed
          ? {
              401: {
                description: 'bad signature, unknown kiosk or replay',
                content: { 'application/json': { schema: ErrSchema } },
              },
            }
          : {}),
      },
    });
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: { title: 'Social-security kiosk server', version },
  });
}
