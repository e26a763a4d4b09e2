/**
 * Debian's ippeveprinter (cups-ipp-utils) as a real IPP printer for tests: started on a free port with a spool
 * folder that keeps every job (-k). It registers itself over DNS-SD (Avahi on the D-Bus system bus) and gives up
 * without a bus; with `-r off` it registers nothing but still needs a bus to connect to, so where the machine
 * has no system bus a private dbus-daemon is started and DBUS_SYSTEM_BUS_ADDRESS pointed at it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { HttpIppTransport } from '../../transport/ipp.ts';
import { findExecutable } from '../../transport/pty-testing.ts';
import { type A4PrinterDriverOptions, createA4PrinterDriver } from './driver.ts';
import { delay, quietLogger } from './testing.ts';

export const IPPEVEPRINTER =
  findExecutable('ippeveprinter') ??
  (existsSync('/usr/sbin/ippeveprinter') ? '/usr/sbin/ippeveprinter' : null);
export const DBUS_DAEMON = findExecutable('dbus-daemon');
export const SYSTEM_BUS =
  process.env.DBUS_SYSTEM_BUS_ADDRESS ?? (existsSync('/run/dbus/system_bus_socket') ? 'system' : null);
export const SKIP_REASON = !IPPEVEPRINTER
  ? 'ippeveprinter not found (apt-get install cups-ipp-utils): real IPP printer tests skipped'
  : !SYSTEM_BUS && !DBUS_DAEMON
    ? 'no D-Bus system bus and no dbus-daemon to start one: ippeveprinter cannot run, tests skipped'
    : null;

export const OPTIONS: A4PrinterDriverOptions = { pollIntervalMs: 60_000, jobPollMs: 50, jobTimeoutMs: 8000 };

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** A private bus for ippeveprinter's Avahi client; resolves with its address. */
export async function startPrivateBus(
  dir: string,
  dbusDaemon: string,
): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(
    dbusDaemon,
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dbus-daemon did not start')), 5000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  return { child, address };
}

export interface RealPrinter {
  child: ChildProcess;
  uri: string;
  spool: string;
  log(): string;
}

export async function startIppEvePrinter(
  binary: string,
  dir: string,
  name: string,
  command: string,
  busAddress: string | null,
): Promise<RealPrinter> {
  const port = await freePort();
  const spool = join(dir, `${name}-spool`);
  mkdirSync(spool);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (busAddress) env.DBUS_SYSTEM_BUS_ADDRESS = busAddress;
  // -n localhost: with 127.0.0.1 as its host name it fails to set up its IPv6 listener and exits.
  const child = spawn(
    binary,
    [
      '-k',
      '-d',
      spool,
      '-c',
      command,
      '-f',
      'application/pdf',
      '-p',
      String(port),
      '-n',
      'localhost',
      '-r',
      'off',
      name,
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const uri = `ipp://127.0.0.1:${port}/ipp/print`;
  // Ready when it answers Get-Printer-Attributes.
  const probe = createA4PrinterDriver(new HttpIppTransport({ uri, timeoutMs: 500 }), {
    ...OPTIONS,
    logger: quietLogger(),
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    await probe.start();
    const up = probe.status.device !== 'noDevice';
    await probe.stop();
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`ippeveprinter ${name} did not start:\n${log}`);
    await delay(100);
  }
  return { child, uri, spool, log: () => log };
}

/**
 * One ready printer whose print command succeeds at once, with the private bus it may need; `stop` ends both.
 * For end-to-end tests that only need "a real IPP printer that keeps what it printed".
 */
export async function startPrintingIppPrinter(
  dir: string,
  name = 'kiosk-a4',
): Promise<RealPrinter & { stop(): Promise<void> }> {
  if (SKIP_REASON || !IPPEVEPRINTER) throw new Error(SKIP_REASON ?? 'ippeveprinter not found');
  let bus: { child: ChildProcess; address: string } | null = null;
  if (!SYSTEM_BUS && DBUS_DAEMON) bus = await startPrivateBus(dir, DBUS_DAEMON);
  const printer = await startIppEvePrinter(IPPEVEPRINTER, dir, name, '/bin/true', bus?.address ?? null);
  return {
    ...printer,
    async stop() {
      for (const child of [printer.child, bus?.child]) {
        if (!child || child.exitCode !== null || child.signalCode !== null) continue;
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
}
