import { expect, it } from 'vitest';
import { MigrationError } from '../errors.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import type { Db } from './db.ts';
import { appliedMigrationCount, loadMigrations, migrate } from './migrate.ts';

const TABLES = [
  'audit_log',
  'bank_services',
  'banks',
  'branches',
  'contributions',
  'insurances',
  'kiosks',
  'pensions',
  'people',
  'request_nonces',
  'schema_migrations',
];

async function tables(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return rows.map((r) => r.table_name);
}

it('reads the numbered migration files in order', () => {
  const migrations = loadMigrations();
  expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  expect(migrations[0]?.name).toBe('initial');
  expect(migrations[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
});

describeEachDatabase(
  'migrations',
  (get) => {
    it('apply once even when two servers migrate at the same time', async () => {
      const { db, kind } = get();
      // On PostgreSQL a second pool is a second server; PGlite has one handle, so both calls share it.
      const other = kind === 'postgres' ? await get().reopen() : db;
      const [a, b] = await Promise.all([migrate(db), migrate(other)]);
      // Each migration is its own transaction: the two servers may share the work, but each applies once.
      expect([...a.applied, ...b.applied].sort()).toEqual(
        loadMigrations().map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`),
      );
      expect(await tables(db)).toEqual(expect.arrayContaining(TABLES));
      expect(await appliedMigrationCount(db)).toBe(loadMigrations().length);
    });

    it('are idempotent on restart: nothing is applied twice', async () => {
      const { db } = get();
      expect((await migrate(db)).applied).toEqual([]);
      expect(await appliedMigrationCount(db)).toBe(loadMigrations().length);
    });

    it('refuse to start when an applied migration file has changed', async () => {
      const { db } = get();
      const [first] = loadMigrations();
      if (!first) throw new Error('no migration');
      const edited = { ...first, sql: `${first.sql}\n-- edited`, checksum: 'f'.repeat(64) };
      await expect(migrate(db, [edited])).rejects.toBeInstanceOf(MigrationError);
    });

    it('roll back a failing migration completely', async () => {
      const { db } = get();
      const broken = {
        version: loadMigrations().length + 1,
        name: 'broken',
        sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();',
        checksum: 'b'.repeat(64),
      };
      await expect(migrate(db, [...loadMigrations(), broken])).rejects.toThrow(/no_such_function/);
      expect(await tables(db)).not.toContain('half_done');
      expect(await appliedMigrationCount(db)).toBe(loadMigrations().length);
    });

    it('enforce the schema constraints', async () => {
      const { db } = get();
      await db.query("INSERT INTO banks (bank_id, name) VALUES ('TEST', '测试银行')");
      await expect(db.query("INSERT INTO banks (bank_id, name) VALUES ('bad id', 'x')")).rejects.toThrow();
      await expect(
        db.query(
          "INSERT INTO branches (branch_id, bank_id, name, address, region_code) VALUES ('B-1', 'NONE', 'x', 'y', '510104')",
        ),
      ).rejects.toThrow();
      await expect(
        db.query(`INSERT INTO people (person_id, id_number, card_type, name, sex, birth_date, valid_from)
                  VALUES ('P00000001', '11010519491231002X', 'resident', '张三', 'male', '1949-12-31', '2010-01-01')`),
      ).rejects.toThrow(/check constraint/); // a resident card needs a nation code
    });
  },
  { migrate: false },
);
