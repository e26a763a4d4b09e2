/**
 * The A4 printer driver against a real IPP printer: Debian's ippeveprinter (cups-ipp-utils), started by the test
 * on free ports with a spool folder that keeps every job (-k). Three printers: one that prints (its print
 * command succeeds at once), one whose print command fails (jobs are aborted), one whose print command takes
 * two seconds (for timeout and Cancel-Job).
 *
 * ippeveprinter registers itself over DNS-SD (Avahi on the D-Bus system bus) and gives up without a bus; with
 * `-r off` it registers nothing, but it still needs a bus to connect to. Where the machine has no system bus,
 * the test starts a private dbus-daemon and points DBUS_SYSTEM_BUS_ADDRESS at it, for ippeveprinter only.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpIppTransport } from '../../transport/ipp.ts';
import { stopChild } from '../../transport/pty-testing.ts';
import type { A4Printer } from './a4-printer.ts';
import { createA4PrinterDriver } from './driver.ts';
import {
  DBUS_DAEMON,
  freePort,
  IPPEVEPRINTER,
  OPTIONS,
  type RealPrinter,
  SKIP_REASON,
  SYSTEM_BUS,
  startIppEvePrinter,
  startPrivateBus,
} from './ippeveprinter.ts';
import { decodeMessage, encodeMessage } from './protocol/ipp.ts';
import { getJobAttributes, readJobDescription } from './protocol/requests.ts';
import { delay, minimalPdf, quietLogger } from './testing.ts';

describe('A4 printer driver against a real IPP printer (ippeveprinter)', () => {
  if (SKIP_REASON || !IPPEVEPRINTER) {
    if (process.env.CI) {
      it('has ippeveprinter (required in CI)', () => {
        throw new Error(`required when CI is set: ${SKIP_REASON}`);
      });
    } else {
      it.skip(SKIP_REASON ?? 'skipped', () => undefined);
    }
    return;
  }
  const binary = IPPEVEPRINTER;
  const dir = mkdtempSync(join(tmpdir(), 'sik-ipp-'));
  const children: ChildProcess[] = [];
  let good: RealPrinter;
  let failing: RealPrinter;
  let slow: RealPrinter;
  const drivers: A4Printer[] = [];

  function script(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  async function driverFor(printer: RealPrinter, timeoutMs = 3000): Promise<A4Printer> {
    const driver = createA4PrinterDriver(new HttpIppTransport({ uri: printer.uri, timeoutMs }), {
      ...OPTIONS,
      logger: quietLogger(),
    });
    drivers.push(driver);
    await driver.start();
    return driver;
  }

  beforeAll(async () => {
    let busAddress: string | null = null;
    if (!SYSTEM_BUS && DBUS_DAEMON) {
      const bus = await startPrivateBus(dir, DBUS_DAEMON);
      children.push(bus.child);
      busAddress = bus.address;
    }
    const ok = script('print-ok.sh', 'exit 0');
    // Like a CUPS filter, it reports the printer's state on stderr before failing.
    const fail = script('print-fail.sh', 'echo "STATE: +media-empty-error" >&2\nexit 1');
    const sleepy = script('print-slow.sh', 'sleep 2\nexit 0');
    [good, failing, slow] = await Promise.all([
      startIppEvePrinter(binary, dir, 'good', ok, busAddress),
      startIppEvePrinter(binary, dir, 'failing', fail, busAddress),
      startIppEvePrinter(binary, dir, 'slow', sleepy, busAddress),
    ]);
    children.push(good.child, failing.child, slow.child);
  }, 30_000);

  afterAll(async () => {
    for (const driver of drivers) await driver.stop();
    // Printers first, their bus last.
    for (const child of children.slice().reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a hand-written PDF: success with the job id once completed, and the spooled file holds the same bytes', async () => {
    const printer = await driverFor(good);
    expect(printer.status).toMatchObject({ device: 'online', media: 'ok' });
    const pdf = minimalPdf('ippeveprinter');
    const result = await printer.printPdf({ pdf, jobName: 'rights record', copies: 2 });
    expect(result).toMatchObject({ completion: 'success' });
    if (result.completion !== 'success') return;
    const spooled = readdirSync(good.spool).filter(
      (file) => file.startsWith(`${result.jobId}-`) && file.endsWith('.pdf'),
    );
    expect(spooled, good.log()).toHaveLength(1);
    const bytes = readFileSync(join(good.spool, spooled[0] ?? ''));
    expect(bytes.equals(Buffer.from(pdf))).toBe(true);
  });

  it('a job the printer aborts: hardwareError / jobAborted with the job id; the printer reasons are read', async () => {
    const printer = await driverFor(failing);
    const result = await printer.printPdf({ pdf: minimalPdf(), jobName: 'aborted' });
    expect(result).toMatchObject({
      completion: 'hardwareError',
      errorCode: 'jobAborted',
      jobId: expect.any(Number),
    });
    // ippeveprinter reports the command's STATE message; idle, it says so with a -report suffix (no refusal).
    expect(printer.status.reasons).toContain('media-empty-report');
  });

  it('a job slower than the timeout: timeout, and Cancel-Job leaves it canceled on the printer', async () => {
    const printer = await driverFor(slow);
    const started = performance.now();
    const result = await printer.printPdf({ pdf: minimalPdf(), jobName: 'slow', timeoutMs: 400 });
    expect(result).toMatchObject({ completion: 'timeout', jobId: expect.any(Number) });
    expect(performance.now() - started).toBeLessThan(3000);
    const jobId = result.completion === 'timeout' ? (result.jobId ?? 0) : 0;
    const transport = new HttpIppTransport({ uri: slow.uri, timeoutMs: 2000 });
    const request = getJobAttributes(
      99,
      { printerUri: transport.printerUri, requestingUserName: 'test' },
      jobId,
    );
    const ask = async () =>
      readJobDescription(decodeMessage(await transport.request(encodeMessage(request))));
    // Canceled at once, or (RFC 8011 5.3.8) still processing on its way to a stop point, then canceled.
    const first = await ask();
    expect(first.state === 'canceled' || first.reasons.includes('processing-to-stop-point')).toBe(true);
    let state = first.state;
    for (let i = 0; i < 40 && state !== 'canceled'; i++) {
      await delay(100);
      state = (await ask()).state;
    }
    expect(state, slow.log()).toBe('canceled');
  });

  it('an unreachable printer: deviceNotReady / noDevice, quickly', async () => {
    const port = await freePort();
    const printer = createA4PrinterDriver(
      new HttpIppTransport({ uri: `ipp://127.0.0.1:${port}/ipp/print`, timeoutMs: 3000 }),
      {
        ...OPTIONS,
        logger: quietLogger(),
      },
    );
    drivers.push(printer);
    const started = performance.now();
    await printer.start();
    expect(printer.status.device).toBe('noDevice');
    expect(await printer.printPdf({ pdf: minimalPdf(), jobName: 'nowhere' })).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
