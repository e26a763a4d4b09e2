/**
 * The services of issue 5 end to end, every part its own process (tests/support/kiosk-rig.ts): the server on
 * PGlite, the bank host and QR gateway simulators, the ID reader, PIN pad and receipt printer simulators on real
 * pseudo-terminals, a real IPP printer (ippeveprinter) and the device agent, with the kiosk UI in headless
 * Chromium. A pensioner looks at their records and prints a certified record; a new resident does the bundled
 * matter (enrollment + first contribution + card application) with the PIN on the PIN pad; a payment survives
 * the agent being killed while the bank is slow, and is posted exactly once.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSeedData } from '@sik/seeds';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './support/browser.ts';
import { demoHolder, kioskVisitor, rigServerClient, seededPerson } from './support/kiosk-page.ts';
import { control, controlUrlOf, type KioskRig, startKioskRig } from './support/kiosk-rig.ts';

const holder = demoHolder;
const personOf = seededPerson;
const accountOf = (key: string) => {
  const personId = personOf(key).personId;
  const account = defaultSeedData().bankAccounts.find((a) => a.personId === personId);
  if (!account) throw new Error(`no linked account for ${key}`);
  return account.accountNumber;
};

interface Ledger {
  debits: { requestId: string; accountNumber: string; amountFen: number; status?: string }[];
}

describe('records, printing, the new-resident bundle and a crash-safe payment, end to end', () => {
  let rig: KioskRig;
  let browser: Browser;
  let page: Page;
  let visit: (key: string) => Promise<void>;
  let leave: () => Promise<void>;
  let step: (type: string, timeout?: number) => Promise<void>;

  beforeAll(async () => {
    rig = await startKioskRig();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    ({ visit, leave, step } = kioskVisitor(page));
    await page.goto(rig.kioskUrl());
    await page.getByTestId('screen-attract').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  async function pressPinOnPad(keys: string): Promise<void> {
    for (const key of keys) await page.getByTestId(`sim-pinpad-${key}`).click();
  }

  it("shows a pensioner's records, summary first, then the contribution years", async () => {
    await visit('pensioner');
    await page.getByTestId('service-tile-recordsQuery').click();
    await step('recordsSummary');
    expect(await page.getByTestId('records-insurances').textContent()).toContain('养老');
    await screenshot(page, 'services-records-summary');
    await page.getByTestId('flow-view-contributions').click();
    await step('contributions');
    expect(await page.getByTestId('records-table').textContent()).toMatch(/20\d\d/);
    await page.getByTestId('flow-exit').click();
    await page.getByTestId('screen-home').waitFor();
  });

  it('prints a certified pension payment record on the IPP printer after a preview, with a code that verifies', async () => {
    await page.getByTestId('service-tile-rightsRecordPrint').click();
    await page.getByTestId('flow-option-pensionPayments').click();
    await step('choose');
    await page.locator('[data-testid^="flow-option-"]').nth(1).click(); // the last 12 months
    await step('documentPreview', 30_000);
    const code = ((await page.getByTestId('preview-code').textContent()) ?? '').replace(/[^0-9A-Z]/g, '');
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{16}$/);
    const html = await page.locator('.kiosk-column').innerHTML();
    expect(html).not.toContain(holder('pensioner').identity.idNumber);
    await screenshot(page, 'services-print-preview');
    await page.getByTestId('flow-print').click();
    await step('result', 60_000);
    expect(await page.getByTestId('result-printed').count()).toBe(1);

    // What the printer received is the document: its text holds the holder's ID number and the same code.
    const spooled = readdirSync(rig.a4.spool, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.pdf'));
    expect(spooled.length).toBe(1);
    const text = execFileSync('pdftotext', ['-layout', join(rig.a4.spool, spooled[0] ?? ''), '-'], {
      encoding: 'utf8',
    });
    expect(text).toContain(holder('pensioner').identity.idNumber);
    expect(text).toContain('养老金');
    expect(text.replace(/[\s-]/g, '')).toContain(code);
    // Anyone can check the code on the server's public page.
    const verified = await fetch(new URL(`/api/v1/public/documents/${code}`, String(rig.server.ready.url)));
    expect(verified.status).toBe(200);
    expect(((await verified.json()) as { data: { valid: boolean } }).data.valid).toBe(true);
    await leave();
  });

  it('does the new-resident bundle in one flow: one form, one PIN, one answer for every item', async () => {
    const account = accountOf('new-resident');
    await visit('new-resident');
    await page.getByTestId('bundle-tile-newResident').click();
    // The questions come in the order of the bundle's fields; answer each one as it appears.
    const choices = [
      'flow-option-500',
      'flow-option-rural',
      'flow-option-commitment',
      'flow-option-bankAccount',
    ];
    for (let asked = 0; asked < 10; asked += 1) {
      const screen = page.locator('[data-testid^="flow-step-"]');
      await screen.first().waitFor({ timeout: 20_000 });
      const type = (await screen.first().getAttribute('data-testid')) ?? '';
      if (type === 'flow-step-confirm') break;
      if (type === 'flow-step-digits') {
        if (await page.getByTestId('digits-clear').isEnabled())
          await page.getByTestId('digits-clear').click();
        for (const d of '13912345678') await page.getByTestId(`digits-key-${d}`).click();
        await page.getByTestId('digits-ok').click();
      } else if (type === 'flow-step-commitment') {
        await page.getByTestId('commitment-agree').click();
      } else if (type === 'flow-step-choose') {
        let clicked = false;
        for (const id of choices) {
          if ((await page.getByTestId(id).count()) > 0) {
            await page.getByTestId(id).click();
            clicked = true;
            break;
          }
        }
        if (!clicked) throw new Error('none of the expected options is on this question');
      } else {
        await page.waitForTimeout(200);
      }
      await page.waitForTimeout(150);
    }
    await step('confirm');
    await screenshot(page, 'services-bundle-confirm');
    await page.getByTestId('flow-confirm').click();
    await step('pin');
    await pressPinOnPad('123456');
    await expect.poll(() => page.locator('[data-testid="pin-dots"] [data-filled="true"]').count()).toBe(6);
    expect(await page.locator('.kiosk-column').textContent()).not.toContain('123456');
    await pressPinOnPad('E');
    await step('result', 60_000);
    await screenshot(page, 'services-bundle-result');
    expect(await page.getByTestId('result-item-enrollment').getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('result-item-contribution').getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('result-item-cardApplication').getAttribute('data-status')).toBe('queued');
    expect(await page.getByTestId('result-item-enrollment').textContent()).toMatch(/RS/);

    // One debit at the bank, one receipt from the receipt printer.
    const ledger = await control<Ledger>(String(rig.bank.ready.url), '/control/ledger');
    expect(ledger.debits.filter((d) => d.accountNumber === account && d.amountFen === 50_000)).toHaveLength(
      1,
    );
    const { data: receipts } = await control<{ data: { text: string }[] }>(
      controlUrlOf(rig.receipt),
      '/receipts',
    );
    expect(receipts.at(-1)?.text).toContain('500.00');
    expect(receipts.at(-1)?.text).not.toContain(account);
    await leave();
  });

  it('posts a payment exactly once when the agent is killed while the bank is slow', async () => {
    const key = 'resident-unpaid';
    const account = accountOf(key);
    const person = personOf(key);
    // The bank debits at once but answers only after 6 s: the server gives up at 3 s and must find out by asking.
    await control(String(rig.bank.ready.url), '/control/faults', {
      body: { faults: [{ fault: 'timeout', delayMs: 6000, on: 'debit', count: 1 }] },
    });
    await visit(key);
    await page.getByTestId('service-tile-contributionPayment').click();
    await step('choose');
    await page.getByTestId('flow-option-300').click();
    await page.getByTestId('flow-option-bankAccount').click();
    await step('confirm');
    await page.getByTestId('flow-confirm').click();
    await step('pin');
    await pressPinOnPad('123456E');
    await page.getByTestId('flow-step-loading').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    await rig.agent.stop('SIGKILL');

    const journalFile = join(rig.dir, 'agent', 'journal', 'journal.jsonl');
    const begun = readFileSync(journalFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { op: string; entry?: { id: string; data: { paymentKey: string } } });
    // The last entry begun is this payment (the bundle's, earlier, is finished); it is still open.
    const entry = begun.filter((l) => l.op === 'begin').at(-1)?.entry;
    expect(entry).toBeDefined();
    const finishedBefore = begun.filter((l) => l.op === 'finish').length;
    expect(begun.some((l) => l.op === 'finish' && (l as { id?: string }).id === entry?.id)).toBe(false);

    // Restarted, the agent settles the open payment by asking the server, never by paying again.
    await rig.startAgent();
    const finishes = () =>
      readFileSync(journalFile, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l.includes('"op":"finish"')).length;
    await expect
      .poll(finishes, {
        timeout: 90_000,
        interval: 1000,
      })
      .toBe(finishedBefore + 1);
    expect(readFileSync(journalFile, 'utf8')).toContain('recovered:posted');
    const ledger = await control<Ledger>(String(rig.bank.ready.url), '/control/ledger');
    expect(ledger.debits.filter((d) => d.accountNumber === account)).toHaveLength(1);

    const client = await rigServerClient(rig);
    const paid = await client.request('paymentStatusByKey', { params: { idempotencyKey: entry?.id ?? '' } });
    expect(paid.ok && paid.data.status).toBe('posted');
    const contributions = await client.request('recordsContributions', {
      query: { personId: person.personId, fromYear: 2026, toYear: 2026 },
    });
    expect(contributions.ok).toBe(true);
    if (contributions.ok) {
      const pension2026 = contributions.data.years.flatMap((y) =>
        y.entries.filter((e) => e.type === 'pension'),
      );
      expect(pension2026).toHaveLength(1);
      expect(pension2026[0]?.amountCents).toBe(30_000);
    }
    // The new agent (new port, new token) does not resume the killed visit's screens: whatever it shows, it is
    // not the payment. (The card left on the reader was read already; readers refuse to read it again until it
    // is lifted, so the kiosk asks for a card.)
    await page.goto(rig.kioskUrl());
    await page
      .locator(
        '[data-testid="screen-attract"], [data-testid="screen-awaitCard"], [data-testid="screen-greeting"], [data-testid="screen-home"]',
      )
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('screen-service').count()).toBe(0);
    await screenshot(page, 'services-after-restart');
  });
});
