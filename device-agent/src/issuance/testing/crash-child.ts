/**
 * The crash child: the issuance part of the agent as its own process, for the crash tests and the soak
 * (tests/support/issuance-harness/). It builds real IssuanceDeps — the journal in --data-dir, the card printer
 * and chip encoder DRIVERS over serial lines to the simulator process(es), the server's card routes over HTTP
 * signed with the kiosk key found in --data-dir, renderCardFace — runs recoverIssuances, then issues cards on
 * command, and is meant to be killed (SIGKILL) at any moment.
 *
 *   tsx device-agent/src/issuance/testing/crash-child.ts --data-dir <dir> --server-url <url> --kiosk-id <id> \
 *     --printer-port <pty> --printer-control <url> --encoder-port <pty> [--encoder-control <url>] \
 *     [--bank-name <name>] [--max-blanks 3] [--take-timeout-ms 5000] [--recover-only] [--issuance <module>] \
 *     [--standby]
 *
 * --standby: load every module, then wait for one line on stdin before starting (opening the devices and the
 * journal): the harness keeps one child ready so that a restart after a kill does not pay for module loading.
 *
 * stdout, one JSON line each (the harness reads them; writes to a pipe are synchronous on Linux, so a line
 * printed before a kill is not lost):
 *   {"ready":true}  devices open;
 *   {"phase":"picking","mode":"recovery"|"issue","n":<how many phases this run has seen before>}  after each
 *   durable journal phase (deps.onPhase);
 *   {"recovered":{"recovered":1,"open":0}}  once recovery is done: the child then reads commands on stdin;
 *   {"outcome":{...}}  after each issuance; {"error":"..."} when issuance threw; then, when the issuance left
 *   its journal entry open, recovery runs again as the agent's recovery round would ({"recovered":{...,
 *   "afterOutcome":<entries open>}}); {"idle":true} when the child waits for the next command.
 * stdin, one JSON line each:
 *   {"issue":{"personId","name","idNumber","kind","pin","killAt"?:{"phase","occurrence"}}}  issue one card; with
 *   killAt the child kills itself (SIGKILL) right after that journal phase is durable, before the device acts
 *   (with "midPrintJob":true: half-way through the next print job it sends to the printer after that phase);
 *   {"exit":true}  stop the devices and exit 0.
 *
 * With --encoder-control (separate printer and encoder simulator processes) the child stands in for the link a
 * card unit has: after every printer movement, and at start, it tells the chip encoder simulator which card sits
 * at the contact station (the printer simulator's /card-at-contact). A linked card-unit simulator does this
 * itself: then leave --encoder-control out.
 *
 * The face renderer is wrapped to add PNG tEXt chunks 'sik:cardNumber' and 'sik:socialSecurityNumber' (not
 * drawn; the pixels are renderCardFace's), so the harness can tell whose face went on which blank.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { renderCardFace } from '../../cards/card-face.ts';
import type { CardPrinter } from '../../devices/card-printer/card-printer.ts';
import { createCardPrinterDriver } from '../../devices/card-printer/driver.ts';
import { DEFAULT_CARD_PRINTER_OPTIONS } from '../../devices/card-printer/factory.ts';
import { httpControl as printerControl } from '../../devices/card-printer/simulator-control.ts';
import { createChipEncoderDriver } from '../../devices/chip-encoder/driver.ts';
import { DEFAULT_CHIP_ENCODER_OPTIONS } from '../../devices/chip-encoder/factory.ts';
import { httpControl as encoderControl } from '../../devices/chip-encoder/simulator-control.ts';
import { Journal } from '../../journal/journal.ts';
import { createServerClient } from '../../server-client/client.ts';
import { loadOrCreateKioskKeys } from '../../server-client/keys.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { createCardServer } from '../card-server.ts';
import { issueCard } from '../issuance.ts';
import { recoverIssuances } from '../recovery.ts';
import {
  DEFAULT_ISSUANCE_CONFIG,
  ISSUANCE_JOURNAL_KIND,
  type IssuanceCitizen,
  type IssuanceDeps,
  type IssuancePhase,
  type RenderFace,
} from '../types.ts';
import type { ChildLine, IssuanceModule, IssueCommand } from './child-protocol.ts';
import { withTextChunks } from './png-text.ts';

/** One line on stdout, with `t`: ms since the process started (where the time goes, for the harness). */
const out = (line: ChildLine) =>
  process.stdout.write(`${JSON.stringify({ ...line, t: Math.round(performance.now()) })}\n`);

