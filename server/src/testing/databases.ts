import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { Db, DbKind } from '../db/db.ts';
import { migrate } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';
import { createRootLogger } from '../log.ts';

/** A fresh database for one describe block; `url` is set for PostgreSQL (to open more connections to it). */
export interface TestDatabase {
  kind: DbKind;
  db: Db;
  url: string | null;
  /** Opens another, independent handle to the same database (PostgreSQL) — "a second server". */
  reopen(): Promise<Db>;
}

const silent = createRootLogger('silent');

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server; `drop` removes it. */
export async function createPostgresDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sik_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

let warned = false;

/**
 * Runs the same suite on PGlite and on PostgreSQL, each in a database of its own created for this block and
 * migrated once (unless `migrate: false`). The PostgreSQL run is skipped, with a warning, when the global setup
 * found no server.
 */
export function describeEachDatabase(
  name: string,
  suite: (get: () => TestDatabase) => void,
  options: { migrate?: boolean; setup?: (db: Db) => Promise<void> } = {},
): void {
  const postgresUrl = inject('postgresUrl');
  if (!postgresUrl && !warned) {
    warned = true;
    console.warn('PostgreSQL unavailable: the PostgreSQL variant of the server tests is skipped');
  }
  for (const kind of ['pglite', 'postgres'] as const) {
    describe.skipIf(kind === 'postgres' && !postgresUrl)(`${name} [${kind}]`, () => {
      let current: TestDatabase | undefined;
      const extra: Db[] = [];
      let drop: (() => Promise<void>) | undefined;
      beforeAll(async () => {
        if (kind === 'pglite') {
          const db = await openPglite(null, {
            loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]),
          });
          current = {
            kind,
            db,
            url: null,
            reopen: () => Promise.reject(new Error('PGlite in memory has a single handle')),
          };
        } else {
          const created = await createPostgresDatabase(postgresUrl ?? '');
          drop = created.drop;
          const open = async () => openPostgres(created.url, silent);
          current = {
            kind,
            db: await open(),
            url: created.url,
            reopen: async () => {
              const db = await open();
              extra.push(db);
              return db;
            },
          };
        }
        if (options.migrate ?? true) await migrate(current.db);
        await options.setup?.(current.db);
      });
      afterAll(async () => {
        for (const db of extra) await db.close();
        await current?.db.close();
        await drop?.();
      });
      suite(() => {
        if (!current) throw new Error('test database not ready');
        return current;
      });
    });
  }
}
