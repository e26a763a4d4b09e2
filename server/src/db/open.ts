import type { ServerConfig } from '@sik/config';
import type { Logger } from '../log.ts';
import type { Db } from './db.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** PostgreSQL when DATABASE_URL is set, otherwise PGlite in `${dataDir}/pgdata`. */
export function openDb(config: Pick<ServerConfig, 'databaseUrl' | 'dataDir'>, log: Logger): Promise<Db> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, log) : openPglite(config.dataDir);
}
