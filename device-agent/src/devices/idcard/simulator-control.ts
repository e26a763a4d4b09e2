import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ErrorCode, err, IdCardFault, IdCardIdentity, ok, type Result } from '@sik/contract';
import type { IdCardSimulator } from './simulator.ts';

export interface IdCardSimulatorState {
  cardOnReader: boolean;
  fault: IdCardFault;
}

/**
 * What the agent's simulator dock needs from an ID card simulator, wherever it runs: in this process over a
 * memory pair, or as a separate process on a pseudo-terminal driven over HTTP.
 */
export interface IdCardSimulatorControl {
  placeCard(identity: IdCardIdentity, photo?: Uint8Array): Promise<void>;
  liftCard(): Promise<void>;
  setFault(fault: IdCardFault): Promise<void>;
  state(): Promise<IdCardSimulatorState>;
}

export class SimulatorControlError extends Error {
  override readonly name = 'SimulatorControlError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function inProcessControl(simulator: IdCardSimulator): IdCardSimulatorControl {
  return {
    async placeCard(identity, photo) {
      const parsed = IdCardIdentity.safeParse(identity);
      if (!parsed.success)
        throw new SimulatorControlError('INVALID_INPUT', 'identity does not match the schema');
      try {
        simulator.placeCard(parsed.data, photo);
      } catch (error) {
        throw new SimulatorControlError('INVALID_INPUT', (error as Error).message);
      }
    },
    async liftCard() {
      simulator.liftCard();
    },
    async setFault(fault) {
      const parsed = IdCardFault.safeParse(fault);
      if (!parsed.success) throw new SimulatorControlError('INVALID_INPUT', 'fault: not a known fault');
      await simulator.setFault(parsed.data);
    },
    async state() {
      return { cardOnReader: simulator.cardOnReader, fault: simulator.fault };
    },
  };
}

/** The control client for a simulator process (simulator-main.ts), e.g. httpControl('http://127.0.0.1:7311'). */
export function httpControl(baseUrl: string, timeoutMs = 5000): IdCardSimulatorControl {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SimulatorControlError(
        'DEVICE_ERROR',
        `simulator control ${baseUrl}: ${(error as Error).message}`,
      );
    }
    const result = (await response.json().catch(() => null)) as Result<T> | null;
    if (!result)
      throw new SimulatorControlError('DEVICE_ERROR', `simulator control: HTTP ${response.status}`);
    if (!result.ok) throw new SimulatorControlError(result.code, result.message);
    return result.data;
  };
  return {
    async placeCard(identity, photo) {
      const photoBase64 = photo === undefined ? undefined : Buffer.from(photo).toString('base64');
      await call('PUT', '/card', { identity, photoBase64 });
    },
    async liftCard() {
      await call('DELETE', '/card');
    },
    async setFault(fault) {
      await call('PUT', '/fault', { fault });
    },
    state: () => call<IdCardSimulatorState>('GET', '/state'),
  };
}

export interface ControlServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The simulator's control channel: JSON over HTTP on loopback, no framework.
 *   PUT /card {identity, photoBase64?} · DELETE /card · PUT /fault {fault} · GET /state
 * Every answer is { ok: true, data } or { ok: false, code, message } (STYLE.md rule 6).
 */
export async function startControlServer(
  control: IdCardSimulatorControl,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  const server = createServer((request, response) => {
    handle(control, request, response).catch((error: unknown) => {
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

async function handle(control: IdCardSimulatorControl, request: IncomingMessage, response: ServerResponse) {
  const route = `${request.method} ${new URL(request.url ?? '/', 'http://x').pathname}`;
  switch (route) {
    case 'GET /state':
      return send(response, 200, ok(await control.state()));
    case 'DELETE /card':
      await control.liftCard();
      return send(response, 200, ok({}));
    case 'PUT /card': {
      const body = await readJson(request);
      const identity = IdCardIdentity.safeParse(body?.identity);
      if (!identity.success)
        return send(response, 400, err('INVALID_INPUT', 'identity: not a valid IdCardIdentity', 'identity'));
      const photoBase64 = body?.photoBase64;
      if (photoBase64 !== undefined && typeof photoBase64 !== 'string') {
        return send(response, 400, err('INVALID_INPUT', 'photoBase64: expected a string', 'photoBase64'));
      }
      const photo =
        photoBase64 === undefined ? undefined : new Uint8Array(Buffer.from(photoBase64, 'base64'));
      try {
        await control.placeCard(identity.data, photo);
      } catch (error) {
        return send(response, 400, err('INVALID_INPUT', (error as Error).message));
      }
      return send(response, 200, ok({}));
    }
    case 'PUT /fault': {
      const fault = IdCardFault.safeParse((await readJson(request))?.fault);
      if (!fault.success)
        return send(response, 400, err('INVALID_INPUT', 'fault: not a known fault', 'fault'));
      await control.setFault(fault.data);
      return send(response, 200, ok({}));
    }
    default:
      return send(response, 404, err('NOT_FOUND', `no route ${route}`));
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
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