function fail(message: string): never {
  process.stderr.write(`crash child: ${message}\n`);
  process.exit(64);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'server-url': { type: 'string' },
      'kiosk-id': { type: 'string' },
      'printer-port': { type: 'string' },
      'printer-control': { type: 'string' },
      'encoder-port': { type: 'string' },
      'encoder-control': { type: 'string' },
      'bank-name': { type: 'string', default: '中国工商银行' },
      'max-blanks': { type: 'string', default: String(DEFAULT_ISSUANCE_CONFIG.maxBlanks) },
      'take-timeout-ms': { type: 'string', default: '5000' },
      'recover-only': { type: 'boolean', default: false },
      standby: { type: 'boolean', default: false },
      issuance: { type: 'string' },
    },
  });
  const dataDir = values['data-dir'] ?? fail('--data-dir is required');
  const serverUrl = values['server-url'] ?? fail('--server-url is required');
  const kioskId = values['kiosk-id'] ?? fail('--kiosk-id is required');
  const printerPort = values['printer-port'] ?? fail('--printer-port is required');
  const printerControlUrl = values['printer-control'] ?? fail('--printer-control is required');
  const encoderPort = values['encoder-port'] ?? fail('--encoder-port is required');

  const module: IssuanceModule = values.issuance
    ? ((await import(values.issuance)) as IssuanceModule)
    : { issueCard, recoverIssuances };

  const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  if (values.standby) {
    // Started ahead of time with every module loaded (serialport is otherwise loaded by the first open); the
    // agent "starts" (devices, journal) on the first line.
    await import('serialport');
    const go = await input.next();
    if (go.done) process.exit(0);
    out({ go: true });
  }

  const keys = await loadOrCreateKioskKeys(dataDir);
  const server = createServerClient({ serverUrl, kioskId, privateKey: keys.privateKey, timeoutMs: 10_000 });
  const printerSim = printerControl(printerControlUrl);
  const encoderSim = values['encoder-control'] ? encoderControl(values['encoder-control']) : null;

  // killAt.midPrintJob: the next large write to the printer (the print job with the card face) goes half-way out,
  // then the agent dies: the printer is left in the middle of a job.
  let killInNextPrintJob = false;
  const printerLine = new SerialTransport({ path: printerPort, baudRate: 115200 });
  const write = printerLine.write.bind(printerLine);
  printerLine.write = async (bytes: Uint8Array) => {
    if (!killInNextPrintJob || bytes.length < 1024) return write(bytes);
    await write(bytes.subarray(0, bytes.length >> 1));
    process.kill(process.pid, 'SIGKILL');
  };
  const driver = createCardPrinterDriver(printerLine, DEFAULT_CARD_PRINTER_OPTIONS);
  const encoder = createChipEncoderDriver(
    new SerialTransport({ path: encoderPort, baudRate: 115200 }),
    DEFAULT_CHIP_ENCODER_OPTIONS,
  );
  const syncContact = async () => {
    if (!encoderSim) return;
    const { serial } = await printerSim.cardAtContact();
    if (serial) await encoderSim.insertCard(serial);
    else await encoderSim.removeCard();
  };
  const printer = encoderSim ? linked(driver, syncContact) : driver;
  await syncContact();
  await driver.start();
  await encoder.start();
  out({ ready: true });

  const journal = new Journal(dataDir);
  let mode: 'recovery' | 'issue' = 'recovery';
  let seen = 0;
  let killAt: IssueCommand['killAt'] | null = null;
  const counts = new Map<IssuancePhase, number>();
  const renderFace: RenderFace = async (data) =>
    withTextChunks(await renderCardFace(data), {
      'sik:cardNumber': data.cardNumber,
      'sik:socialSecurityNumber': data.socialSecurityNumber,
    });
  const deps: IssuanceDeps = {
    journal,
    printer,
    encoder,
    server: createCardServer(server),
    renderFace,
    config: {
      ...DEFAULT_ISSUANCE_CONFIG,
      maxBlanks: Number(values['max-blanks']),
      takeTimeoutMs: Number(values['take-timeout-ms']),
      pinTimeoutMs: 5000,
      bankName: values['bank-name'] ?? '',
    },
    onPhase(phase) {
      out({ phase, mode, n: seen++ });
      const count = (counts.get(phase) ?? 0) + 1;
      counts.set(phase, count);
      if (killAt && killAt.phase === phase && killAt.occurrence === count) {
        if (killAt.midPrintJob) killInNextPrintJob = true;
        else process.kill(process.pid, 'SIGKILL');
      }
    },
  };

  const recovered = await module.recoverIssuances(deps);
  out({ recovered });

  const stop = async (code: number) => {
    await driver.stop().catch(() => undefined);
    await encoder.stop().catch(() => undefined);
    process.exit(code);
  };
  if (values['recover-only']) return stop(0);

  for (;;) {
    const next = await input.next();
    if (next.done) break;
    const text = next.value;
    if (!text.trim()) continue;
    const command = JSON.parse(text) as { issue?: IssueCommand; exit?: boolean };
    if (command.exit || !command.issue) break;
    const issue = command.issue;
    mode = 'issue';
    seen = 0;
    counts.clear();
    killAt = issue.killAt ?? null;
    killInNextPrintJob = false;
    const citizen: IssuanceCitizen = {
      choosePin: async () => ({ ok: true, pin: issue.pin }),
      // The citizen takes the card as soon as it shows (the simulator may take it by itself as well).
      presented: () => {
        if (!issue.walkAway) void printerSim.takeCard().catch(() => undefined);
      },
    };
    try {
      const outcome = await module.issueCard(
        deps,
        { personId: issue.personId, name: issue.name, idNumber: issue.idNumber },
        issue.kind,
        citizen,
        { stage: () => {} },
        new AbortController().signal,
      );
      out({ outcome });
    } catch (error) {
      out({ error: (error as Error).stack ?? String(error) });
    }
    killAt = null;
    // What the agent's recovery round (startIssuanceRecovery) does while anything is open: run it again now,
    // so the harness checks the state the agent settles in (and sees that the entry was left open).
    const left = journal.open(ISSUANCE_JOURNAL_KIND).length;
    if (left > 0) {
      mode = 'recovery';
      const again = await module.recoverIssuances(deps);
      out({ recovered: { ...again, afterOutcome: left } });
    }
    out({ idle: true });
  }
  await stop(0);
}

/** Calls that cannot move a card; after any other call the chip encoder simulator is told what is at contact. */
const STILL: ReadonlySet<PropertyKey> = new Set([
  'status',
  'start',
  'stop',
  'on',
  'refreshStatus',
  'waitForCardTaken',
]);

/** The printer, telling the chip encoder simulator after each movement which card is at the contact station. */
function linked(printer: CardPrinter, sync: () => Promise<void>): CardPrinter {
  return new Proxy(printer, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || STILL.has(key)) return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          await sync().catch((error: Error) => process.stderr.write(`crash child: link: ${error.message}\n`));
        }
      };
    },
  });
}

main().catch((error: Error) => {
  out({ error: error.stack ?? error.message });
  process.exit(1);
});
