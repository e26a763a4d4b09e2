import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_BLANKS } from '@sik/seeds';
import { startPrintingIppPrinter } from '../../device-agent/src/devices/a4-printer/ippeveprinter.ts';
import { type Started, startProcess, startPtyPair } from './processes.ts';

const PROVISIONING_TOKEN = 'e2e-provisioning-token-0123456789';

type Pty = Awaited<ReturnType<typeof startPtyPair>>;

/**
 * A whole kiosk as in production, every part its own process: the server (PGlite in a folder), the bank host
 * and QR payment gateway simulators with their own ledgers, the ID reader, PIN pad and receipt printer
 * simulators each on a real pseudo-terminal, a real IPP printer (ippeveprinter) for A4, the camera simulator (a
 * network camera serving MJPEG over HTTP, read by the agent through ffmpeg, with a binocular liveness module),
 * and the device agent; the card printer and its chip encoder as ONE linked card unit simulator process on two
 * pseudo-terminals (device-agent/src/devices/card-unit/simulator-main.ts), which outlives the agent.
 * The agent can be killed and started again on the same data folder.
 */
export interface KioskRig {
  dir: string;
  server: Started;
  bank: Started;
  gateway: Started;
  idcard: Started;
  pinpad: Started;
  receipt: Started;
  a4: { uri: string; spool: string };
  camera: Started;
  /** The linked card unit simulator (card printer + chip encoder) process. */
  cardUnit: Started;
  /**
   * Its control channel: the printer's routes at / (GET /state, POST /fault, POST /take, GET /printed, ...),
   * the chip encoder's under /chip (GET /chip/cards, POST /chip/fault, GET /chip/state, ...). A client:
   * httpCardUnitControl(rig.cardUnitUrl) from device-agent/src/devices/card-unit/card-unit.ts.
   */
  cardUnitUrl: string;
  agent: Started;
  kioskUrl(): string;
  startAgent(): Promise<Started>;
  stop(): Promise<void>;
}

async function simulatorOnPty(
  dir: string,
  name: string,
  entry: string,
  baud: number,
): Promise<{ pty: Pty; sim: Started }> {
  const folder = join(dir, name);
  mkdirSync(folder);
  const pty = await startPtyPair(folder);
  const sim = await startProcess(
    entry,
    ['--port', pty.a, '--baud', String(baud), '--control', '127.0.0.1:0'],
    {},
  );
  return { pty, sim };
}

const controlUrlOf = (sim: Started): string =>
  typeof sim.ready.controlUrl === 'string'
    ? sim.ready.controlUrl
    : `http://127.0.0.1:${String(sim.ready.controlPort)}`;

export interface CardUnitRigOptions {
  /** The simulated printer's timings: 'instant' (default, for tests) or 'realistic' (~20 s a card). */
  timing?: 'instant' | 'realistic';
  /** Blanks in the feeder (default DEMO_BLANKS: the range the server's seed loads into the kiosk's stock). */
  blanks?: { firstSerial: string; count: number };
}

/** The card unit simulator on two pseudo-terminals: the printer's line and the chip encoder's. */
async function cardUnitOnPtys(
  dir: string,
  options: CardUnitRigOptions,
): Promise<{ printer: Pty; chip: Pty; sim: Started }> {
  const folder = join(dir, 'card-unit');
  mkdirSync(join(folder, 'printer'), { recursive: true });
  mkdirSync(join(folder, 'chip'), { recursive: true });
  const printer = await startPtyPair(join(folder, 'printer'));
  const chip = await startPtyPair(join(folder, 'chip'));
  const blanks = options.blanks ?? DEMO_BLANKS;
  try {
    const sim = await startProcess(
      'device-agent/src/devices/card-unit/simulator-main.ts',
      [
        ...['--port', printer.a, '--chip-port', chip.a, '--baud', '115200', '--control', '127.0.0.1:0'],
        ...['--timing', options.timing ?? 'instant'],
        ...['--first-serial', blanks.firstSerial, '--blanks', String(blanks.count)],
      ],
      {},
    );
    return { printer, chip, sim };
  } catch (error) {
    await printer.stop();
    await chip.stop();
    throw error;
  }
}

