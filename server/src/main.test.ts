import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Routes } from '@sik/contract';
import { DEMO_KIOSK_ID, defaultSeedData, demoCardHolders } from '@sik/seeds';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadMigrations } from './db/migrate.ts';
import { createRootLogger } from './log.ts';
import { startServer } from './server.ts';
import { createPostgresDatabase } from './testing/databases.ts';
import {
  newKioskKeys,
  provision,
  send,
  signedCall,
  TEST_PROVISIONING_TOKEN,
  testConfig,
} from './testing/harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Running {
  child: ChildProcess;
  url: string;
  /** stdout and stderr together. */
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `npm run server`'s entry point as a real process and waits for its ready line: the first JSON line on
 * stdout, the convention every launcher in this repository relies on.
 */
function runMain(configFile: string): Promise<Running> {
  const { DATABASE_URL: _db, PORT: _port, SIK_LOG_LEVEL: _level, ...env } = process.env;
  const child = spawn(TSX, ['server/src/main.ts'], {
    cwd: ROOT,
    env: { ...env, SIK_SERVER_CONFIG: configFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output += `${line}\n`;
      let ready: { ready?: boolean; url?: string } = {};
      try {
        ready = JSON.parse(line);
      } catch {
        return; // stdout should hold only the ready line; anything else shows up in the output on failure
      }
      if (ready.ready && ready.url) {
        clearTimeout(timer);
        resolve({ child, url: ready.url, output: () => output, exited });
      }
    });
    exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

describe('npm run server (PGlite in a folder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sik-server-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'server.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      port: 0,
      logLevel: 'info',
      provisioningToken: TEST_PROVISIONING_TOKEN,
    }),
  );

  it('seeds an empty database, serves, logs no personal data, and stops cleanly on SIGTERM', async () => {
    const server = await runMain(configFile);
    const health = await send(server, 'GET', '/api/health');
    expect(health.json).toEqual({
      ok: true,
      data: { status: 'ok', database: 'pglite', migrations: loadMigrations().length },
    });

    const keys = newKioskKeys();
    expect((await provision(server, DEMO_KIOSK_ID, keys.publicKeyPem)).status).toBe(200);
    const { identity } = demoCardHolders()[0] ?? { identity: undefined };
    if (!identity) throw new Error('no demo card holder');
    const lookup = await signedCall(
      server,
      { kioskId: DEMO_KIOSK_ID, ...keys },
      'POST',
      Routes.identityLookup.path,
      {
        body: { cardType: identity.cardType, idNumber: identity.idNumber },
      },
    );
    expect(lookup.status).toBe(200);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Read the output only after exit: the URL line and the log lines may arrive in either order.
    const log = server.output();
    expect(log).toMatch(/demo data seeded/);
    expect(log).toMatch(/"path":"\/api\/v1\/kiosk\/identity-lookup","status":200/);
    expect(log).not.toContain(identity.idNumber);
    expect(log).not.toContain(identity.name);
  }, 120_000);

  it('restarts on the same folder without migrating or seeding again', async () => {
    const server = await runMain(configFile);
    const health = await send(server, 'GET', '/api/health');
    expect(health.json.data.migrations).toBe(loadMigrations().length);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toMatch(/demo data seeded|migrations applied/);
  }, 60_000);
});

describe.skipIf(!inject('postgresUrl'))('startServer with DATABASE_URL (PostgreSQL)', () => {
  it('migrates and seeds a new database, and a second start reuses it', async () => {
    const database = await createPostgresDatabase(inject('postgresUrl') ?? '');
    try {
      const config = testConfig({ databaseUrl: database.url });
      const log = createRootLogger('silent');
      const first = await startServer(config, { log });
      expect(first.db.kind).toBe('postgres');
      const health = await send(first, 'GET', '/api/health');
      expect(health.json.data).toEqual({
        status: 'ok',
        database: 'postgres',
        migrations: loadMigrations().length,
      });
      await first.close();
      const second = await startServer(config, { log });
      const { rows } = await second.db.query<{ n: number }>('SELECT count(*)::int AS n FROM people');
      expect(rows[0]?.n).toBe(defaultSeedData().people.length);
      await second.close();
    } finally {
      await database.drop();
    }
  });
});
