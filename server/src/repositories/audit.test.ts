import { expect, it } from 'vitest';
import { auditHash, type ChainedEntry, checkChain, GENESIS_HASH } from '../services/audit-chain.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { appendAudit, countAuditEntries, verifyAuditChain } from './audit.ts';

const entry = (n: number) => ({
  actor: 'kiosk:KIOSK-0001',
  kioskId: 'KIOSK-0001',
  action: 'identity.lookup',
  result: 'ok',
  details: { n, idNumberMasked: '5101**********1234', personId: `P${String(n).padStart(8, '0')}` },
});

describeEachDatabase('audit log', (get) => {
  it('chains every entry to the one before, also when servers append concurrently', async () => {
    const { db, kind } = get();
    const other = kind === 'postgres' ? await get().reopen() : db;
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(i % 2 ? db : other, entry(i))));
    expect(await countAuditEntries(db)).toBe(20);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 20 });
    // Pages smaller than the log must give the same answer.
    expect(await verifyAuditChain(db, 3)).toEqual({ ok: true, entries: 20 });
    const { rows } = await db.query<{ prev_hash: string }>(
      'SELECT prev_hash FROM audit_log ORDER BY id LIMIT 1',
    );
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const { db } = get();
    await expect(db.query("UPDATE audit_log SET result = 'forged'")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log WHERE id = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await countAuditEntries(db)).toBe(20);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('detects an entry inserted outside the chain', async () => {
    const { db } = get();
    await db.query(
      `INSERT INTO audit_log (at, actor, kiosk_id, action, result, details, prev_hash, hash)
       VALUES (now(), 'intruder', NULL, 'x', 'ok', '{}', $1, $2)`,
      ['0'.repeat(64), 'a'.repeat(64)],
    );
    const check = await verifyAuditChain(db);
    expect(check.ok).toBe(false);
    expect(check).toMatchObject({ brokenAt: 21 });
  });
});

it('detects an edited or removed entry', () => {
  const at = new Date('2026-11-01T02:00:00.000Z');
  const valid: ChainedEntry[] = [];
  for (let id = 1; id <= 3; id++) {
    const prevHash = valid.at(-1)?.hash ?? GENESIS_HASH;
    const content = { ...entry(id), at };
    valid.push({ id, ...content, prevHash, hash: auditHash(prevHash, content) });
  }
  expect(checkChain(valid)).toEqual({ ok: true, entries: 3 });
  // Key order in details does not matter (jsonb reorders keys).
  const reordered = valid.map((e) => ({
    ...e,
    details: Object.fromEntries(Object.entries(e.details).reverse()),
  }));
  expect(checkChain(reordered).ok).toBe(true);
  const edited = valid.map((e) => (e.id === 2 ? { ...e, result: 'PERSON_NOT_FOUND' } : e));
  expect(checkChain(edited)).toMatchObject({ ok: false, brokenAt: 2 });
  const removed = valid.filter((e) => e.id !== 2);
  expect(checkChain(removed)).toMatchObject({ ok: false, brokenAt: 3 });
});
