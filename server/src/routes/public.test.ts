import { REQUEST_ID_HEADER, Routes } from '@sik/contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadMigrations } from '../db/migrate.ts';
import type { RunningServer } from '../server.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { send, startTestServer } from '../testing/harness.ts';

describeEachDatabase('public routes and error shape', (get) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(get().db);
  });
  afterAll(() => server.close());

  it('reports health with the database kind and the migrations applied', async () => {
    const reply = await send(server, 'GET', '/api/health');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      ok: true,
      data: { status: 'ok', database: get().kind, migrations: loadMigrations().length },
    });
  });

  it('serves an OpenAPI document listing every route of the contract', async () => {
    const reply = await send(server, 'GET', '/api/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.json.openapi).toBe('3.1.0');
    for (const route of Object.values(Routes)) {
      expect(reply.json.paths[route.path]?.[route.method], route.path).toBeDefined();
    }
    expect(reply.json.paths[Routes.whoAmI.path].get.security).toEqual([{ kioskSignature: [] }]);
  });

  it('answers an unknown route with 404 NOT_FOUND as JSON', async () => {
    const reply = await send(server, 'GET', '/api/v1/no-such-thing');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/application\/json/);
    expect(reply.json).toEqual({
      ok: false,
      code: 'NOT_FOUND',
      message: 'no route GET /api/v1/no-such-thing',
    });
  });

  it('answers malformed JSON with 400 INVALID_INPUT, before anything else looks at it', async () => {
    const reply = await send(server, 'POST', Routes.identityLookup.path, {
      body: '{"cardType": "resident",',
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
      message: 'request body is not valid JSON',
    });
  });

  it('refuses a body over the size limit', async () => {
    const reply = await send(server, 'POST', Routes.identityLookup.path, {
      body: JSON.stringify({ padding: 'x'.repeat(100_000) }),
    });
    expect(reply.status).toBe(413);
    expect(reply.json).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const echoed = await send(server, 'GET', '/api/health', {
      headers: { [REQUEST_ID_HEADER]: 'agent-42.abc' },
    });
    expect(echoed.headers.get(REQUEST_ID_HEADER)).toBe('agent-42.abc');
    const made = await send(server, 'GET', '/api/health');
    expect(made.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await send(server, 'GET', '/nope', {
      headers: { [REQUEST_ID_HEADER]: 'bad id with spaces' },
    });
    expect(replaced.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
