import type { Db } from '../db/db.ts';
import { appliedMigrationCount } from '../db/migrate.ts';
import type { MountRoute } from '../http/mount.ts';

/** Liveness and readiness in one: answers only when the database does. */
export function healthRoutes(mount: MountRoute, db: Db): void {
  mount('health', async () => ({
    status: 'ok',
    database: db.kind,
    migrations: await appliedMigrationCount(db),
  }));
}
