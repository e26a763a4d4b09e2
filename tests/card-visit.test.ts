/**
 * Instant social security card issuance (社保卡即时制卡) end to end, every part its own process
 * (tests/support/kiosk-rig.ts): the card printer and its chip encoder are ONE linked card unit simulator process on
 * two pseudo-terminals, driven by the agent's real drivers; the server makes the books; the kiosk UI runs in
 * headless Chromium and the citizen's hands are the simulator dock (PIN pad keys, taking the card). Each test
 * checks what the devices hold (the chip's records, the printed face, the reject box) against what the server
 * booked.
 */
import { decodeEf05, decodeEf06 } from '@sik/contract/ssse';
import { DEMO_STAFF } from '@sik/seeds';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CardUnitSimulatorControl,
  httpCardUnitControl,
} from '../device-agent/src/devices/card-unit/card-unit.ts';
import { totpCode } from '../server/src/services/staff-auth.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import { demoHolder, kioskVisitor, rigServerClient, seededPerson } from './support/kiosk-page.ts';
import { type KioskRig, startKioskRig } from './support/kiosk-rig.ts';

const PIN = '246810';

describe('social security card issuance at the kiosk, end to end', () => {
  let rig: KioskRig;
  let browser: Browser;
  let page: Page;
  let unit: CardUnitSimulatorControl;
  let visit: (key: string) => Promise<void>;
  let leave: () => Promise<void>;
  let step: (type: string, timeout?: number) => Promise<void>;

  beforeAll(async () => {
    rig = await startKioskRig();
    unit = httpCardUnitControl(rig.cardUnitUrl);
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

  async function overview(key: string) {
    const client = await rigServerClient(rig);
    const result = await client.request('cardOverview', { body: { personId: seededPerson(key).personId } });
    if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
    return result.data;
  }

  /** A wait that failed says which step the screen shows instead. */
  async function showStep(error: Error): Promise<never> {
    const shown = await page
      .locator('[data-testid^="flow-step-"]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-testid')}: ${e.textContent?.slice(0, 200)}`),
      );
    throw new Error(`${error.message}\nthe screen shows ${JSON.stringify(shown)}`);
  }

  async function typePin(): Promise<void> {
    for (const key of `${PIN}E`) await page.getByTestId(`sim-pinpad-${key}`).click();
  }

  /** Opens the card service, picks the matter, passes the face check when there is one, confirms. */
  async function apply(matter: 'first' | 'replacement' | 'renewal'): Promise<void> {
    await page.getByTestId('sim-camera-cardHolder').click();
    await page.getByTestId('service-tile-socialSecurityCard').click();
    await step('choose');
    await page.getByTestId(`flow-option-${matter}`).click();
    // The face check before a card application (the same screens as qualification authentication).
    await page
      .getByTestId('flow-step-faceConsent')
      .or(page.getByTestId('flow-step-confirm'))
      .first()
      .waitFor({ timeout: 30_000 });
    if ((await page.getByTestId('flow-step-faceConsent').count()) > 0) {
      await page.getByTestId('face-consent-agree').click();
      await step('confirm', 90_000);
    }
    await page.getByTestId('flow-confirm').click();
  }

  /** The PIN twice on the PIN pad, then the card taken from the slot; returns when the result shows. */
  async function setPinAndTake(): Promise<void> {
    await step('cardPin', 60_000);
    expect(await page.getByTestId('card-pin').getAttribute('data-phase')).toBe('new');
    await typePin();
    await page.locator('[data-testid="card-pin"][data-phase="repeat"]').waitFor({ timeout: 10_000 });
    // Only dots: no digit of the PIN anywhere on the page.
    expect(await page.getByTestId('card-pin').textContent()).not.toContain(PIN.slice(0, 3));
    // The simulated citizen does not take the card by itself: the test's hand does, from the dock.
    await page.getByTestId('sim-card-fault-cardNotTaken').click();
    await typePin();
    await step('cardTake', 30_000).catch(showStep);
    await screenshot(page, 'card-take');
    expect(await page.getByTestId('card-take').textContent()).toContain('取走');
    await page.getByTestId('sim-take-card').click();
    await page.getByTestId('sim-card-fault-none').click();
    await step('result', 30_000);
  }

  /** The chip and the printed face of `serial` hold this person's data and this card's number. */
  async function expectCardOf(key: string, cardNumber: string, serial: string): Promise<void> {
    const chips = await unit.chip.cards();
    const chip = chips[serial];
    if (!chip) throw new Error(`no chip ${serial} in the simulator`);
    const records = (file: Record<number, string>) =>
      new Map(Object.entries(file).map(([r, hex]) => [Number(r), Buffer.from(hex, 'hex')]));
    expect(decodeEf06(records(chip.ef06)).socialSecurityNumber).toBe(demoHolder(key).identity.idNumber);
    expect(decodeEf05(records(chip.ef05)).cardNumber).toBe(cardNumber);
    const printed = await unit.printer.printed();
    expect(printed.filter((p) => p.serial === serial)).toHaveLength(1);
  }

  it('makes a first card: face check, progress, PIN on the pad, take the card, active on the server', async () => {
    await visit('pensioner');
    await apply('first');
    await page
      .getByTestId('flow-step-cardProgress')
      .or(page.getByTestId('flow-step-cardPin'))
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(showStep);
    await screenshot(page, 'card-progress');
    await setPinAndTake();
    expect(await page.getByTestId('result-item-card').textContent()).toContain('已制成并启用');
    const after = await overview('pensioner');
    const active = after.cards.filter((c) => c.status === 'active');
    expect(active).toHaveLength(1);
    await expectCardOf('pensioner', active[0]?.cardNumber ?? '', active[0]?.chipSerial ?? '');
    await screenshot(page, 'card-issued');
    await leave();
  });

  it('a jam on the first blank: rejected, made again on a new blank, and issued', async () => {
    const rejectedBefore = (await unit.printer.state()).rejectBox.length;
    await visit('pensioner-due');
    await page.getByTestId('sim-card-fault-jamOnce').click();
    await apply('first');
    await page.locator('[data-testid="card-progress"][data-attempt="2"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('card-notice').textContent()).toContain('重新制作');
    await screenshot(page, 'card-retry');
    await setPinAndTake();
    expect(await page.getByTestId('result-item-card').textContent()).toContain('已制成并启用');
    const state = await unit.printer.state();
    expect(state.rejectBox.length).toBe(rejectedBefore + 1);
    const after = await overview('pensioner-due');
    expect(after.cards.filter((c) => c.status === 'active')).toHaveLength(1);
    await leave();
  });

  it('ribbon out: an honest stop, nothing active, the application kept for the counter', async () => {
    await visit('pensioner-overdue');
    await page.getByTestId('sim-card-fault-ribbonOut').click();
    await apply('first');
    await step('cardStopped', 60_000);
    expect(await page.getByTestId('card-stopped').getAttribute('data-reason')).toBe('deviceFault');
    expect(await page.getByTestId('card-stopped-kept').count()).toBe(1);
    await screenshot(page, 'card-stopped-ribbon');
    const after = await overview('pensioner-overdue');
    expect(after.cards.some((c) => c.status === 'active')).toBe(false);
    expect(after.openApplication?.status).toBe('applied');
    // Nothing left inside the printer.
    expect((await unit.printer.state()).card).toBeNull();
    await page.getByTestId('sim-card-fault-none').click();
    await page.getByTestId('card-stopped-home').click();
    await leave();
  });

  it('a report of loss, then a replacement: the new card is active, the lost one cancelled', async () => {
    const before = await overview('pensioner');
    const old = before.cards.find((c) => c.status === 'active');
    if (!old) throw new Error('the first test left no active card');
    await visit('pensioner');
    await page.getByTestId('service-tile-socialSecurityCard').click();
    await step('choose');
    await page.getByTestId('flow-option-reportLoss').click();
    await step('confirm');
    await page.getByTestId('flow-confirm').click();
    await step('result');
    expect((await overview('pensioner')).cards.find((c) => c.cardNumber === old.cardNumber)?.status).toBe(
      'lost',
    );
    await page.getByTestId('flow-exit').click();
    await page.getByTestId('screen-home').waitFor();
    await apply('replacement');
    await setPinAndTake();
    const after = await overview('pensioner');
    expect(after.cards.find((c) => c.cardNumber === old.cardNumber)?.status).toBe('cancelled');
    const active = after.cards.filter((c) => c.status === 'active');
    expect(active).toHaveLength(1);
    expect(active[0]?.cardNumber).not.toBe(old.cardNumber);
    await expectCardOf('pensioner', active[0]?.cardNumber ?? '', active[0]?.chipSerial ?? '');
    await leave();
  });

  it("closes the day's stock: the feeder and the reject box the simulator holds match the server's books", async () => {
    const client = await rigServerClient(rig);
    const signIn = await client.request('staffSignIn', {
      body: {
        staffNumber: DEMO_STAFF.staffNumber,
        password: DEMO_STAFF.password,
        otp: totpCode(DEMO_STAFF.totpSecretBase32, Date.now()),
      },
    });
    if (!signIn.ok) throw new Error(`${signIn.code}: ${signIn.message}`);
    const printer = await unit.printer.state();
    // What staff find when they open the kiosk: the blanks left in the feeder and the cards in the reject box.
    const close = await client.request('cardStockClose', {
      body: {
        staffToken: signIn.data.staffToken,
        feederSerials: printer.feeder,
        rejectBoxSerials: printer.rejectBox,
      },
    });
    if (!close.ok) throw new Error(`${close.code}: ${close.message}`);
    expect(close.data.differences).toEqual([]);
    expect(close.data.balanced).toBe(true);
    const { stock } = close.data;
    // Every card the citizens took is booked issued, every card in the reject box spoiled, every blank left in
    // the feeder remaining; nothing is left in use, and opening + loaded = issued + spoiled + remaining.
    expect(stock.issued).toBe(printer.taken.length);
    expect(stock.spoiled).toBe(printer.rejectBox.length);
    expect(stock.remaining).toBe(printer.feeder.length);
    expect(stock.inUse).toBe(0);
    expect(stock.opening + stock.loaded).toBe(stock.issued + stock.spoiled + stock.remaining);
  });
});
