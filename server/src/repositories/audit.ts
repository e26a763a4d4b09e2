import { AdvisoryLock, type Db, type Queryable } from '../db/db.ts';
import {
  type AuditContent,
  type AuditDetails,
  auditHash,
  type ChainCheck,
  type ChainedEntry,
  checkChain,
  GENESIS_HASH,
} from '../services/audit-chain.ts';

export interface AuditEntry {
  actor: string;
  kioskId: string | null;
  action: string;
  result: string;
  /** Never a full ID number or a name: masked values, person ids, codes. */
  details: AuditDetails;
}

/**
 * Appends inside the caller's transaction, so the entry commits or rolls back with the change it records. The
 * advisory lock orders appends across servers: each reads the latest hash only after the previous append has
 * committed, so the chain never forks.
 */
export async function appendAuditInTransaction(
  tx: Queryable,
  entry: AuditEntry,
  at: Date = new Date(),
): Promise<string> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.audit]);
  const { rows } = await tx.query<{ hash: string }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
  const prevHash = rows[0]?.hash ?? GENESIS_HASH;
  const content: AuditContent = { at, ...entry };
  const hash = auditHash(prevHash, content);
  await tx.query(
    `INSERT INTO audit_log (at, actor, kiosk_id, action, result, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
    [
      at.toISOString(),
      entry.actor,
      entry.kioskId,
      entry.action,
      entry.result,
      JSON.stringify(entry.details),
      prevHash,
      hash,
    ],
  );
  return hash;
}

export function appendAudit(db: Db, entry: AuditEntry): Promise<string> {
  return db.transaction((tx) => appendAuditInTransaction(tx, entry));
}

interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  kiosk_id: string | null;
  action: string;
  result: string;
  details: AuditDetails;
  prev_hash: string;
  hash: string;
}

export async function countAuditEntries(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
  return rows[0]?.n ?? 0;
}

/** Recomputes the whole chain, a page at a time. */
export async function verifyAuditChain(q: Queryable, pageSize = 1000): Promise<ChainCheck> {
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let entries = 0;
  for (;;) {
    const { rows } = await q.query<AuditRow>('SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2', [
      lastId,
      pageSize,
    ]);
    if (rows.length === 0) return { ok: true, entries };
    const page: ChainedEntry[] = rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      kioskId: r.kiosk_id,
      action: r.action,
      result: r.result,
      details: r.details,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    const check = checkChain(page, prevHash);
    if (!check.ok) return { ...check, entries: entries + page.length };
    entries += page.length;
    prevHash = page.at(-1)?.hash ?? prevHash;
    lastId = page.at(-1)?.id ?? lastId;
  }
}
