/**
 * Card issuance against the real server (PGlite, seeded, the demo kiosk's blank stock) and the linked card unit
 * simulator in this process (card printer + chip encoder at its contact station, instant timings). Each test
 * reads what the simulators hold (printed faces, chips, the reject box, the slot) and what the server booked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCardsConfig } from '@sik/config';
import { decodeEf06 } from '@sik/contract/ssse';
import { DEMO_BLANKS, DEMO_KIOSK_ID, defaultSeedData, demoCardHolders } from '@sik/seeds';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRootLogger } from '../../../server/src/log.ts';
import { type RunningServer, startServer } from '../../../server/src/server.ts';
import { testConfig } from '../../../server/src/testing/harness.ts';
import { recordIdentityVerification } from '../../../server/src/testing/identity-verification.ts';
import { renderCardFace } from '../cards/card-face.ts';
import { quietLogger } from '../devices/card-printer/testing.ts';
import { type CardUnitDevices, createCardUnitDevices } from '../devices/card-unit/card-unit.ts';
import { Journal } from '../journal/journal.ts';
import { createServerClient } from '../server-client/client.ts';
import { loadOrCreateKioskKeys } from '../server-client/keys.ts';
import { createCardServer } from './card-server.ts';
import { issueCard } from './issuance.ts';
import { recoverIssuances } from './recovery.ts';
import {
  type CardHolder,
  type CardServer,
  DEFAULT_ISSUANCE_CONFIG,
  ISSUANCE_JOURNAL_KIND,
  ISSUANCE_PHASES,
  type IssuanceCitizen,
  type IssuanceDeps,
  type IssuancePhase,
} from './types.ts';

const TOKEN = 'issuance-provisioning-token-0123456789';
const PIN = '802417';

function holderOf(key: string): CardHolder {
  const data = defaultSeedData();
  const identity = demoCardHolders(data).find((h) => h.key === key)?.identity;
  const person = data.people.find((p) => p.identity.idNumber === identity?.idNumber);
  if (!identity || !person) throw new Error(`no demo card holder ${key}`);
  return { personId: person.personId, name: identity.name, idNumber: identity.idNumber };
}

describe('card issuance against the real server and the linked card unit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sik-issuance-'));
  let server: RunningServer;
  let cardServer: CardServer;
  let unit: CardUnitDevices;
  let journalDir: string;
  let run = 0;

  beforeAll(async () => {
    server = await startServer(testConfig({ dataDir: join(dir, 'server'), provisioningToken: TOKEN }), {
      log: createRootLogger('silent'),
    });
    const keys = await loadOrCreateKioskKeys(join(dir, 'agent'));
    const client = createServerClient({
      serverUrl: server.url,
      kioskId: DEMO_KIOSK_ID,
      privateKey: keys.privateKey,
      timeoutMs: 5000,
    });
    expect((await client.provision(keys.publicKeyPem, TOKEN)).ok).toBe(true);
    cardServer = createCardServer(client);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await unit?.stop();
    run += 1;
    journalDir = join(dir, `journal-${run}`);
    // The in-process feeder starts anew every test; the server's stock remembers: start at the first blank the
    // books still have in stock, as staff would load the next ones.
    const next = await server.db.query<{ chip_serial: string }>(
      "SELECT min(chip_serial) AS chip_serial FROM card_blanks WHERE status = 'inStock' AND kiosk_id = $1",
      [DEMO_KIOSK_ID],
    );
    const firstSerial = next.rows[0]?.chip_serial ?? DEMO_BLANKS.firstSerial;
    unit = await createCardUnitDevices(
      {
        cardPrinter: { driver: 'simulator', timing: 'instant', blanks: { firstSerial, count: 10 } },
        chipEncoder: { driver: 'simulator', masterKeyHex: defaultCardsConfig().issuerMasterKeyHex },
      },
      { printer: { pollIntervalMs: 60_000, takePollMs: 5 }, logger: quietLogger() },
    );
    await unit.printer.printer.start();
    await unit.encoder.encoder.start();
    // The face check before an application (the card flow's step, not issuance's): every demo card holder is
    // verified at this kiosk now, as a staff confirmation; it counts for 15 minutes.
    const data = defaultSeedData();
    for (const holder of demoCardHolders(data)) {
      const person = data.people.find((p) => p.identity.idNumber === holder.identity.idNumber);
      if (person)
        await recordIdentityVerification(server.db, { personId: person.personId, kioskId: DEMO_KIOSK_ID });
    }
  });

  function deps(phases: IssuancePhase[] = []): IssuanceDeps {
    return {
      journal: new Journal(journalDir),
      printer: unit.printer.printer,
      encoder: unit.encoder.encoder,
      server: cardServer,
      renderFace: renderCardFace,
      config: {
        ...DEFAULT_ISSUANCE_CONFIG,
        bankName: '中国工商银行',
        takeTimeoutMs: 2000,
        pinTimeoutMs: 2000,
      },
      onPhase: (p) => {
        phases.push(p);
        if (process.env.DEBUG_ISSUANCE) process.stderr.write(`phase ${p}\n`);
      },
    };
  }

  /** A citizen who types the PIN and takes the card at once (through the simulator, as a hand would). */
  function citizen(over: Partial<IssuanceCitizen> = {}): IssuanceCitizen {
    return {
      choosePin: async () => ({ ok: true, pin: PIN }),
      presented: () => void unit.simulator?.printer.takeCard(),
      ...over,
    };
  }

  const progress = { stage: () => {} };
  const never = new AbortController().signal;

  it('makes, prints, PINs and activates a first card; the chip holds the person, the face is printed', async () => {
    const holder = holderOf('pensioner');
    const phases: IssuancePhase[] = [];
    const d = deps(phases);
    const outcome = await issueCard(d, holder, 'first', citizen(), progress, never);
    expect(outcome).toMatchObject({ ok: true, card: { status: 'active' } });
    if (!outcome.ok) return;
    // Every phase in its declared order; only 'rejecting' never comes on a card that succeeds.
    expect(phases).toEqual(ISSUANCE_PHASES.filter((p) => p !== 'rejecting'));
    const serial = outcome.card.chipSerial ?? '';
    const chips = (await unit.simulator?.chip.cards()) ?? {};
    const chip = chips[serial];
    expect(chip).toBeDefined();
    const ef06 = decodeEf06(
      new Map(Object.entries(chip?.ef06 ?? {}).map(([r, hex]) => [Number(r), Buffer.from(hex, 'hex')])),
    );
    expect(ef06.socialSecurityNumber).toBe(holder.idNumber);
    const printed = (await unit.simulator?.printer.printed()) ?? [];
    expect(printed.map((p) => p.serial)).toEqual([serial]);
    expect(d.journal.open(ISSUANCE_JOURNAL_KIND)).toEqual([]);
    const overview = await cardServer.overview(holder.personId);
    expect(overview.ok && overview.data.cards.filter((c) => c.status === 'active')).toHaveLength(1);
    // The journal on disk names ids and serials only: no name, no ID number, no PIN.
    const journalText = readFileSync(join(journalDir, 'journal.jsonl'), 'utf8');
    expect(journalText).toContain(serial);
    for (const secret of [holder.name, holder.idNumber, PIN]) expect(journalText).not.toContain(secret);
  });

  it('a chip write that fails: the card is rejected and made again; the PIN cancelled: stopped, card put away', async () => {
    const holder = holderOf('pensioner');
    // The pensioner has an active card from the first test: a renewal.
    await unit.simulator?.chip.setFault('writeError');
    let attempts = 0;
    const outcome = await issueCard(
      deps(),
      holder,
      'renewal',
      citizen({ choosePin: async () => ({ ok: false, reason: 'canceled' }) }),
      {
        stage: (_s, attempt) => {
          attempts = Math.max(attempts, attempt);
          if (attempt === 2) void unit.simulator?.chip.setFault('none');
        },
      },
      never,
    );
    expect(attempts).toBe(2);
    expect(outcome).toMatchObject({ ok: false, reason: 'pinNotSet', applicationKept: true });
    const state = await unit.simulator?.printer.state();
    expect(state?.rejectBox).toHaveLength(2);
    expect(state?.card ?? null).toBeNull();
    const overview = await cardServer.overview(holder.personId);
    if (!overview.ok) throw new Error(overview.message);
    // The old card is still the active one; nothing half-made is left in the books.
    expect(overview.data.cards.filter((c) => c.status === 'active')).toHaveLength(1);
    expect(overview.data.cards.filter((c) => c.status === 'personalising')).toHaveLength(0);
    expect(overview.data.cards.filter((c) => c.status === 'spoiled')).toHaveLength(2);
  });

  it('a jam on the first card: rejected, spoiled in the books, made again on a new blank with a new number', async () => {
    const holder = holderOf('pensioner-due');
    await unit.simulator?.printer.setFault('jamOnce');
    const stages: string[] = [];
    const outcome = await issueCard(
      deps(),
      holder,
      'first',
      citizen(),
      { stage: (s, attempt, notice) => stages.push(`${s}:${attempt}:${notice ? 'notice' : ''}`) },
      never,
    );
    expect(outcome.ok).toBe(true);
    const state = await unit.simulator?.printer.state();
    expect(state?.rejectBox).toHaveLength(1);
    expect(stages).toContain('blank:2:notice');
    // The jam came as the blank left the feeder: it was put away before it was bound to the card, so the blank
    // alone is spoiled in the books and the card number stays with the application.
    const rejected = state?.rejectBox[0] ?? '';
    const blank = await server.db.query<{ status: string }>(
      'SELECT status FROM card_blanks WHERE chip_serial = $1',
      [rejected],
    );
    expect(blank.rows[0]?.status).toBe('spoiled');
    const overview = await cardServer.overview(holder.personId);
    const statuses = overview.ok ? overview.data.cards.map((c) => c.status).sort() : [];
    expect(statuses).toEqual(['active']);
  });

  it('ribbon out: stopped honestly, the card put away, the application kept, staff alerted', async () => {
    const holder = holderOf('pensioner-overdue');
    const d = deps();
    await unit.simulator?.printer.setFault('ribbonOut');
    const outcome = await issueCard(d, holder, 'first', citizen(), progress, never);
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'deviceFault',
      applicationKept: true,
      staffAlerted: true,
    });
    const state = await unit.simulator?.printer.state();
    expect(state?.card ?? null).toBeNull();
    expect(d.journal.open(ISSUANCE_JOURNAL_KIND)).toEqual([]);
    const overview = await cardServer.overview(holder.personId);
    expect(overview.ok && overview.data.openApplication?.status).toBe('applied');
  });

  it('a card nobody takes goes back into the reject box and is never active', async () => {
    const holder = holderOf('resident-pensioner');
    await unit.simulator?.printer.setFault('cardNotTaken');
    const outcome = await issueCard(
      deps(),
      holder,
      'first',
      citizen({ presented: () => {} }),
      progress,
      never,
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'notTaken', applicationKept: true });
    const overview = await cardServer.overview(holder.personId);
    expect(overview.ok && overview.data.cards.some((c) => c.status === 'active')).toBe(false);
    const state = await unit.simulator?.printer.state();
    expect(state?.rejectBox.length).toBeGreaterThan(0);
  });

  /** What a crashed agent leaves: the blank picked and personalised, its journal entry open at `phase`. */
  async function crashedAt(phase: IssuancePhase, key: string) {
    const holder = holderOf(key);
    const journal = new Journal(journalDir);
    const applied = await cardServer.apply({ personId: holder.personId, kind: 'first' });
    if (!applied.ok) throw new Error(applied.message);
    expect((await unit.printer.printer.pickToContact()).completion).toBe('success');
    const opened = await unit.encoder.encoder.openCard();
    if (opened.completion !== 'success') throw new Error(opened.detail);
    const cardNumber = applied.data.card.cardNumber;
    const p = await cardServer.personalise({
      personId: holder.personId,
      cardNumber,
      chipSerial: opened.serial,
    });
    expect(p.ok).toBe(true);
    journal.begin(ISSUANCE_JOURNAL_KIND, `crashed-${phase}`, {
      phase,
      personId: holder.personId,
      kind: 'first',
      applicationId: applied.data.applicationId,
      cardNumber,
      chipSerial: opened.serial,
      attempt: 1,
    });
    return { holder, cardNumber, serial: opened.serial };
  }

  it('recovery puts a half-made card left at the chip station into the reject box and spoils it', async () => {
    await unit.simulator?.printer.setFault('none');
    const { holder, cardNumber, serial } = await crashedAt('writing', 'resident-pensioner');
    // A new agent process: the journal read again from disk.
    const d = { ...deps(), journal: new Journal(journalDir) };
    expect(await recoverIssuances(d)).toEqual({ recovered: 1, open: 0 });
    const state = await unit.simulator?.printer.state();
    expect(state?.rejectBox).toContain(serial);
    expect(state?.card ?? null).toBeNull();
    const overview = await cardServer.overview(holder.personId);
    if (!overview.ok) throw new Error(overview.message);
    expect(overview.data.cards.find((c) => c.cardNumber === cardNumber)?.status).toBe('spoiled');
    // The application is kept, with a new card number to make, for the counter or the next visit.
    expect(overview.data.openApplication?.status).toBe('applied');
    expect(overview.data.cards.filter((c) => c.status === 'applied')).toHaveLength(1);
    const blank = await server.db.query<{ status: string }>(
      'SELECT status FROM card_blanks WHERE chip_serial = $1',
      [serial],
    );
    expect(blank.rows[0]?.status).toBe('spoiled');
    // The next visit resumes the kept application and makes the card.
    const outcome = await issueCard(deps(), holder, 'first', citizen(), progress, never);
    expect(outcome).toMatchObject({ ok: true, card: { status: 'active' } });
  });

  it('recovery activates a card the citizen took before the crash', async () => {
    const { holder, cardNumber } = await crashedAt('presenting', 'pensioner-overdue');
    expect((await unit.printer.printer.eject()).completion).toBe('success');
    await unit.simulator?.printer.takeCard();
    const d = { ...deps(), journal: new Journal(journalDir) };
    expect(await recoverIssuances(d)).toEqual({ recovered: 1, open: 0 });
    const overview = await cardServer.overview(holder.personId);
    if (!overview.ok) throw new Error(overview.message);
    expect(overview.data.cards.find((c) => c.cardNumber === cardNumber)?.status).toBe('active');
  });

  it('a recovery round never touches the card a visit is making; it waits for the card unit', async () => {
    await unit.simulator?.printer.setFault('none');
    await unit.simulator?.chip.setFault('none');
    const holder = holderOf('pensioner-overdue');
    const d = deps();
    const pending: { typed: ((pin: { ok: true; pin: string }) => void) | null } = { typed: null };
    const phases: string[] = [];
    const issuing = issueCard(
      { ...d, onPhase: (p) => phases.push(p) },
      holder,
      'renewal',
      citizen({ choosePin: () => new Promise((resolve) => (pending.typed = resolve)) }),
      progress,
      never,
    );
    // The card is printed and back at the chip station; the citizen is asked for the PIN.
    await vi.waitFor(() => expect(pending.typed).not.toBeNull(), { timeout: 10_000 });
    expect(phases).toContain('printed');
    // A round now (the agent's minute timer) leaves the card where it is.
    expect(await recoverIssuances({ ...d, journal: new Journal(journalDir) })).toEqual({
      recovered: 0,
      open: 1,
    });
    expect((await unit.simulator?.printer.state())?.card).not.toBeNull();
    pending.typed?.({ ok: true, pin: PIN });
    expect(await issuing).toMatchObject({ ok: true, card: { status: 'active' } });
  });

  it('when the server fails while a failed card is spoiled, the entry stays open and recovery fixes the books', async () => {
    const holder = holderOf('resident-pensioner');
    let failSpoil = true;
    const flaky: CardServer = {
      ...cardServer,
      spoil: async (request) =>
        failSpoil
          ? { ok: false, code: 'SERVER_UNREACHABLE', message: 'unreachable' }
          : cardServer.spoil(request),
    };
    const d = { ...deps(), server: flaky };
    await unit.simulator?.chip.setFault('writeError');
    const outcome = await issueCard(d, holder, 'renewal', citizen(), progress, never);
    await unit.simulator?.chip.setFault('none');
    expect(outcome).toMatchObject({ ok: false, reason: 'serverError', applicationKept: true });
    const open = d.journal.open(ISSUANCE_JOURNAL_KIND);
    expect(open).toHaveLength(1);
    const serial = String(open[0]?.data.chipSerial);
    expect((await unit.simulator?.printer.state())?.rejectBox).toContain(serial);
    failSpoil = false;
    expect(await recoverIssuances({ ...d, journal: new Journal(journalDir) })).toEqual({
      recovered: 1,
      open: 0,
    });
    const blank = await server.db.query<{ status: string }>(
      'SELECT status FROM card_blanks WHERE chip_serial = $1',
      [serial],
    );
    expect(blank.rows[0]?.status).toBe('spoiled');
  });
});
