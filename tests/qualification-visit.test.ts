/**
 * Benefit qualification authentication (待遇领取资格认证) end to end, every part its own process
 * (tests/support/kiosk-rig.ts): the camera simulator is a network camera serving MJPEG over HTTP with a binocular
 * liveness module, read by the agent through ffmpeg; the face check runs in the agent (face-api on the WASM
 * backend in a worker); the kiosk UI runs in headless Chromium. A pensioner whose face matches is authenticated
 * and the server records it; another person's face is refused; a printed photo fails liveness; an unplugged
 * camera gives a plain message and the staff-assisted path, which a bank staff member completes. Afterwards a
 * scan of the database, the logs, the agent's data folder and the new temp files finds no image and no
 * descriptor.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthenticationStatus } from '@sik/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../server/src/db/pglite.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import { demoHolder, kioskVisitor, rigServerClient, seededPerson } from './support/kiosk-page.ts';
import { type KioskRig, startKioskRig } from './support/kiosk-rig.ts';
import { filesUnder, scanBytes, scanFiles } from './support/privacy-scan.ts';

const personIdOf = (key: string): string => seededPerson(key).personId;
const holder = demoHolder;

describe('qualification authentication with the face check, end to end', () => {
  let rig: KioskRig;
  let browser: Browser;
  let page: Page;
  let visit: (key: string) => Promise<void>;
  let leave: () => Promise<void>;
  let step: (type: string, timeout?: number) => Promise<void>;
  const tmpBefore = new Set(readdirSync(tmpdir()));

  beforeAll(async () => {
    rig = await startKioskRig();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    ({ visit, leave, step } = kioskVisitor(page, 30_000));
    await page.goto(rig.kioskUrl());
    await page.getByTestId('screen-attract').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  async function status(key: string): Promise<AuthenticationStatus> {
    const client = await rigServerClient(rig);
    const result = await client.request('authenticationStatus', { body: { personId: personIdOf(key) } });
    if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
    return result.data;
  }

  /** Opens the service, agrees to the face check, and waits for the camera screen with live frames. */
  async function startFaceCheck(scene: string): Promise<void> {
    await page.getByTestId(`sim-camera-${scene}`).click();
    await page.getByTestId('service-tile-qualificationAuth').click();
    await step('faceConsent');
    await page.getByTestId('face-consent-agree').click();
    await step('faceCapture', 60_000);
  }

  // 'pensioner' is the one face the fixtures hold in two independent photos: the camera shows the other photo.
  it('authenticates a pensioner whose face matches, and the server records 12 more months', async () => {
    const before = await status('pensioner');
    expect(before.referencePhoto).toBe(true);
    await visit('pensioner');
    await startFaceCheck('cardHolder');
    // Preview frames reach the screen while the check runs.
    await expect
      .poll(async () => Number(await page.getByTestId('face-preview').getAttribute('data-frames')), {
        timeout: 15_000,
      })
      .toBeGreaterThan(3);
    // A picture of the screen a couple of seconds into the check (none when the check is already past it).
    const framesNow = () =>
      page
        .getByTestId('face-preview')
        .getAttribute('data-frames', { timeout: 500 })
        .then(Number, () => -1);
    for (let waited = 0; waited < 10 && (await framesNow()) >= 0 && (await framesNow()) < 16; waited++)
      await page.waitForTimeout(500);
    if ((await framesNow()) >= 16) await screenshot(page, 'auth-face-capture');
    await step('result', 60_000);
    await screenshot(page, 'auth-result');
    expect(await page.getByTestId('result-item-authentication').getAttribute('data-status')).toBe('done');
    const after = await status('pensioner');
    expect(after.lastAuthenticatedAt).not.toBe(before.lastAuthenticatedAt);
    expect(after.daysLeft ?? 0).toBeGreaterThan(300);
    // The kiosk tells the pensioner when the next authentication is due (the date the server recorded).
    const [y, m, d] = (after.validUntil ?? '0-0-0').split('-').map(Number);
    expect(await page.getByTestId('result-item-authentication').textContent()).toContain(
      `${y}年${m}月${d}日`,
    );
    await leave();
  });

  it("refuses another person's face and records the attempt", async () => {
    const before = await status('pensioner-due');
    await visit('pensioner-due');
    await startFaceCheck('otherPerson');
    await step('faceFailed', 60_000);
    expect(await page.getByTestId('face-failed-reason').getAttribute('data-reason')).toBe('mismatch');
    await screenshot(page, 'auth-face-mismatch');
    const after = await status('pensioner-due');
    expect(after.mismatchesLeft).toBe(before.mismatchesLeft - 1);
    expect(after.lastAuthenticatedAt).toBe(before.lastAuthenticatedAt);
    await leave();
  });

  it("fails liveness for a printed photo of the card holder's face", async () => {
    const before = await status('resident-pensioner');
    await visit('resident-pensioner');
    await startFaceCheck('stillPhoto');
    await step('faceFailed', 60_000);
    expect(await page.getByTestId('face-failed-reason').getAttribute('data-reason')).toBe('livenessFailed');
    expect((await status('resident-pensioner')).lastAuthenticatedAt).toBe(before.lastAuthenticatedAt);
    await leave();
  });

  it('says plainly that the camera is unavailable and lets bank staff confirm the person instead', async () => {
    const before = await status('pensioner-overdue');
    expect(before.pensionStatus).toBe('suspended');
    await visit('pensioner-overdue');
    await page.getByTestId('sim-camera-unplugged').click();
    await page.getByTestId('service-tile-qualificationAuth').click();
    await step('faceConsent');
    await page.getByTestId('face-consent-agree').click();
    await step('faceFailed', 60_000);
    expect(await page.getByTestId('face-failed-reason').getAttribute('data-reason')).toBe(
      'cameraUnavailable',
    );
    await screenshot(page, 'auth-camera-unplugged');
    await page.getByTestId('face-assisted').click();
    await step('staffSignIn');
    // The dock's demo authenticator shows the staff number, password and current one-time code.
    await expect
      .poll(() => page.getByTestId('sim-staff-otp').textContent(), { timeout: 15_000 })
      .toMatch(/^\d{6}$/);
    const field = async (id: string) => (await page.getByTestId(id).textContent()) ?? '';
    await page.getByTestId('staff-number').fill(await field('sim-staff-number'));
    await page.getByTestId('staff-password').fill(await field('sim-staff-password'));
    await page.getByTestId('staff-otp').fill(await field('sim-staff-otp'));
    await page.getByTestId('staff-signin-submit').click();
    await step('staffConfirm');
    expect(await page.locator('.kiosk-column').innerHTML()).not.toContain(
      holder('pensioner-overdue').identity.idNumber,
    );
    await page.getByTestId('staff-confirm').click();
    await step('result', 30_000);
    expect(await page.getByTestId('result-item-authentication').getAttribute('data-status')).toBe('done');
    const after = await status('pensioner-overdue');
    expect(after.pensionStatus).toBe('active');
    await page.getByTestId('sim-camera-noFace').click();
    await leave();
  });

  it('leaves no image and no descriptor in the database, the logs, the agent data folder or temp files', async () => {
    const logs = [rig.agent.stderr(), rig.server.stderr(), rig.camera.stderr()].join('\n');
    expect(scanBytes('logs', Buffer.from(logs))).toEqual([]);
    const agentFiles = filesUnder(join(rig.dir, 'agent'));
    expect(agentFiles.length).toBeGreaterThan(0);
    expect(scanFiles(agentFiles, { binaryFloats: true })).toEqual([]);
    // New temp files of this run outside the rig's own folder (which holds the server's database files).
    const newTemp = readdirSync(tmpdir())
      .filter((name) => !tmpBefore.has(name) && join(tmpdir(), name) !== rig.dir)
      .flatMap((name) => filesUnder(join(tmpdir(), name)));
    expect(scanFiles(newTemp)).toEqual([]);

    // The database, row by row, except the photo registry (the one place reference photos live by design).
    await rig.server.stop();
    const db = await openPglite(join(rig.dir, 'server'));
    try {
      const tables = await db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      const scanned: string[] = [];
      for (const { table_name } of tables.rows) {
        if (table_name === 'photo_registry') continue;
        const rows = await db.query<Record<string, unknown>>(`SELECT * FROM "${table_name}"`);
        const text = JSON.stringify(rows.rows, (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
        );
        expect(scanBytes(`table ${table_name}`, Buffer.from(text, 'latin1'))).toEqual([]);
        scanned.push(table_name);
      }
      expect(scanned).toContain('authentications');
      const registry = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM photo_registry');
      expect(registry.rows[0]?.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
