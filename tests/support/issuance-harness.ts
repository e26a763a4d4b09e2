/**
 * The crash harness of card issuance (issue 4 item 6): the real server in this process (PGlite in a folder), the
 * linked card unit simulator (card printer + chip encoder) as its own process on two pseudo-terminals per lane,
 * and the crash child (device-agent/src/issuance/testing/crash-child.ts) as the agent, killed with SIGKILL at a
 * journal phase (+ a random delay), started again (it recovers first) and then checked against the invariants:
 *
 *   - no person has two active cards;
 *   - every blank serial is accounted for: in the feeder and booked inStock, in the reject box and booked
 *     spoiled, or taken by the citizen and booked issued; none booked inUse; no card left in the printer; the
 *     kiosk's stock books balance (opening + loaded = issued + spoiled + inUse + remaining, remaining = feeder);
 *   - what the citizen took has a face printed on it and the card's data on its chip;
 *   - no chip with another person's data (EF06 tag 08 = the ID number of the person whose card has that chip
 *     serial, EF05 tag 07 = that card's number), no face printed on another person's blank (the faces the printer
 *     simulator kept carry tEXt 'sik:cardNumber' and 'sik:socialSecurityNumber' added by the crash child);
 *   - every application in exactly one final state: 'issued' with exactly one card that was activated, or kept
 *     open ('applied') with exactly one card 'applied' (none left 'personalising'); the rest spoiled;
 *   - no cardIssuance journal entry left open after recovery.
 *
 * Draws come from a seeded PRNG; every violation names the seed, the lane, the point and the crash spec so that
 * the run can be replayed (the timing of a kill with a delay is not exactly reproducible; a kill right at a phase
 * is, it happens inside the child).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, type KeyObject, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultCardsConfig } from '@sik/config';
import { decodeField, EF05_FIELDS, EF06_FIELDS } from '@sik/contract/ssse';
import { createRandom, DEMO_STAFF, generateSeedData, type Random } from '@sik/seeds';
import { httpCardUnitControl } from '../../device-agent/src/devices/card-unit/card-unit.ts';
import type { ChildLine, IssueCommand } from '../../device-agent/src/issuance/testing/child-protocol.ts';
import { pngTextChunks } from '../../device-agent/src/issuance/testing/png-text.ts';
import {
  ISSUANCE_JOURNAL_KIND,
  ISSUANCE_PHASES,
  type IssuanceOutcome,
  type IssuancePhase,
} from '../../device-agent/src/issuance/types.ts';
import { Journal } from '../../device-agent/src/journal/journal.ts';
import { loadOrCreateKioskKeys } from '../../device-agent/src/server-client/keys.ts';
import { createRootLogger } from '../../server/src/log.ts';
import { putRegistryPhoto } from '../../server/src/repositories/authentication.ts';
import { insertBatch, stockCounts } from '../../server/src/repositories/cards.ts';
import { type RunningServer, startServer } from '../../server/src/server.ts';
import { signedCall, testConfig } from '../../server/src/testing/harness.ts';
import { type Started, startProcess, startPtyPair } from './processes.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
const CHILD_ENTRY = 'device-agent/src/issuance/testing/crash-child.ts';
const CARD_UNIT_ENTRY = 'device-agent/src/devices/card-unit/simulator-main.ts';
const TOKEN = 'crash-provisioning-token-0123456789';

/** The phases of a card made without a hitch, in order (a crash point picks one of them). */
export const HAPPY_PHASES: readonly IssuancePhase[] = ISSUANCE_PHASES.filter((p) => p !== 'rejecting');

export type InjectedFault = 'jamOnce' | 'chipWriteError' | 'readBackCorruption' | 'cardNotTaken';

/** One crash point: where the agent dies, and what else goes wrong. */
export interface CrashSpec {
  /** Kill at this phase (null: no kill, the issuance runs to its end). */
  phase: IssuancePhase | null;
  /** Which occurrence of the phase (a retry with a new blank repeats phases). */
  occurrence: number;
  /** true: the child kills itself right after the phase is durable; false: the harness kills it delayMs after
   * it saw the phase line. */
  selfKill: boolean;
  delayMs: number;
  /** With selfKill at 'printing': die half-way through sending the print job (the printer is mid-job). */
  midPrintJob?: boolean;
  fault: InjectedFault | null;
  /** Kill the recovering child too (this many ms after it opened its devices), then recover again. */
  recoveryCrash: { delayMs: number } | null;
}

export interface PointResult {
  lane: number;
  index: number;
  spec: CrashSpec;
  personId: string;
  kind: string;
  /** The phases the issuing child printed before it ended. */
  phases: IssuancePhase[];
  killed: boolean;
  outcome: IssuanceOutcome | null;
  recovered: { recovered: number; open: number } | null;
  /** Journal entries the issuance left open when it returned its outcome (recovery then ran in the child). */
  openAfterOutcome: number;
  violations: string[];
  ms: number;
  /** Where the time went: before the issuance, issuing (to the kill), restart + recovery, checks. */
  timings: { beforeMs: number; issueMs: number; recoverMs: number; checkMs: number };
}

