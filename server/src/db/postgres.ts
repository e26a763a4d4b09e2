import pg from 'pg';
import type { Logger } from '../log.ts';
import { type Db, PgType, type Queryable } from './db.ts';

const parseDate = (value: string): string => value;
const parseInt8 = (value: string): number => Number(value);

/** Parsers that make pg return what PGlite returns (see db.ts). */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === PgType.DATE) return parseDate;
    if (oid === PgType.INT8) return parseInt8;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, [...params]);
      return { rows: result.rows as T[] };
    },
    async exec(sql: string) {
      // Without parameters pg uses the simple query protocol, which runs several statements in one call.
      await client.query(sql);
    },
  };
}

/** A PostgreSQL server through a pool; several servers may share it (migrations and audit take advisory locks). */
export async function openPostgres(connectionString: string, log: Logger, max = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max, types });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => log.warn({ ns: 'db', reason: error.message }, 'idle database client failed'));
  const probe = await pool.connect();
  probe.release();
  const self = wrap(pool);
  return {
    kind: 'postgres',
    query: self.query,
    exec: self.exec,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error; // the connection is unusable: destroy it instead of pooling it
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
