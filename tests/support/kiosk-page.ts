import { join } from 'node:path';
import { defaultSeedData, demoCardHolders } from '@sik/seeds';
import type { Page } from 'playwright-core';
import { createServerClient } from '../../device-agent/src/server-client/client.ts';
import { loadOrCreateKioskKeys } from '../../device-agent/src/server-client/keys.ts';
import type { KioskRig } from './kiosk-rig.ts';

/** A demo card holder of the seeds, by the key the simulator dock shows. */
export function demoHolder(key: string) {
  const found = demoCardHolders().find((h) => h.key === key);
  if (!found) throw new Error(`the seeds have no demo card holder ${key}`);
  return found;
}

/** The seeded person behind a demo card. */
export function seededPerson(key: string) {
  const idNumber = demoHolder(key).identity.idNumber;
  const person = defaultSeedData().people.find((p) => p.identity.idNumber === idNumber);
  if (!person) throw new Error(`no seeded person for ${key}`);
  return person;
}

/** A visit as a citizen makes it through the kiosk page and its simulator dock. */
export function kioskVisitor(page: Page, stepTimeoutMs = 20_000) {
  async function leave(): Promise<void> {
    await page.getByTestId('sim-lift').click();
    await page.getByTestId('screen-attract').waitFor({ timeout: 10_000 });
    // The driver learns of a lift from its next find poll; a hand is slower than that.
    await page.waitForTimeout(800);
  }
  return {
    /** Places the card and waits for the home screen (after leaving the last visit if a test left it open). */
    async visit(key: string): Promise<void> {
      if ((await page.getByTestId('screen-attract').count()) === 0) await leave();
      await page.getByTestId('screen-attract').click();
      await page.getByTestId('screen-awaitCard').waitFor();
      await page.getByTestId(`sim-place-${key}`).click();
      await page.getByTestId('screen-home').waitFor({ timeout: 20_000 });
    },
    leave,
    async step(type: string, timeout = stepTimeoutMs): Promise<void> {
      await page.getByTestId(`flow-step-${type}`).waitFor({ timeout });
    },
  };
}

/** The server as the rig's kiosk calls it: every request signed with the agent's own key. */
export async function rigServerClient(rig: KioskRig) {
  const keys = await loadOrCreateKioskKeys(join(rig.dir, 'agent'));
  return createServerClient({
    serverUrl: String(rig.server.ready.url),
    kioskId: 'KIOSK-0001',
    privateKey: keys.privateKey,
    timeoutMs: 5000,
  });
}
