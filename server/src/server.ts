import type { AddressInfo } from 'node:net';
import type { ServerConfig } from '@sik/config';
import { defaultSeedData, type SeedData } from '@sik/seeds';
import { createApp } from './app.ts';
import type { Db } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { openDb } from './db/open.ts';
import { seedIfEmpty } from './db/seed.ts';
import { seedAuthenticationIfEmpty } from './db/seed-authentication.ts';
import { seedCardStockIfEmpty } from './db/seed-cards.ts';
import { startAuthenticationStatusJob } from './jobs/authentication-status.ts';
import { startNonceCleanup } from './jobs/nonce-cleanup.ts';
import { startPaymentJobs } from './jobs/reconciliation.ts';
import { createRootLogger, type Logger } from './log.ts';

export interface StartOptions {
  /** Seed demo data into an empty database (default true). */
  seed?: boolean;
  /** Data to seed instead of the default demo data. */
  seedData?: SeedData;
  /** Use this database instead of opening one from the config; the caller keeps ownership (it is not closed). */
  db?: Db;
  log?: Logger;
  /** Clock for signature timestamps. */
  now?: () => number;
}

export interface RunningServer {
  url: string;
  db: Db;
  close(): Promise<void>;
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Opens (or takes) the database, migrates, seeds when empty, and listens. `config.port` 0 picks a free port. */
export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? createRootLogger(config.logLevel);
  const db = opts.db ?? (await openDb(config, log.child({ ns: 'db' })));
  const closeDb = opts.db ? async () => {} : () => db.close();
  try {
    const { applied } = await migrate(db);
    if (applied.length > 0) log.info({ ns: 'db', applied }, 'migrations applied');
    if (opts.seed ?? true) {
      const started = performance.now();
      const counts = await seedIfEmpty(db, opts.seedData ?? defaultSeedData);
      if (counts)
        log.info({ ns: 'db', ...counts, ms: Math.round(performance.now() - started) }, 'demo data seeded');
      const authentication = await seedAuthenticationIfEmpty(db, opts.seedData ?? defaultSeedData);
      if (authentication) log.info({ ns: 'db', ...authentication }, 'demo staff and photo registry seeded');
      const blanks = await seedCardStockIfEmpty(db, opts.now);
      if (blanks) log.info({ ns: 'db', blanks }, 'demo kiosk card stock loaded');
    }
    const app = createApp({ db, config, log, ...(opts.now ? { now: opts.now } : {}) });
    const server = app.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const url = urlOf(server.address() as AddressInfo);
    const cleanup = startNonceCleanup(db, config.signature.maxSkewSec, log.child({ ns: 'jobs' }));
    const paymentJobs = startPaymentJobs({ db, config, log: log.child({ ns: 'jobs' }) });
    const authenticationJob = startAuthenticationStatusJob({
      db,
      config,
      log: log.child({ ns: 'jobs' }),
      ...(opts.now ? { now: opts.now } : {}),
    });
    // The first run finishes before the server is reported up: payment status is right from the first request.
    await authenticationJob.ran;
    return {
      url,
      db,
      async close() {
        cleanup.stop();
        paymentJobs.stop();
        authenticationJob.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Idle keep-alive connections would hold close() open; requests in flight may finish.
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 3000);
        await closed;
        clearTimeout(force);
        await closeDb();
      },
    };
  } catch (error) {
    await closeDb();
    throw error;
  }
}