export interface HarnessOptions {
  lanes?: number;
  /** Passed to the crash child as --issuance (e.g. the harness stub); default: the lead's issuance modules. */
  issuanceModule?: string;
  /** Points per person before the next person (a first card needs a new person; renewals come after). */
  pointsPerPerson?: number;
  log?: (line: string) => void;
  keepDir?: boolean;
}

interface Person {
  personId: string;
  name: string;
  idNumber: string;
}

/** A JPEG for people the demo registry has no photo of (a copy of a demo card holder's). */
async function anyRegistryPhoto(server: RunningServer): Promise<Uint8Array> {
  const { rows } = await server.db.query<{ jpeg: Uint8Array }>('SELECT jpeg FROM photo_registry LIMIT 1');
  const jpeg = rows[0]?.jpeg;
  if (!jpeg) throw new Error('the demo seed has no registry photo');
  return new Uint8Array(jpeg);
}

/**
 * The crash child bundled into one ES module (our TypeScript and zod inlined, native and font packages left to
 * node_modules): it starts in a third of the time tsx needs, which is most of a crash point. Null when esbuild
 * is not there (the child then runs under tsx).
 */
function bundleChild(): string | null {
  const dir = join(ROOT, 'node_modules', '.cache', 'sik-crash-child');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `crash-child-${process.pid}-${Date.now()}.mjs`);
  const built = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [
      CHILD_ENTRY,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${outfile}`,
      '--external:serialport',
      '--external:@napi-rs/canvas',
      '--external:@embedpdf/fonts-sc',
      '--external:pino',
      "--banner:js=import { createRequire as __sikRequire } from 'node:module'; const require = __sikRequire(import.meta.url);",
      '--log-level=error',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return built.status === 0 ? outfile : null;
}

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
      const { rows } = await server.db.query<{ person_id: string; name: string; id_number: string }>(
        `SELECT p.person_id, p.name, p.id_number FROM people p
         WHERE p.card_type = 'resident' AND p.birth_date < '2006-01-01'
           AND NOT EXISTS (SELECT 1 FROM card_applications a WHERE a.person_id = p.person_id)
           AND NOT EXISTS (SELECT 1 FROM social_security_cards c WHERE c.person_id = p.person_id)
         ORDER BY p.person_id`,
      );
      harness.people = rows.map((r) => ({ personId: r.person_id, name: r.name, idNumber: r.id_number }));
      const photo = await anyRegistryPhoto(server);
      for (const p of harness.people)
        await putRegistryPhoto(server.db, {
          personId: p.personId,
          jpeg: photo,
          source: 'demoFixture',
          capturedOn: '2024-03-15',
        });
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
    const { rows } = await this.server.db.query<{ person_id: string; n: number }>(
      `SELECT person_id, count(*)::int AS n FROM social_security_cards WHERE status = 'active'
       GROUP BY person_id HAVING count(*) > 1`,
    );
    return rows.map((r) => `person ${r.person_id} has ${r.n} active cards`);
  }
}

/** A random crash spec from the PRNG. */
export function randomSpec(
  rng: Random,
  opts: { maxDelayMs: number; faultRate: number; recoveryCrashRate: number; skipPhases?: readonly string[] },
): CrashSpec {
  const fault = rng.chance(opts.faultRate)
    ? rng.pick<InjectedFault>(['jamOnce', 'chipWriteError', 'readBackCorruption', 'cardNotTaken'])
    : null;
  // With a fault the failed card goes to the reject box: 'rejecting' and a second round of phases can be hit.
  const phases = (fault ? [...ISSUANCE_PHASES] : [...HAPPY_PHASES]).filter(
    (p) => !opts.skipPhases?.includes(p),
  );
  const phase = rng.pick(phases);
  const midPrintJob = phase === 'printing' && rng.chance(0.3);
  return {
    phase,
    occurrence: fault && rng.chance(0.3) ? 2 : 1,
    selfKill: midPrintJob || rng.chance(0.25),
    ...(midPrintJob ? { midPrintJob } : {}),
    delayMs: rng.int(0, opts.maxDelayMs),
    fault,
    recoveryCrash: rng.chance(opts.recoveryCrashRate) ? { delayMs: rng.int(0, 40) } : null,
  };
}

/** Kill right at each phase, inside the child (every step covered whatever the random draw). */
export function deterministicSpecs(): CrashSpec[] {
  const atPhases: CrashSpec[] = ISSUANCE_PHASES.map((phase) => ({
    phase,
    occurrence: 1,
    selfKill: true,
    delayMs: 0,
    // 'rejecting' happens only for a failed card: a misfeed on the first pick makes one.
    fault: phase === 'rejecting' ? ('jamOnce' as const) : null,
    recoveryCrash: null,
  }));
  // And inside the one long device operation: half of the card face sent to the printer.
  const midPrintJob: CrashSpec = {
    phase: 'printing',
    occurrence: 1,
    selfKill: true,
    delayMs: 0,
    midPrintJob: true,
    fault: null,
    recoveryCrash: null,
  };
  return [...atPhases, midPrintJob];
}

class ChildHandle {
  readonly lines: ChildLine[] = [];
  private waiters: (() => void)[] = [];
  private stderrText = '';
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString();
      if (this.stderrText.length > 40_000) this.stderrText = this.stderrText.slice(-20_000);
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      let line: ChildLine;
      try {
        line = JSON.parse(text) as ChildLine;
      } catch {
        return;
      }
      this.lines.push(line);
      this.wake();
    });
    this.exited = once(child, 'exit').then(() => this.wake());
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stderr(): string {
    return this.stderrText.slice(-4000);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits for a line matching `pick` from index `from` on; null when the child exits first or time runs out. */
  async waitFor<T>(
    from: number,
    pick: (line: ChildLine) => T | undefined,
    timeoutMs: number,
  ): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    let i = from;
    for (;;) {
      for (; i < this.lines.length; i++) {
        const found = pick(this.lines[i] as ChildLine);
        if (found !== undefined) return found;
      }
      if (!this.alive) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(command: { issue: IssueCommand } | { exit: true }): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}

export class Lane {
  private child: ChildHandle | null = null;
  private standby: ChildHandle | null = null;
  private readonly loaded: string[] = [];
  private readonly removedFromRejectBox = new Set<string>();
  private readonly chipChecked = new Set<string>();
  /** Blanks a face was printed on (the simulator's list is emptied at every check). */
  private readonly printedSerials = new Set<string>();
  /** Taken cards already checked for a face and chip data. */
  private readonly takenChecked = new Set<string>();
  private readonly touched = new Set<string>();
  private nextSerial = 1;
  private person: Person | null = null;
  private pointsWithPerson = 0;
  private points = 0;

  private constructor(
    private readonly harness: IssuanceHarness,
    readonly index: number,
    readonly kioskId: string,
    readonly dir: string,
    private readonly unit: Started,
    private readonly ptys: { stop(): Promise<void> }[],
    readonly printerPort: string,
    readonly chipPort: string,
    private readonly privateKey: KeyObject,
  ) {}

  get control() {
    return httpCardUnitControl(String(this.unit.ready.controlUrl));
  }

  static async start(harness: IssuanceHarness, index: number, kioskId: string): Promise<Lane> {
    const dir = join(harness.dir, `lane-${index}`);
    mkdirSync(join(dir, 'printer'), { recursive: true });
    mkdirSync(join(dir, 'chip'), { recursive: true });
    const printerPty = await startPtyPair(join(dir, 'printer'));
    const chipPty = await startPtyPair(join(dir, 'chip'));
    const unit = await startProcess(
      CARD_UNIT_ENTRY,
      [
        '--port',
        printerPty.a,
        '--chip-port',
        chipPty.a,
        '--control',
        '127.0.0.1:0',
        '--timing',
        'instant',
        '--master-key',
        defaultCardsConfig().issuerMasterKeyHex,
        '--blanks',
        '0',
      ],
      {},
    );
    const agentDir = join(dir, 'agent');
    const keys = await loadOrCreateKioskKeys(agentDir);
    const provisioned = await fetch(
      new URL(`/api/v1/provisioning/kiosks/${kioskId}/key`, harness.server.url),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ publicKeyPem: keys.publicKeyPem }),
      },
    );
    if (!provisioned.ok) throw new Error(`provisioning ${kioskId}: ${provisioned.status}`);
    const lane = new Lane(
      harness,
      index,
      kioskId,
      agentDir,
      unit,
      [printerPty, chipPty],
      printerPty.b,
      chipPty.b,
      keys.privateKey,
    );
    await lane.loadBlanks(30);
    return lane;
  }

  async stop(): Promise<void> {
    if (this.child?.alive) {
      this.child.send({ exit: true });
      await Promise.race([this.child.exited, new Promise((r) => setTimeout(r, 3000))]);
      await this.child.kill();
    }
    await this.standby?.kill();
    await this.unit.stop().catch(() => undefined);
    for (const pty of this.ptys) await pty.stop().catch(() => undefined);
  }

  /** Staff load blanks: the same serials into the server's stock (books) and the simulator's feeder. */
  async loadBlanks(count: number): Promise<void> {
    const serials = Array.from({ length: count }, () => {
      const n = this.nextSerial++;
      // 16 hex digits: C, the lane, then a counter.
      return `C${this.index.toString(16).toUpperCase()}${n.toString(16).toUpperCase().padStart(14, '0')}`;
    });
    const at = new Date();
    await insertBatch(this.harness.server.db, {
      batchId: `CBX${this.index}${String(this.nextSerial).padStart(8, '0')}`,
      kioskId: this.kioskId,
      serials,
      loadedBy: DEMO_STAFF.staffNumber,
      at,
      day: businessDay(at),
    });
    await this.control.printer.loadBlanks(serials);
    this.loaded.push(...serials);
  }

  /** A crash child with every module loaded, waiting for its go (kept one ahead). */
  private launch(): ChildHandle {
    const args = [
      '--data-dir',
      this.dir,
      '--server-url',
      this.harness.server.url,
      '--kiosk-id',
      this.kioskId,
      '--printer-port',
      this.printerPort,
      '--printer-control',
      String(this.unit.ready.controlUrl),
      '--encoder-port',
      this.chipPort,
      '--take-timeout-ms',
      '400',
      '--standby',
      ...(this.harness.options.issuanceModule ? ['--issuance', this.harness.options.issuanceModule] : []),
    ];
    const bundle = this.harness.childBundle;
    const child = spawn(
      process.execPath,
      bundle ? [bundle, ...args] : ['--import', 'tsx', CHILD_ENTRY, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, SIK_LOG_LEVEL: process.env.SIK_CRASH_CHILD_LOG ?? 'warn' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    return new ChildHandle(child);
  }

  /** The agent starts: the standby child goes, and the next standby is launched. */
  private spawnChild(): ChildHandle {
    const child = this.standby?.alive ? this.standby : this.launch();
    this.standby = this.launch();
    child.child.stdin?.write('{"go":true}\n');
    return child;
  }

  /**
   * Starts the agent (the crash child), lets it recover, and answers what recovery said; with `crash`, the first
   * start is killed during recovery and a second one recovers. Throws when recovery does not end.
   */
  private async recover(
    crash: CrashSpec['recoveryCrash'],
    violations: string[],
  ): Promise<{ recovered: number; open: number } | null> {
    if (crash) {
      const first = this.spawnChild();
      await first.waitFor(0, (l) => ('ready' in l ? true : undefined), 20_000);
      await sleep(crash.delayMs);
      await first.kill();
    }
    const child = this.spawnChild();
    this.child = child;
    const recovered = await child.waitFor(0, (l) => ('recovered' in l ? l.recovered : undefined), 60_000);
    if (!recovered) {
      const error = child.lines.find((l): l is { error: string } => 'error' in l);
      violations.push(
        `recovery did not finish: ${error ? error.error : 'no answer'}; stderr: ${child.stderr()}`,
      );
      await child.kill();
      this.child = null;
    }
    return recovered;
  }

  /** The person and the kind of card for this point (a new person now and then; loss -> replacement). */
  private async nextVisit(rng: Random): Promise<{ person: Person; kind: IssueCommand['kind'] }> {
    const perPerson = this.harness.options.pointsPerPerson ?? 6;
    if (!this.person || this.pointsWithPerson >= perPerson) {
      this.person = this.harness.takePerson();
      this.pointsWithPerson = 0;
      this.touched.add(this.person.personId);
    }
    this.pointsWithPerson++;
    const person = this.person;
    const db = this.harness.server.db;
    await this.verifyIdentity(person.personId);
    const open = (
      await db.query<{ kind: IssueCommand['kind'] }>(
        `SELECT kind FROM card_applications WHERE person_id = $1 AND status IN ('queued', 'applied')`,
        [person.personId],
      )
    ).rows[0];
    if (open) return { person, kind: open.kind };
    const cards = (
      await db.query<{ card_number: string; status: string }>(
        'SELECT card_number, status FROM social_security_cards WHERE person_id = $1',
        [person.personId],
      )
    ).rows;
    const active = cards.find((c) => c.status === 'active');
    if (active && rng.chance(0.25)) {
      const reply = await signedCall(
        this.harness.server,
        { kioskId: this.kioskId, privateKey: this.privateKey },
        'POST',
        '/api/v1/cards/report-loss',
        { body: { personId: person.personId, cardNumber: active.card_number } },
      );
      if (reply.status !== 200) throw new Error(`report loss: ${reply.status} ${JSON.stringify(reply.json)}`);
      return { person, kind: 'replacement' };
    }
    if (active) return { person, kind: 'renewal' };
    if (cards.some((c) => c.status === 'lost')) return { person, kind: 'replacement' };
    return { person, kind: 'first' };
  }

  /**
   * Identity -> face check -> application: the server wants the person verified at this kiosk minutes ago. The
   * face check is not what this harness tests: a staff confirmation is recorded straight into the database.
   */
  private async verifyIdentity(personId: string): Promise<void> {
    const db = this.harness.server.db;
    const key = randomUUID().replaceAll('-', '');
    const at = new Date().toISOString();
    await db.query(
      `INSERT INTO authentication_requests (idempotency_key, kind, kiosk_id, request_hash, response, created_at)
       VALUES ($1, 'assisted', $2, $3, '{}'::jsonb, $4)`,
      [key, this.kioskId, createHash('sha256').update(key).digest('hex'), at],
    );
    await db.query(
      `INSERT INTO identity_verifications (verification_id, person_id, kiosk_id, purpose, method, staff_number,
         reason, decided_at, verified_at, spot_check, idempotency_key)
       VALUES ($1, $2, $3, 'cardIssuance', 'staff', $4, 'cannotUseCamera', $5, $5, true, $6)`,
      [randomUUID(), personId, this.kioskId, DEMO_STAFF.staffNumber, at, key],
    );
  }

  private async setFault(fault: InjectedFault | null): Promise<void> {
    const { printer, chip } = this.control;
    if (fault === 'jamOnce' || fault === 'cardNotTaken') await printer.setFault(fault);
    if (fault === 'chipWriteError') await chip.setFault('writeError');
    if (fault === 'readBackCorruption') await chip.setFault('readBackCorruption');
  }

  private async clearFaults(): Promise<void> {
    const { printer, chip } = this.control;
    // Clearing a printer fault also clears a jam (the engineer's fix): only an armed, unfired one is cleared.
    const state = await printer.state();
    if (state.fault !== 'none') await printer.setFault('none');
    if ((await chip.state()).fault !== 'none') await chip.setFault('none');
  }

  /** Tops up the feeder, empties a filling reject box (its serials were checked as spoiled before). */
  private async housekeeping(): Promise<void> {
    const state = await this.control.printer.state();
    if (state.feeder.length < 10) await this.loadBlanks(20);
    if (state.rejectBox.length >= 20)
      for (const serial of (await this.control.printer.emptyRejectBox()).serials)
        this.removedFromRejectBox.add(serial);
  }

  /** One crash point: issue (killed as the spec says), recover, check. */
  async runPoint(rng: Random, spec: CrashSpec): Promise<PointResult> {
    const started = Date.now();
    const violations: string[] = [];
    const index = this.points++;
    if (!this.child?.alive) {
      this.child = null;
      const first = await this.recover(null, violations);
      if (!first)
        throw new Error(`lane ${this.index}: the crash child does not start: ${violations.join('; ')}`);
      violations.push(...(await this.check()));
    }
    await this.housekeeping();
    const { person, kind } = await this.nextVisit(rng);
    const t0 = Date.now();
    const child = this.child as ChildHandle;
    await this.setFault(spec.fault);
    const from = child.lines.length;
    child.send({
      issue: {
        personId: person.personId,
        name: person.name,
        idNumber: person.idNumber,
        kind,
        pin: '147258',
        ...(spec.fault === 'cardNotTaken' ? { walkAway: true } : {}),
        ...(spec.selfKill && spec.phase
          ? {
              killAt: {
                phase: spec.phase,
                occurrence: spec.occurrence,
                ...(spec.midPrintJob ? { midPrintJob: true } : {}),
              },
            }
          : {}),
      },
    });
    const phases: IssuancePhase[] = [];
    let outcomeLine: IssuanceOutcome | null = null;
    let errorLine: string | null = null;
    let leftOpen = 0;
    let seen = 0;
    let killTimer: NodeJS.Timeout | null = null;
    const end = await child.waitFor(
      from,
      (line) => {
        if ('phase' in line) {
          phases.push(line.phase);
          if (!spec.selfKill && line.phase === spec.phase && ++seen === spec.occurrence && !killTimer)
            killTimer = setTimeout(() => void child.kill(), spec.delayMs);
          return undefined;
        }
        if ('outcome' in line) outcomeLine = line.outcome;
        if ('error' in line) errorLine = line.error;
        if ('recovered' in line) leftOpen = line.recovered.afterOutcome ?? 0;
        if ('idle' in line)
          return errorLine === null
            ? { kind: 'outcome' as const, outcome: outcomeLine as IssuanceOutcome }
            : { kind: 'error' as const, error: errorLine };
        return undefined;
      },
      60_000,
    );
    let outcome: IssuanceOutcome | null = outcomeLine;
    if (end?.kind === 'outcome') outcome = end.outcome;
    else if (end?.kind === 'error')
      violations.push(`issueCard threw: ${end.error.split('\n').slice(0, 4).join(' | ')}`);
    else if (child.alive) {
      violations.push(
        `issuance did not end within 60 s; last phases ${phases.slice(-3).join(',')}; lines ${JSON.stringify(child.lines)}; stderr: ${child.stderr()}`,
      );
    }
    if (killTimer) {
      // A kill still pending when the issuance already ended: the agent dies idle (still a valid point).
      await new Promise((r) => setTimeout(r, spec.delayMs + 1));
    }
    // A hung issuance is killed as well (after its violation), so that the next points start from a recovery.
    const killed = !child.alive || killTimer !== null || end === null;
    if (killed) await child.kill();
    await this.clearFaults();
    const t1 = Date.now();
    let recovered: PointResult['recovered'] = null;
    if (killed) {
      this.child = null;
      recovered = await this.recover(spec.recoveryCrash, violations);
    }
    const t2 = Date.now();
    if (process.env.SIK_CRASH_TRACE)
      process.stderr.write(
        `lane ${this.index} point ${index} ${JSON.stringify(spec)} ${kind} ${person.personId} ` +
          `phases [${phases.join(',')}] killed ${killed} outcome ${outcome ? (outcome.ok ? 'issued' : outcome.reason) : '-'} ` +
          `issuing child lines ${JSON.stringify(child.lines.slice(from))} recovering child lines ${JSON.stringify(this.child?.lines ?? [])}\n`,
      );
    const found = await this.check();
    if (found.length > 0) {
      // What the agent said (warn and error logs, never personal data) explains most findings.
      found.push(`issuing child stderr: ${child.stderr().slice(-1500) || '(none)'}`);
      if (this.child && this.child !== child)
        found.push(`recovering child stderr: ${this.child.stderr().slice(-1500) || '(none)'}`);
    }
    violations.push(...found);
    const timings = {
      beforeMs: t0 - started,
      issueMs: t1 - t0,
      recoverMs: t2 - t1,
      checkMs: Date.now() - t2,
    };
    return {
      lane: this.index,
      index,
      spec,
      personId: person.personId,
      kind,
      phases,
      killed,
      outcome,
      recovered,
      openAfterOutcome: leftOpen,
      violations,
      ms: Date.now() - started,
      timings,
    };
  }

  /** The invariants, as seen now (the child is idle: recovered, waiting for a command, or gone). */
  async check(): Promise<string[]> {
    const v: string[] = [];
    const db = this.harness.server.db;
    const { printer, chip } = this.control;
    const sim = await printer.state();
    const feeder = new Set(sim.feeder);
    const rejectBox = new Set([...sim.rejectBox, ...this.removedFromRejectBox]);
    const taken = new Set(sim.taken);
    if (sim.card) v.push(`card ${sim.card.serial} left in the printer at ${sim.card.position}`);

    // Blank serials: where they are and how they are booked.
    const booked = new Map(
      (
        await db.query<{ chip_serial: string; status: string }>(
          'SELECT chip_serial, status FROM card_blanks WHERE kiosk_id = $1',
          [this.kioskId],
        )
      ).rows.map((r) => [r.chip_serial, r.status]),
    );
    const used: string[] = [];
    for (const serial of this.loaded) {
      const status = booked.get(serial) ?? 'unbooked';
      const where = feeder.has(serial)
        ? 'feeder'
        : rejectBox.has(serial)
          ? 'rejectBox'
          : taken.has(serial)
            ? 'taken'
            : sim.card?.serial === serial
              ? 'printer'
              : 'nowhere';
      const expected = { feeder: 'inStock', rejectBox: 'spoiled', taken: 'issued' }[where as 'feeder'];
      if (status !== expected) v.push(`blank ${serial} is in the ${where} but booked ${status}`);
      if (where !== 'feeder') used.push(serial);
    }

    // No person with two active cards (the database's unique index should make this impossible).
    for (const r of (
      await db.query<{ person_id: string; n: number }>(
        `SELECT person_id, count(*)::int AS n FROM social_security_cards WHERE status = 'active'
         GROUP BY person_id HAVING count(*) > 1`,
      )
    ).rows)
      v.push(`person ${r.person_id} has ${r.n} active cards`);

    // The kiosk's books as the end-of-day close reads them: they balance, nothing in use, and what remains is
    // what the feeder holds.
    const books = await stockCounts(db, this.kioskId, businessDay(new Date()));
    if (books.opening + books.loaded !== books.issued + books.spoiled + books.inUse + books.remaining)
      v.push(`the stock books do not balance: ${JSON.stringify(books)}`);
    if (books.inUse !== 0) v.push(`the stock books have ${books.inUse} blank(s) in use`);
    if (books.remaining !== sim.feeder.length)
      v.push(`the stock books say ${books.remaining} blanks remain, the feeder holds ${sim.feeder.length}`);

    // Cards by chip serial (for chips and faces).
    const cards = new Map(
      (
        await db.query<{
          chip_serial: string;
          card_number: string;
          person_id: string;
          id_number: string;
          status: string;
        }>(
          `SELECT c.chip_serial, c.card_number, c.person_id, p.id_number, c.status
           FROM social_security_cards c JOIN people p ON p.person_id = c.person_id
           WHERE c.kiosk_id = $1 AND c.chip_serial IS NOT NULL`,
          [this.kioskId],
        )
      ).rows.map((r) => [r.chip_serial, r]),
    );
    for (const serial of taken) {
      const card = cards.get(serial);
      if (!card) v.push(`the citizen took blank ${serial}, which no card is bound to`);
      else if (!['active', 'cancelled', 'lost'].includes(card.status))
        v.push(
          `the citizen took card ${card.card_number} (blank ${serial}), which the server has as ${card.status}`,
        );
    }

    // Chips: each used blank once it has left the printer (its chip cannot change after that).
    for (const serial of used) {
      if (this.chipChecked.has(serial) || sim.card?.serial === serial) continue;
      this.chipChecked.add(serial);
      let snapshot: Awaited<ReturnType<typeof chip.card>>;
      try {
        snapshot = await chip.card(serial);
      } catch {
        continue; // the chip encoder never saw this card: nothing was written
      }
      const ssnHex = snapshot.ef06[EF06_FIELDS.socialSecurityNumber.tag];
      const numberHex = snapshot.ef05[EF05_FIELDS.cardNumber.tag];
      if (ssnHex === undefined && numberHex === undefined) continue;
      const card = cards.get(serial);
      if (!card) {
        v.push(`chip ${serial} holds personal data but no card is bound to it`);
        continue;
      }
      if (ssnHex !== undefined) {
        const ssn = decodeField(EF06_FIELDS.socialSecurityNumber, Buffer.from(ssnHex, 'hex'));
        if (ssn !== card.id_number)
          v.push(
            `chip ${serial} (card ${card.card_number} of ${card.person_id}) holds another person's number`,
          );
      }
      if (numberHex !== undefined) {
        const number = decodeField(EF05_FIELDS.cardNumber, Buffer.from(numberHex, 'hex'));
        if (number !== card.card_number)
          v.push(`chip ${serial} holds card number ${number} but is bound to card ${card.card_number}`);
      }
    }

    // Faces printed since the last check.
    const printed = await printer.printed();
    await printer.clearPrinted();
    for (const face of printed) {
      this.printedSerials.add(face.serial);
      const text = pngTextChunks(Buffer.from(face.pngBase64, 'base64'));
      const card = cards.get(face.serial);
      if (!card) {
        v.push(
          `a face (card ${text['sik:cardNumber']}) was printed on blank ${face.serial}, which no card is bound to`,
        );
        continue;
      }
      if (text['sik:cardNumber'] !== card.card_number)
        v.push(
          `the face of card ${text['sik:cardNumber']} was printed on blank ${face.serial} of card ${card.card_number}`,
        );
      if (text['sik:socialSecurityNumber'] !== card.id_number)
        v.push(
          `a face with another person's number was printed on blank ${face.serial} (card ${card.card_number})`,
        );
    }

    // Applications of the people this lane served.
    for (const personId of this.touched) {
      const { rows } = await db.query<{ application_id: string; status: string; card_status: string | null }>(
        `SELECT a.application_id, a.status, c.status AS card_status FROM card_applications a
         LEFT JOIN social_security_cards c ON c.application_id = a.application_id
         WHERE a.person_id = $1 ORDER BY a.application_id`,
        [personId],
      );
      const byApp = new Map<string, { status: string; cards: string[] }>();
      for (const r of rows) {
        const app = byApp.get(r.application_id) ?? { status: r.status, cards: [] };
        if (r.card_status) app.cards.push(r.card_status);
        byApp.set(r.application_id, app);
      }
      for (const [id, app] of byApp) {
        const made = app.cards.filter((s) => ['active', 'lost', 'cancelled'].includes(s)).length;
        const open = app.cards.filter((s) => s === 'applied').length;
        const personalising = app.cards.filter((s) => s === 'personalising').length;
        const ok =
          app.status === 'issued'
            ? made === 1 && open + personalising === 0
            : app.status === 'applied'
              ? open === 1 && made + personalising === 0
              : app.status === 'queued'
                ? app.cards.length === 0
                : made + open + personalising === 0;
        if (!ok)
          v.push(`application ${id} of ${personId} is ${app.status} with cards [${app.cards.join(', ')}]`);
      }
    }

    // What the citizen took is a finished card: a face printed on it and the card's data on its chip.
    for (const serial of taken) {
      if (this.takenChecked.has(serial)) continue;
      this.takenChecked.add(serial);
      if (!this.printedSerials.has(serial))
        v.push(`the citizen took blank ${serial} with no face printed on it`);
      const snapshot = await chip.card(serial).catch(() => null);
      const written = snapshot?.ef05[EF05_FIELDS.cardNumber.tag] !== undefined;
      const complete = written && snapshot?.ef06[EF06_FIELDS.socialSecurityNumber.tag] !== undefined;
      if (!complete) v.push(`the citizen took blank ${serial} whose chip does not hold the card's data`);
      if (snapshot?.pinBlocked) v.push(`the citizen took blank ${serial} with a blocked PIN`);
    }

    // The journal: nothing left open after recovery.
    const open = new Journal(this.dir).open(ISSUANCE_JOURNAL_KIND);
    for (const entry of open) v.push(`journal entry ${entry.id} left open: ${JSON.stringify(entry.data)}`);
    return v;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The business day in China (UTC+8), as the server books it. */
function businessDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export interface CrashRunSummary {
  seed: number;
  points: number;
  killed: number;
  completed: number;
  perPhase: Record<string, number>;
  outcomes: Record<string, number>;
  /** Points whose issuance returned with its journal entry still open (left to the recovery round). */
  openAfterOutcome: number;
  /** Lanes stopped at a broken invariant. */
  stoppedLanes: number[];
  violations: { point: PointResult; messages: string[] }[];
  ms: number;
}

/**
 * Runs `points` random crash points spread over the lanes (lanes run in parallel), after the deterministic ones
 * when asked. Each lane draws from its own PRNG (seed + lane) so a lane replays on its own.
 */
export async function runCrashPoints(
  harness: IssuanceHarness,
  options: {
    seed: number;
    points: number;
    deterministic?: boolean;
    maxDelayMs?: number;
    faultRate?: number;
    recoveryCrashRate?: number;
    onPoint?: (point: PointResult, done: number) => void;
    /** Stop drawing new points after this many ms (the run stays bounded). */
    budgetMs?: number;
    /** Phases no point kills at (to look past a known finding). */
    skipPhases?: readonly string[];
    /** Keep a lane going after a broken invariant (default: the lane stops there). */
    continueAfterViolation?: boolean;
  },
): Promise<CrashRunSummary> {
  const started = Date.now();
  const summary: CrashRunSummary = {
    seed: options.seed,
    points: 0,
    killed: 0,
    completed: 0,
    perPhase: {},
    outcomes: {},
    openAfterOutcome: 0,
    stoppedLanes: [],
    violations: [],
    ms: 0,
  };
  const record = (point: PointResult) => {
    summary.points++;
    if (point.killed) {
      summary.killed++;
      const key = point.spec.phase ?? 'none';
      summary.perPhase[key] = (summary.perPhase[key] ?? 0) + 1;
    } else summary.completed++;
    const outcome = point.outcome ? (point.outcome.ok ? 'issued' : point.outcome.reason) : 'killed';
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
    if (point.openAfterOutcome > 0) summary.openAfterOutcome++;
    if (point.violations.length > 0) summary.violations.push({ point, messages: point.violations });
    options.onPoint?.(point, summary.points);
  };
  const deterministic = options.deterministic ? deterministicSpecs() : [];
  const lanes = harness.lanes;
  const perLane = Math.ceil(options.points / lanes.length);
  await Promise.all(
    lanes.map(async (lane, i) => {
      const rng = createRandom(options.seed + i);
      // The deterministic points are shared out over the lanes.
      // A lane stops at its first broken invariant (unless told to go on): what follows a broken state mostly
      // repeats it, and the first point is the one to replay.
      const go = (point: PointResult): boolean => {
        record(point);
        if (point.violations.length === 0 || options.continueAfterViolation) return true;
        summary.stoppedLanes.push(lane.index);
        return false;
      };
      const skipped = (spec: CrashSpec) => spec.phase !== null && options.skipPhases?.includes(spec.phase);
      for (let d = i; d < deterministic.length; d += lanes.length)
        if (skipped(deterministic[d] as CrashSpec)) continue;
        else if (!go(await lane.runPoint(rng, deterministic[d] as CrashSpec))) return;
      for (let n = 0; n < perLane && i * perLane + n < options.points; n++) {
        if (options.budgetMs && Date.now() - started > options.budgetMs) break;
        const spec = randomSpec(rng, {
          maxDelayMs: options.maxDelayMs ?? 40,
          faultRate: options.faultRate ?? 0.15,
          recoveryCrashRate: options.recoveryCrashRate ?? 0.1,
          ...(options.skipPhases ? { skipPhases: options.skipPhases } : {}),
        });
        if (!go(await lane.runPoint(rng, spec))) return;
      }
    }),
  );
  summary.violations.push(
    ...(await harness.globalViolations()).map((m) => ({
      point: null as unknown as PointResult,
      messages: [m],
    })),
  );
  summary.ms = Date.now() - started;
  return summary;
}

/** One line per violated point: seed, lane, point, spec and the messages (for replay). */
export function describeViolations(summary: CrashRunSummary): string {
  return summary.violations
    .map(({ point, messages }) =>
      point
        ? `seed ${summary.seed} lane ${point.lane} point ${point.index} spec ${JSON.stringify(point.spec)} ` +
          `kind ${point.kind} person ${point.personId} phases [${point.phases.join(',')}] ` +
          `outcome ${point.outcome ? JSON.stringify(point.outcome) : 'none'}:\n  - ${messages.join('\n  - ')}`
        : `seed ${summary.seed} (global): ${messages.join('; ')}`,
    )
    .join('\n');
}
