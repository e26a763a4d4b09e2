import { writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

/**
 * Writes an initialised, empty PGlite data directory (a gzip tar) to `file`. PGlite's initdb takes about four
 * seconds of CPU; loading this dump takes one, and every test file opens at least one fresh PGlite.
 */
export async function writePgliteTemplate(file: string): Promise<void> {
  const pglite = await PGlite.create();
  try {
    const dump = await pglite.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }
}
