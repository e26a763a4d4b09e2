import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from '../errors.ts';
import { AdvisoryLock, type Db, type Queryable } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** The numbered SQL files, in order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .flatMap((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) return [];
      const sql = readFileSync(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      return [{ version: Number(match[1]), name: match[2] ?? file, sql, checksum }];
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(`migration numbers must run 001, 002, ... without gaps (${m.name})`);
  });
  return migrations;
}

/**
 * Every transaction here first takes one advisory lock, so several servers starting at once apply each
 * migration exactly once; the lock also serialises creating the bookkeeping table, which IF NOT EXISTS alone
 * does not make safe under concurrency.
 */
async function lockAndPrepare(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.migrations]);
  await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

/**
 * Applies the pending migrations, each in its own transaction, and refuses to start when an applied migration's
 * file has changed since (the database would not match the code).
 */
export async function migrate(
  db: Db,
  migrations: Migration[] = loadMigrations(),
): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction(async (tx) => {
      await lockAndPrepare(tx);
      const { rows } = await tx.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migrations WHERE version = $1',
        [migration.version],
      );
      const existing = rows[0];
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.version}_${migration.name} changed after it was applied`,
          );
        }
        return false;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (ran) applied.push(`${String(migration.version).padStart(3, '0')}_${migration.name}`);
  }
  return { applied };
}

export async function appliedMigrationCount(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
  return rows[0]?.n ?? 0;
}
