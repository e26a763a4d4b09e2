/**
 * The simulator as its own process on a real pseudo-terminal (socat), with the driver over SerialTransport and
 * the diagnostics CLI on the other end: the same bytes a real reader on /dev/ttyUSB0 would exchange.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerialTransport } from '../../transport/serial.ts';
import { createIdCardDriver } from './driver.ts';
import { SAMPLE_CARDS } from './sample-cards.ts';
import { httpControl, type IdCardSimulatorControl } from './simulator-control.ts';
import { delay, quietLogger, waitForEvent, waitForStatus } from './testing.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SIMULATOR_MAIN = 'device-agent/src/devices/idcard/simulator-main.ts';
const CLI_MAIN = 'device-agent/src/cli/main.ts';

function findExecutable(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

const SOCAT = findExecutable('socat');
const SKIP_REASON = 'socat not found on PATH (apt-get install socat): pseudo-terminal tests skipped';

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await delay(20);
  }
}

/** A TypeScript entry point as a child process, through tsx, from the repository root. */
function runTs(entry: string, args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // As an engineer would run it: the CLI's own default log level, not the test runner's.
  const child = runTs(CLI_MAIN, args, { SIK_LOG_LEVEL: undefined });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

describe('ID card reader over a real pseudo-terminal', () => {
  if (!SOCAT) {
    if (process.env.CI) {
      it('has socat (required in CI)', () => {
        throw new Error(`socat is required when CI is set: ${SKIP_REASON}`);
      });
    } else {
      it.skip(SKIP_REASON, () => undefined);
    }
    return;
  }
  const socatPath = SOCAT;

  const dir = mkdtempSync(join(tmpdir(), 'sik-idcard-pty-'));
  const simEnd = join(dir, 'reader');
  const hostEnd = join(dir, 'host');
  let socat: ChildProcess | undefined;
  let simulator: ChildProcess | undefined;
  let simulatorLog = '';
  let control: IdCardSimulatorControl;

  beforeAll(async () => {
    socat = spawn(
      socatPath,
      ['-d', '-d', `pty,raw,echo=0,link=${simEnd}`, `pty,raw,echo=0,link=${hostEnd}`],
      {
        stdio: 'ignore',
      },
    );
    await waitForFile(simEnd, 5000);
    await waitForFile(hostEnd, 5000);
    simulator = runTs(SIMULATOR_MAIN, ['--port', simEnd, '--baud', '115200', '--control', '127.0.0.1:0'], {
      SIK_LOG_LEVEL: 'warn',
    });
    simulator.stderr?.on('data', (chunk: Buffer) => {
      simulatorLog += chunk.toString();
    });
    const child = simulator;
    const ready = await new Promise<{ ready: boolean; controlUrl: string; controlPort: number }>(
      (resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`simulator not ready:\n${simulatorLog}`)), 20_000);
        child.once('exit', (code) => reject(new Error(`simulator exited with ${code}:\n${simulatorLog}`)));
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        });
      },
    );
    expect(ready.ready).toBe(true);
    expect(ready.controlUrl).toBe(`http://127.0.0.1:${ready.controlPort}`);
    control = httpControl(ready.controlUrl);
  });

  afterAll(async () => {
    await stopChild(simulator);
    await stopChild(socat);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the driver reads, notices removal, reports a SAM fault and recovers, over SerialTransport', async () => {
    const reader = createIdCardDriver(new SerialTransport({ path: hostEnd, baudRate: 115200 }), {
      pollIntervalMs: 30,
      commandTimeoutMs: 1000,
      logger: quietLogger(),
    });
    await reader.start();
    try {
      expect(reader.status.device).toBe('online');
      const read = waitForEvent(reader, 'cardRead', 5000);
      await control.placeCard(SAMPLE_CARDS.foreignPermanent2023);
      expect((await read).identity).toEqual(SAMPLE_CARDS.foreignPermanent2023);
      expect(await control.state()).toEqual({ cardOnReader: true, fault: 'none' });

      const removed = waitForEvent(reader, 'cardRemoved', 5000);
      await control.liftCard();
      await removed;

      await control.setFault('samNotAuthorised');
      const broken = await waitForStatus(reader, (s) => s.device === 'hardwareError', 5000);
      expect(broken.detail).toContain('SAM not authorised');
      await control.setFault('none');
      await waitForStatus(reader, (s) => s.device === 'online', 5000);
    } finally {
      await reader.stop();
    }
  });

  it('the simulator process "unplugged" mid-frame: the driver goes offline, then recovers', async () => {
    // On a pty the simulator can only close its end: the host hears silence, not a disconnect.
    const reader = createIdCardDriver(new SerialTransport({ path: hostEnd, baudRate: 115200 }), {
      pollIntervalMs: 30,
      commandTimeoutMs: 200,
      reconnectMs: { initial: 50, max: 200 },
      logger: quietLogger(),
    });
    await reader.start();
    try {
      await control.setFault('unplugMidFrame');
      const offline = await waitForStatus(reader, (s) => s.device === 'offline', 5000);
      expect(offline.detail).toMatch(/no reply|no valid reply/);
      await control.setFault('none');
      await waitForStatus(reader, (s) => s.device === 'online', 5000);
      const read = waitForEvent(reader, 'cardRead', 5000);
      await control.placeCard(SAMPLE_CARDS.residentDated);
      expect((await read).identity).toEqual(SAMPLE_CARDS.residentDated);
      await control.liftCard();
    } finally {
      await reader.stop();
    }
  });

  it('SerialTransport reports a line that vanishes (socat killed) through onDisconnect', async () => {
    const a = join(dir, 'gone-a');
    const b = join(dir, 'gone-b');
    const pair = spawn(socatPath, [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: 'ignore',
    });
    await waitForFile(a, 5000);
    await waitForFile(b, 5000);
    const left = new SerialTransport({ path: a, baudRate: 115200 });
    const right = new SerialTransport({ path: b, baudRate: 115200 });
    await left.open();
    await right.open();
    const received: number[] = [];
    right.onData((chunk) => received.push(...chunk));
    await left.write(Uint8Array.of(0xaa, 0x96, 0x69));
    const deadline = Date.now() + 2000;
    while (received.length < 3 && Date.now() < deadline) await delay(10);
    expect(received).toEqual([0xaa, 0x96, 0x69]);
    const lost = new Promise<string>((resolve) => right.onDisconnect(resolve));
    await stopChild(pair);
    expect(await lost).toContain('disconnected');
    expect(right.isOpen).toBe(false);
    await expect(right.write(Uint8Array.of(1))).rejects.toMatchObject({
      name: 'TransportError',
      code: 'notOpen',
    });
    await left.close();
  });

  it('probe idcard prints the identity as JSON and exits 0; run again on the same card, exits 2', async () => {
    await control.placeCard(SAMPLE_CARDS.hkMacaoTaiwan);
    const { code, stdout, stderr } = await runCli(['probe', 'idcard', '--port', hostEnd, '--timeout', '5']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    expect(printed).toEqual({ ...SAMPLE_CARDS.hkMacaoTaiwan, photoBytes: 1024 });
    expect(printed).not.toHaveProperty('photo');

    // Nobody lifted the card: like a real reader, the simulator refuses to select it again.
    const again = await runCli(['probe', 'idcard', '--port', hostEnd, '--timeout', '5']);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim().split('\n'), again.stderr).toHaveLength(1);
    expect(again.stderr).toContain('lift the card and place it again');
    await control.liftCard();
  });

  it('probe idcard exits 2 with one line on stderr when no card comes', async () => {
    await control.liftCard();
    const { code, stdout, stderr } = await runCli(['probe', 'idcard', '--port', hostEnd, '--timeout', '1']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('timeout (noCard)');
  });

  it('probe idcard exits 3 when the reader reports a fault', async () => {
    await control.setFault('samSelfTestFailed');
    try {
      const { code, stderr } = await runCli(['probe', 'idcard', '--port', hostEnd, '--timeout', '2']);
      expect(code).toBe(3);
      expect(stderr).toContain('SAM self-test failed');
    } finally {
      await control.setFault('none');
    }
  });
});
