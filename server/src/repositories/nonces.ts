import type { Queryable } from '../db/db.ts';

/**
 * Records a kiosk's nonce; false when that kiosk already used it. The primary key decides, so the answer holds
 * across several servers on one database.
 */
export async function rememberNonce(q: Queryable, kioskId: string, nonce: string): Promise<boolean> {
  const { rows } = await q.query(
    'INSERT INTO request_nonces (kiosk_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING nonce',
    [kioskId, nonce],
  );
  return rows.length === 1;
}

/** Forgets nonces seen more than `olderThanSec` ago (database clock); returns how many. */
export async function forgetOldNonces(q: Queryable, olderThanSec: number): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `WITH gone AS (DELETE FROM request_nonces WHERE seen_at < now() - make_interval(secs => $1) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [olderThanSec],
  );
  return rows[0]?.n ?? 0;
}
