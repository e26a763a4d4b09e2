import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSeedData } from '@sik/seeds';
import { createRootLogger } from '../../../server/src/log.ts';
import { type RunningServer, startServer } from '../../../server/src/server.ts';
import { testConfig } from '../../../server/src/testing/harness.ts';
import { bundleChild } from './child.ts';
import { globalViolations } from './invariants.ts';
import { Lane, TOKEN } from './lane.ts';
import { anyRegistryPhoto, giveRegistryPhoto, peopleWithoutCard } from './people.ts';
import type { HarnessOptions, Person } from './types.ts';

/** The server (in this process, PGlite in a folder), the people to serve, and the lanes. */
export class IssuanceHarness {
  readonly lanes: Lane[] = [];
  /** The bundled crash child, or null (tsx). */
  childBundle: string | null = null;
  private people: Person[] = [];
  private nextPerson = 0;

  private constructor(
    readonly dir: string,
    readonly server: RunningServer,
    readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<IssuanceHarness> {
    const dir = mkdtempSync(join(tmpdir(), 'sik-crash-'));
    const server = await startServer(testConfig({ dataDir: join(dir, 'server'), provisioningToken: TOKEN }), {
      log: createRootLogger('silent'),
      seedData: generateSeedData({ citizens: 300 }),
    });
    const harness = new IssuanceHarness(dir, server, options);
    try {
      if (!options.issuanceModule) harness.childBundle = bundleChild();
      harness.people = await peopleWithoutCard(server.db);
      const photo = await anyRegistryPhoto(server.db);
      for (const p of harness.people) await giveRegistryPhoto(server.db, p.personId, photo);
      const count = options.lanes ?? 1;
      // KIOSK-0002.. stand in ICBC branches (authorised for social security cards); KIOSK-0001 keeps the demo
      // stock.
      for (let i = 0; i < count; i++)
        harness.lanes.push(await Lane.start(harness, i, `KIOSK-${String(i + 2).padStart(4, '0')}`));
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  /** The next person without any card or application (their first card comes first). */
  takePerson(): Person {
    const person = this.people[this.nextPerson++];
    if (!person) throw new Error('the harness ran out of people without a card');
    return person;
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  async stop(): Promise<void> {
    for (const lane of this.lanes) await lane.stop().catch(() => undefined);
    await this.server.close().catch(() => undefined);
    if (this.childBundle) rmSync(this.childBundle, { force: true });
    if (!this.options.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Invariants across lanes (the server's view). */
  async globalViolations(): Promise<string[]> {
    return globalViolations(this.server.db);
  }
}
