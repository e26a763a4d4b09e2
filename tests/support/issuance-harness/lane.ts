import { spawn } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCardsConfig } from '@sik/config';
import { DEMO_STAFF, type Random } from '@sik/seeds';
import { httpCardUnitControl } from '../../../device-agent/src/devices/card-unit/card-unit.ts';
import type { IssueCommand } from '../../../device-agent/src/issuance/testing/child-protocol.ts';
import type { IssuanceOutcome, IssuancePhase } from '../../../device-agent/src/issuance/types.ts';
import { loadOrCreateKioskKeys } from '../../../device-agent/src/server-client/keys.ts';
import { chinaDate } from '../../../server/src/integrations/china-time.ts';
import { insertBatch } from '../../../server/src/repositories/cards.ts';
import { signedCall } from '../../../server/src/testing/harness.ts';
import { type Started, startProcess, startPtyPair } from '../processes.ts';
import { CHILD_ENTRY, ChildHandle, ROOT } from './child.ts';
import type { IssuanceHarness } from './harness.ts';
import { LaneLedger, laneViolations } from './invariants.ts';
import { staffVerified } from './people.ts';
import type { CrashSpec, InjectedFault, Person, PointResult } from './types.ts';

const CARD_UNIT_ENTRY = 'device-agent/src/devices/card-unit/simulator-main.ts';
/** The server's provisioning token in the harness (the lanes provision their kiosk keys with it). */
export const TOKEN = 'crash-provisioning-token-0123456789';

/**
 * One lane: a kiosk (its own id, blanks and agent data folder) with its card unit simulator process on two
 * pseudo-terminals and its crash children (the running one and a standby one). It runs crash points one at a
 * time: a visit (person, kind of card, identity verified), the issuance killed as the spec says, the restart
 * and recovery, and the invariant checks.
 */
export class Lane {
  private child: ChildHandle | null = null;
  private standby: ChildHandle | null = null;
  /** What the lane has loaded and checked so far (for the invariants). */
  private readonly ledger = new LaneLedger();
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
      day: chinaDate(at),
    });
    await this.control.printer.loadBlanks(serials);
    this.ledger.loaded.push(...serials);
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
      this.ledger.touched.add(this.person.personId);
    }
    this.pointsWithPerson++;
    const person = this.person;
    const db = this.harness.server.db;
    await staffVerified(db, person.personId, this.kioskId);
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
        this.ledger.removedFromRejectBox.add(serial);
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
  check(): Promise<string[]> {
    return laneViolations({
      db: this.harness.server.db,
      kioskId: this.kioskId,
      journalDir: this.dir,
      control: this.control,
      ledger: this.ledger,
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
