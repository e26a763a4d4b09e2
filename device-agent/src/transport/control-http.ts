import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ErrorCode, err, ok, type Result } from '@sik/contract';

/**
 * The control channel of a simulator that runs as its own process (on a pseudo-terminal, or as a printer
 * on a port): JSON over HTTP on loopback, no framework. Every answer is { ok: true, data } or
 * { ok: false, code, message } (STYLE.md rule 6). Used by the PIN pad, receipt printer and A4 printer
 * simulators, and the ID card simulator.
 */

export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A route handler: the parsed JSON body (null when there is none or it is not an object) in, data out. */
export type ControlHandler = (body: Record<string, unknown> | null) => Promise<unknown> | unknown;

/** Routes by "METHOD /path", e.g. { 'POST /keys': handler }. */
export type ControlRoutes = Readonly<Record<string, ControlHandler>>;

export interface ControlServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startControlServer(
  routes: ControlRoutes,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  const server = createServer((request, response) => {
    handle(routes, request, response).catch((error: unknown) => {
      send(response, 500, err('INTERNAL', (error as Error).message));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${listen.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  routes: ControlRoutes,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const route = `${request.method} ${new URL(request.url ?? '/', 'http://x').pathname}`;
  const handler = routes[route];
  if (!handler) return send(response, 404, err('NOT_FOUND', `no route ${route}`));
  const body = await readJson(request);
  try {
    const data = await handler(body);
    send(response, 200, ok(data ?? {}));
  } catch (error) {
    if (error instanceof ControlError) {
      const status = error.code === 'INVALID_INPUT' ? 400 : error.code === 'NOT_FOUND' ? 404 : 500;
      return send(response, status, err(error.code, error.message, error.field));
    }
    throw error;
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return null;
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** The client side: call(method, path, body?) resolves with data or throws ControlError. */
export function controlClient(baseUrl: string, timeoutMs = 5000) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      // Paths are joined to the base's own path: a base http://host:port/chip serves /chip/state.
      response = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ControlError('DEVICE_ERROR', `simulator control ${baseUrl}: ${(error as Error).message}`);
    }
    const result = (await response.json().catch(() => null)) as Result<T> | null;
    if (!result) throw new ControlError('DEVICE_ERROR', `simulator control: HTTP ${response.status}`);
    if (!result.ok) throw new ControlError(result.code, result.message, result.field);
    return result.data;
  };
}

/** A string field of a control request body, or ControlError INVALID_INPUT naming it. */
export function stringField(body: Record<string, unknown> | null, field: string): string {
  const value = body?.[field];
  if (typeof value !== 'string')
    throw new ControlError('INVALID_INPUT', `${field}: expected a string`, field);
  return value;
}
