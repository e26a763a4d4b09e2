import type { Queryable } from '../db/db.ts';

/**
 * Where a database holds image bytes: every column of every table in the public schema is searched for a JPEG's
 * start (FF D8 FF) as raw bytes (bytea), as hex text ('ffd8ff') or as base64 text ('/9j/'). The privacy rule is
 * that only the photo registry (photo_registry.jpeg) may hold images; pass it in `allowed` to list the rest.
 */
export async function columnsHoldingImages(
  q: Queryable,
  allowed: readonly string[] = ['photo_registry.jpeg'],
): Promise<string[]> {
  const { rows: columns } = await q.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND c.data_type IN ('bytea', 'text', 'character varying', 'json', 'jsonb')
      ORDER BY c.table_name, c.column_name`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const name = `${table}.${column}`;
    if (allowed.includes(name)) continue;
    const ref = `"${table}"."${column}"`;
    const where =
      type === 'bytea'
        ? `position('\\xffd8ff'::bytea IN ${ref}) > 0`
        : `(${ref}::text ILIKE '%ffd8ff%' OR strpos(${ref}::text, '/9j/') > 0)`;
    const { rows } = await q.query(`SELECT 1 FROM "${table}" WHERE ${where} LIMIT 1`);
    if (rows.length > 0) found.push(name);
  }
  return found;
}
