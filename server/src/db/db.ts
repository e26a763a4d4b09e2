/**
 * The database seen by repositories: PostgreSQL, either embedded (PGlite) or a server (pg). Both return the same
 * JavaScript types: DATE as 'YYYY-MM-DD' strings, TIMESTAMPTZ as Date, INT8 as number, NUMERIC as string,
 * JSON as parsed values; the same SQL runs on both.
 */
export interface QueryResult<T> {
  rows: T[];
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type DbKind = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly kind: DbKind;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Inside, use only `tx`:
   * PGlite runs one thing at a time, so a query on the outer handle would wait for the transaction forever.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** OIDs of the types whose parsing is made the same on both drivers. */
export const PgType = { INT8: 20, DATE: 1082 } as const;

/** Keys of the transaction-scoped advisory locks that serialise work across several servers. */
export const AdvisoryLock = { migrations: 7_400_001, seed: 7_400_002, audit: 7_400_003 } as const;
