import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writePgliteTemplate } from './pglite-template.ts';

/**
 * Prepares the databases of the integration tests. A PostgreSQL server: TEST_DATABASE_URL when set, otherwise a throw-away cluster
 * from Debian's binaries (initdb + pg_ctl) on a free loopback port, removed at the end. Without binaries the
 * PostgreSQL variant is skipped with a warning, except under CI, where that is a failure. And, for PGlite, an
 * initialised data directory that each test file loads instead of running initdb again.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of a server the tests may create databases on; null when there is none. */
    postgresUrl: string | null;
    /** A PGlite dataDir dump (gzip tar) to start fresh PGlite databases from. */
    pgliteTemplate: string;
  }
}

function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A PostgreSQL server for tests or benchmarks: TEST_DATABASE_URL, or a throw-away local cluster, or (without
 * binaries, outside CI) none. `stop` shuts a local cluster down and removes its folder.
 */
export async function startTestPostgres(): Promise<{ url: string | null; stop(): void }> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { url: given, stop: () => {} };
  const bin = findPostgresBin();
  if (!bin) {
    if (process.env.CI)
      throw new Error(
        'PostgreSQL binaries not found and TEST_DATABASE_URL not set: cannot test on PostgreSQL',
      );
    console.warn(
      '[postgres-global-setup] no PostgreSQL binaries in /usr/lib/postgresql: PostgreSQL tests are SKIPPED',
    );
    return { url: null, stop: () => {} };
  }

  const dir = mkdtempSync(join(tmpdir(), 'sik-pg-'));
  const dataDir = join(dir, 'data');
  // PostgreSQL refuses to run as root: run its tools as the postgres user, who must own the folder.
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const fullArgs = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    execFileSync(command, fullArgs, { stdio: 'pipe' });
  };

  try {
    const port = await freePort();
    run('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    // Durability is irrelevant for a throw-away test cluster; turning it off makes CREATE DATABASE fast.
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop: () => {
        try {
          run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
        }
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const templateDir = mkdtempSync(join(tmpdir(), 'sik-pglite-'));
  const removeTemplate = () => rmSync(templateDir, { recursive: true, force: true });
  try {
    const template = join(templateDir, 'template.tar.gz');
    await writePgliteTemplate(template);
    project.provide('pgliteTemplate', template);
    const postgres = await startTestPostgres();
    // Provided last: bench/server-lookup.ts reuses this setup with a provide() that keeps the last value.
    project.provide('postgresUrl', postgres.url);
    return () => {
      try {
        postgres.stop();
      } finally {
        removeTemplate();
      }
    };
  } catch (error) {
    removeTemplate();
    throw error;
  }
}
