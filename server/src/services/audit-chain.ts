import { createHash } from 'node:crypto';

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditContent {
  at: Date;
  actor: string;
  kioskId: string | null;
  action: string;
  result: string;
  details: AuditDetails;
}

/** Keys sorted, so the hash does not depend on the order jsonb happens to return them in. */
function canonicalDetails(details: AuditDetails): [string, unknown][] {
  return Object.keys(details)
    .sort()
    .map((key) => [key, details[key]]);
}

/**
 * SHA-256 over the previous hash and the entry's content. Anyone holding the rows can recompute the chain; an
 * edited, inserted or removed row changes every hash after it.
 */
export function auditHash(prevHash: string, entry: AuditContent): string {
  const content = JSON.stringify([
    prevHash,
    entry.at.toISOString(),
    entry.actor,
    entry.kioskId,
    entry.action,
    entry.result,
    canonicalDetails(entry.details),
  ]);
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export interface ChainedEntry extends AuditContent {
  id: number;
  prevHash: string;
  hash: string;
}

export type ChainCheck = { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number };

/** Checks entries in id order, starting from `prevHash` (the genesis hash for the whole log). */
export function checkChain(entries: readonly ChainedEntry[], prevHash: string = GENESIS_HASH): ChainCheck {
  let previous = prevHash;
  for (const entry of entries) {
    if (entry.prevHash !== previous || auditHash(previous, entry) !== entry.hash) {
      return { ok: false, entries: entries.length, brokenAt: entry.id };
    }
    previous = entry.hash;
  }
  return { ok: true, entries: entries.length };
}
