import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { type Db, PgType, type Queryable } from './db.ts';

const parsers = { [PgType.DATE]: (value: string) => value, [PgType.INT8]: (value: string) => Number(value) };

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<T>(sql, [...params]);
      return { rows: result.rows };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite, WASM). One process owns the folder: PGlite has no shared-memory locking, so two
 * servers must not open the same data directory. `dataDir` null keeps the database in memory (tests).
 * `loadDataDir` starts from a dump (PGlite's dumpDataDir) instead of running initdb, which takes seconds.
 */
export async function openPglite(dataDir: string | null, opts: { loadDataDir?: Blob } = {}): Promise<Db> {
  let location: string | undefined;
  if (dataDir !== null) {
    mkdirSync(dataDir, { recursive: true });
    location = join(dataDir, 'pgdata');
  }
  const pglite = await PGlite.create({
    ...(location ? { dataDir: location } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    parsers,
  });
  const self = wrap(pglite);
  return {
    kind: 'pglite',
    query: self.query,
    exec: self.exec,
    transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
    close: () => pglite.close(),
  };
}
