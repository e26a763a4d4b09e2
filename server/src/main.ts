import { loadServerConfig } from '@sik/config';
import { createRootLogger, logLevelFrom } from './log.ts';
import { startServer } from './server.ts';

/**
 * `npm run server`: PGlite in .data/server unless DATABASE_URL is set; demo data seeded into an empty database.
 * stdout carries exactly one JSON line once the server listens, {"ready":true,"url":...}, for launchers (the demo
 * script, tests, the benchmark); logs go to stderr.
 */
const config = loadServerConfig();
const root = createRootLogger(logLevelFrom(process.env, config.logLevel));
const log = root.child({ ns: 'main' });

try {
  const server = await startServer(config, { log: root });
  process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, database: server.db.kind })}\n`);
  log.info({ url: server.url, database: server.db.kind }, 'listening');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: the user wants out now
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ reason: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  log.fatal(
    { err: { name: (error as Error).name, message: (error as Error).message } },
    'server failed to start',
  );
  process.exit(1);
}
