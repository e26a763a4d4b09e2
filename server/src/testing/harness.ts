import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { loadServerConfig, type ServerConfig } from '@sik/config';
import type { Db } from '../db/db.ts';
import { createRootLogger } from '../log.ts';
import { startServer } from '../server.ts';
import { signRequest } from './sign.ts';

export const TEST_PROVISIONING_TOKEN = 'test-provisioning-token-0123456789';

export function testConfig(overrides: Record<string, unknown> = {}): ServerConfig {
  // An empty environment: a developer's DATABASE_URL or PORT must not leak into tests.
  return loadServerConfig(
    {
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      provisioningToken: TEST_PROVISIONING_TOKEN,
      ...overrides,
    },
    {},
  );
}

/** A server on a free port over an existing (already migrated and seeded) test database. */
export function startTestServer(db: Db, opts: { now?: () => number; config?: Record<string, unknown> } = {}) {
  return startServer(testConfig(opts.config), {
    db,
    seed: false,
    log: createRootLogger('silent'),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

export interface KioskKeys {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function newKioskKeys(): KioskKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert on it
  json: any;
}

export async function send(
  server: { url: string },
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const response = await fetch(new URL(path, server.url), {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

export function provision(
  server: { url: string },
  kioskId: string,
  publicKeyPem: string,
  token = TEST_PROVISIONING_TOKEN,
) {
  return send(server, 'POST', `/api/v1/provisioning/kiosks/${kioskId}/key`, {
    body: JSON.stringify({ publicKeyPem }),
    headers: { authorization: `Bearer ${token}` },
  });
}

export interface SignedCallOptions {
  body?: unknown;
  /** Sign these bytes instead of the body sent (to tamper with the body after signing). */
  signedBody?: string;
  timestamp?: number;
  nonce?: string;
  /** Header changes after signing; undefined removes a header. */
  headers?: Record<string, string | undefined>;
}

/** Sends a request signed with the kiosk's key, as the agent would. */
export function signedCall(
  server: { url: string },
  kiosk: { kioskId: string; privateKey: KeyObject },
  method: string,
  path: string,
  opts: SignedCallOptions = {},
): Promise<Reply> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string | undefined> = {
    ...signRequest({
      kioskId: kiosk.kioskId,
      privateKey: kiosk.privateKey,
      method,
      path,
      ...(opts.signedBody !== undefined || body !== undefined ? { body: opts.signedBody ?? body } : {}),
      ...(opts.timestamp === undefined ? {} : { timestamp: opts.timestamp }),
      ...(opts.nonce === undefined ? {} : { nonce: opts.nonce }),
    }),
    ...opts.headers,
  };
  const clean = Object.fromEntries(
    Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return send(server, method, path, { ...(body === undefined ? {} : { body }), headers: clean });
}
