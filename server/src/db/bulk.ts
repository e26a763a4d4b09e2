import type { Queryable } from './db.ts';

/**
 * Inserts many rows in few statements: each chunk travels as one JSON parameter and jsonb_to_recordset turns it
 * back into rows. One parameter per chunk avoids PostgreSQL's 65,535-parameter limit, and the same SQL runs on
 * PGlite and PostgreSQL (no COPY, which the two drivers expose differently).
 * `table` and `columns` come from code, never from input.
 */
export async function insertRows(
  q: Queryable,
  table: string,
  columns: Readonly<Record<string, string>>,
  rows: readonly Record<string, unknown>[],
  chunkSize = 5000,
): Promise<number> {
  const names = Object.keys(columns);
  const definition = names.map((name) => `${name} ${columns[name]}`).join(', ');
  const sql =
    `INSERT INTO ${table} (${names.join(', ')}) ` +
    `SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${definition})`;
  for (let start = 0; start < rows.length; start += chunkSize) {
    await q.query(sql, [JSON.stringify(rows.slice(start, start + chunkSize))]);
  }
  return rows.length;
}
