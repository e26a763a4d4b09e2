import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The little HTTP the simulators need (node:http, no framework: they play other organisations' systems, not
 * ours): a route table with `:param` segments, JSON in and out, and listen/close helpers.
 */

export interface SimRequest {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The raw body as text ('' when none). */
  text: string;
}

export interface SimRoute {
  method: 'GET' | 'POST';
  /** e.g. '/v1/debits/:requestId' */
  path: string;
  handle(request: SimRequest): Promise<void> | void;
}

/** An error a simulator answers as JSON with its status. */
export class SimHttpError extends Error {
  override readonly name = 'SimHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const BODY_LIMIT = 64 * 1024;

export function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new SimHttpError(413, 'TOO_LARGE', 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** JSON body parsed with a zod-like schema; a bad body is a 400. */
export function parseJson<T>(
  text: string,
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
): T {
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new SimHttpError(400, 'BAD_REQUEST', 'body is not JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SimHttpError(
      400,
      'BAD_REQUEST',
      `${issue?.path.map(String).join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

/**
 * A server over a route table. `before` runs first for every request and may answer it itself (a fault such as
 * "down"), in which case it returns true.
 */
export function createSimServer(
  routes: readonly SimRoute[],
  before?: (request: SimRequest, route: SimRoute) => Promise<boolean> | boolean,
): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const run = async () => {
      for (const route of routes) {
        if (route.method !== req.method) continue;
        const params = match(route.path, url.pathname);
        if (!params) continue;
        const request: SimRequest = { req, res, params, query: url.searchParams, text: await readText(req) };
        if (before && (await before(request, route))) return;
        await route.handle(request);
        return;
      }
      throw new SimHttpError(404, 'NOT_FOUND', `no route ${req.method} ${url.pathname}`);
    };
    run().catch((error: unknown) => {
      if (error instanceof SimHttpError)
        sendJson(res, error.status, { error: error.code, message: error.message });
      else sendJson(res, 500, { error: 'INTERNAL', message: (error as Error).message });
    });
  });
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}

export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
