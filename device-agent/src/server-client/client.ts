import { type KeyObject, randomUUID } from 'node:crypto';
import {
  ErrorCode,
  err,
  type IdentityLookupRequest,
  IdentityLookupResponse,
  KioskWhoAmIResponse,
  ProvisionKioskResponse,
  REQUEST_ID_HEADER,
  type Result,
  type RouteDefinition,
  Routes,
} from '@sik/contract';
import type { z } from 'zod';
import { createLogger } from '../log.ts';
import { signCanonicalJson, signedHeaders } from './signing.ts';

const log = createLogger('server-client');

export interface ServerClientOptions {
  serverUrl: string;
  kioskId: string;
  privateKey: KeyObject;
  timeoutMs: number;
}

/**
 * The agent is the server's only client. Every call is signed with the kiosk key and answers a Result:
 * the server's own error codes pass through; a network failure or timeout becomes SERVER_UNREACHABLE.
 */
export function createServerClient(options: ServerClientOptions) {
  async function call<T extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    responseSchema: T,
    body: unknown,
    extraHeaders: Record<string, string> = {},
    signed = true,
  ): Promise<Result<z.infer<T>>> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const requestId = randomUUID();
    const headers: Record<string, string> = {
      [REQUEST_ID_HEADER]: requestId,
      ...extraHeaders,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(signed
        ? signedHeaders({
            kioskId: options.kioskId,
            privateKey: options.privateKey,
            method,
            path,
            body: text,
          })
        : {}),
    };
    let response: Response;
    try {
      response = await fetch(new URL(path, options.serverUrl), {
        method,
        headers,
        ...(body === undefined ? {} : { body: text }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      log.warn({ requestId, path, reason: (error as Error).name }, 'server unreachable');
      return err('SERVER_UNREACHABLE', `server did not answer ${method} ${path}`);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      return err('INTERNAL', `server answered ${response.status} without JSON`);
    }
    const envelope = json as {
      ok?: unknown;
      data?: unknown;
      code?: unknown;
      message?: unknown;
      field?: unknown;
    };
    if (envelope.ok === true) {
      const parsed = responseSchema.safeParse(envelope.data);
      if (parsed.success) return { ok: true, data: parsed.data };
      log.error({ requestId, path }, 'server response does not match the contract');
      return err('INTERNAL', `server response to ${path} does not match the contract`);
    }
    const code = ErrorCode.safeParse(envelope.code);
    log.info({ requestId, path, status: response.status, code: envelope.code }, 'server refused');
    return err(
      code.success ? code.data : 'INTERNAL',
      typeof envelope.message === 'string' ? envelope.message : `server answered ${response.status}`,
      typeof envelope.field === 'string' ? envelope.field : undefined,
    );
  }

  /**
   * Any signed route of the contract's table, typed from it: path parameters fill `{name}` in the path, the
   * query goes in the query string (and so under the signature), the body is checked by the server.
   */
  function request<N extends keyof typeof Routes>(
    name: N,
    input: RouteInput<N> = {} as RouteInput<N>,
  ): Promise<Result<z.infer<(typeof Routes)[N]['response']>>> {
    const route: RouteDefinition = Routes[name];
    let path = route.path.replace(/\{(\w+)\}/g, (_m, key: string) => {
      const value = input.params?.[key];
      if (value === undefined) throw new TypeError(`route ${String(name)} needs path parameter ${key}`);
      return encodeURIComponent(value);
    });
    if (input.query) {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(input.query as Record<string, unknown>)) {
        if (value !== undefined && value !== null) search.set(key, String(value));
      }
      const text = search.toString();
      if (text) path += `?${text}`;
    }
    const method = route.method.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'DELETE';
    return call(method, path, route.response, input.body, {}, route.signed) as Promise<
      Result<z.infer<RouteOf<N>['response']>>
    >;
  }

  return {
    request,
    /** Signs a fact the kiosk vouches for (e.g. a face check's outcome) with the kiosk key. */
    signFact: (value: unknown): string => signCanonicalJson(value, options.privateKey),
    whoAmI: () => call('GET', Routes.whoAmI.path, KioskWhoAmIResponse, undefined),
    identityLookup: (request: IdentityLookupRequest) =>
      call('POST', Routes.identityLookup.path, IdentityLookupResponse, request),
    /** Registers this kiosk's public key; the installer's token authorises it, not the (unknown) key. */
    provision: (publicKeyPem: string, token: string) =>
      call(
        'POST',
        Routes.provisionKiosk.path.replace('{kioskId}', encodeURIComponent(options.kioskId)),
        ProvisionKioskResponse,
        { publicKeyPem },
        { authorization: `Bearer ${token}` },
        false,
      ),
  };
}
export type ServerClient = ReturnType<typeof createServerClient>;

type RouteOf<N extends keyof typeof Routes> = (typeof Routes)[N];
/** What a call to route N needs: its body and query as the contract types them, and its path parameters. */
export type RouteInput<N extends keyof typeof Routes> = {
  params?: Record<string, string>;
} & (RouteOf<N> extends { request: infer S extends z.ZodType }
  ? { body: z.input<S> }
  : { body?: undefined }) &
  (RouteOf<N> extends { query: infer Q extends z.ZodType } ? { query: z.input<Q> } : { query?: undefined });
