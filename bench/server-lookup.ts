import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Routes } from '@sik/contract';
import { demoCardHolders } from '@sik/seeds';
import autocannon from 'autocannon';
import { signedHeaders } from '../device-agent/src/server-client/signing.ts';
import { startTestPostgres } from '../server/src/testing/postgres-global-setup.ts';
import { startProcess } from '../tests/support/processes.ts';
import type { BenchResult } from './results-file.ts';

const TOKEN = 'bench-provisioning-token-0123456789';
const KIOSK_ID = 'KIOSK-0001';
const DURATION_S = 10;
const CONNECTIONS = 10;

/**
 * Throughput of the signed identity lookup (the call every visit makes): the server runs as its own process,
 * autocannon signs every request with a fresh nonce in this one. Once on PGlite, once on PostgreSQL.
 */
export async function benchServerLookup(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  results.push(await runOne('pglite', null));
  const postgres = await startTestPostgres();
  try {
    if (postgres.url) results.push(await runOne('postgres', postgres.url));
    else console.warn('bench: no PostgreSQL available; server.lookup.rps.postgres not measured');
  } finally {
    postgres.stop();
  }
  return results;
}

async function runOne(kind: 'pglite' | 'postgres', databaseUrl: string | null): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), `sik-bench-${kind}-`));
  const server = await startProcess('server/src/main.ts', [], {
    SIK_LOG_LEVEL: 'warn',
    SIK_SERVER_CONFIG_JSON: JSON.stringify({
      port: 0,
      dataDir: join(dir, 'server'),
      provisioningToken: TOKEN,
      databaseUrl,
      logLevel: 'warn',
    }),
  });
  try {
    const url = String(server.ready.url);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const provisionPath = Routes.provisionKiosk.path.replace('{kioskId}', KIOSK_ID);
    const provisioned = await fetch(new URL(provisionPath, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }),
    });
    if (!provisioned.ok)
      throw new Error(`provisioning failed: ${provisioned.status} ${await provisioned.text()}`);

    const people = demoCardHolders().map((h) => ({
      cardType: h.identity.cardType,
      idNumber: h.identity.idNumber,
    }));
    let i = 0;
    const path = Routes.identityLookup.path;
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: 'POST',
          path,
          setupRequest: (request: autocannon.Request) => {
            const body = JSON.stringify(people[i++ % people.length]);
            return {
              ...request,
              body,
              headers: {
                'content-type': 'application/json',
                ...signedHeaders({ kioskId: KIOSK_ID, privateKey, method: 'POST', path, body }),
              },
            };
          },
        },
      ],
    });
    const ok = result['2xx'];
    const failed = result.non2xx + result.errors + result.timeouts;
    if (ok === 0 || failed > 0) {
      throw new Error(
        `lookup bench on ${kind}: ${ok} ok, ${failed} failed (${JSON.stringify(result.statusCodeStats)})`,
      );
    }
    return {
      id: `server.lookup.rps.${kind}`,
      value: Math.round(result.requests.average),
      unit: 'req/s',
      note: `mean of ${DURATION_S} s, ${CONNECTIONS} connections, ${ok} signed lookups all 200; p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; server and load generator share 2 cores`,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