export async function startKioskRig(
  options: {
    serverConfig?: Record<string, unknown>;
    agentConfig?: Record<string, unknown>;
    /** The card unit simulator's timing and blanks (default: instant, the demo blanks). */
    cardUnit?: CardUnitRigOptions;
  } = {},
): Promise<KioskRig> {
  const dir = mkdtempSync(join(tmpdir(), 'sik-rig-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const [bank, gateway] = await Promise.all([
      startProcess(
        'server/src/integrations/bank-host/simulator-main.ts',
        ['--port', '0', '--data-dir', join(dir, 'bank')],
        {},
      ),
      startProcess(
        'server/src/integrations/payment-gateway/simulator-main.ts',
        ['--port', '0', '--data-dir', join(dir, 'gateway')],
        {},
      ),
    ]);
    stops.push(
      () => bank.stop(),
      () => gateway.stop(),
    );
    const [idcard, pinpad, receipt, a4, camera, cardUnit] = await Promise.all([
      simulatorOnPty(dir, 'idcard', 'device-agent/src/devices/idcard/simulator-main.ts', 115200),
      simulatorOnPty(dir, 'pinpad', 'device-agent/src/devices/pinpad/simulator-main.ts', 9600),
      simulatorOnPty(dir, 'receipt', 'device-agent/src/devices/receipt-printer/simulator-main.ts', 115200),
      startPrintingIppPrinter(join(dir)),
      startProcess('device-agent/src/devices/camera/simulator-main.ts', [], {}),
      cardUnitOnPtys(dir, options.cardUnit ?? {}),
    ]);
    stops.push(() => camera.stop());
    stops.push(
      () => cardUnit.sim.stop(),
      () => cardUnit.printer.stop(),
      () => cardUnit.chip.stop(),
    );
    const cardUnitUrl = controlUrlOf(cardUnit.sim);
    for (const part of [idcard, pinpad, receipt])
      stops.push(
        () => part.sim.stop(),
        () => part.pty.stop(),
      );
    stops.push(() => a4.stop());

    const server = await startProcess('server/src/main.ts', [], {
      SIK_SERVER_CONFIG_JSON: JSON.stringify({
        port: 0,
        dataDir: join(dir, 'server'),
        provisioningToken: PROVISIONING_TOKEN,
        payments: { bankHostUrl: bank.ready.url, gatewayUrl: gateway.ready.url, timeoutMs: 3000 },
        ...options.serverConfig,
      }),
    });
    stops.push(() => server.stop());

    const agentConfig = {
      kioskId: 'KIOSK-0001',
      serverUrl: server.ready.url,
      dataDir: join(dir, 'agent'),
      provisioningToken: PROVISIONING_TOKEN,
      listen: { host: '127.0.0.1', port: 0 },
      uiDistDir: 'kiosk-ui/dist',
      gatewaySimulatorUrl: gateway.ready.url,
      devices: {
        idcard: {
          driver: 'serial',
          path: idcard.pty.b,
          baudRate: 115200,
          simulatorControlUrl: controlUrlOf(idcard.sim),
        },
        pinpad: {
          driver: 'serial',
          path: pinpad.pty.b,
          baudRate: 9600,
          simulatorControlUrl: controlUrlOf(pinpad.sim),
        },
        receiptPrinter: {
          driver: 'serial',
          path: receipt.pty.b,
          baudRate: 115200,
          simulatorControlUrl: controlUrlOf(receipt.sim),
        },
        a4Printer: { driver: 'ipp', uri: a4.uri },
        camera: {
          driver: 'ffmpeg',
          source: { kind: 'url', url: String(camera.ready.streamUrl) },
          livenessUrl: String(camera.ready.livenessUrl),
          simulatorControlUrl: controlUrlOf(camera),
        },
        // One simulator process serves both: the chip encoder's control routes live under /chip.
        cardPrinter: {
          driver: 'serial',
          path: cardUnit.printer.b,
          baudRate: 115200,
          simulatorControlUrl: cardUnitUrl,
        },
        chipEncoder: {
          driver: 'serial',
          path: cardUnit.chip.b,
          baudRate: 115200,
          simulatorControlUrl: `${cardUnitUrl}/chip`,
        },
      },
      session: { idleTimeoutSec: 120, warningSec: 20, greetingSec: 1 },
      ...options.agentConfig,
    };
    const launchAgent = () =>
      startProcess('device-agent/src/main.ts', [], { SIK_AGENT_CONFIG_JSON: JSON.stringify(agentConfig) });
    const rig: KioskRig = {
      dir,
      server,
      bank,
      gateway,
      idcard: idcard.sim,
      pinpad: pinpad.sim,
      receipt: receipt.sim,
      a4: { uri: a4.uri, spool: a4.spool },
      camera,
      cardUnit: cardUnit.sim,
      cardUnitUrl,
      agent: await launchAgent(),
      kioskUrl: () => String(rig.agent.ready.kioskUrl),
      async startAgent() {
        rig.agent = await launchAgent();
        return rig.agent;
      },
      async stop() {
        await rig.agent.stop();
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return rig;
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** JSON from a simulator's control channel. */
export async function control<T>(
  base: string,
  path: string,
  init?: { method?: string; body?: unknown },
): Promise<T> {
  const response = await fetch(new URL(path, base), {
    method: init?.method ?? (init?.body === undefined ? 'GET' : 'POST'),
    ...(init?.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export { controlUrlOf };
