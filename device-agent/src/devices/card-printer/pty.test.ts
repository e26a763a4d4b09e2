/**
 * The card printer simulator as its own process on a real pseudo-terminal pair (socat), the driver over
 * SerialTransport on the other end, the simulator driven and inspected through its HTTP control channel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startProcess, startPtyPair } from '../../../../tests/support/processes.ts';
import { findExecutable } from '../../transport/pty-testing.ts';
import { SerialTransport } from '../../transport/serial.ts';
import type { CardPrinter } from './card-printer.ts';
import { createCardPrinterDriver } from './driver.ts';
import { type CardPrinterSimulatorControl, httpControl } from './simulator-control.ts';
import { fakePng, quietLogger, waitForStatus } from './testing.ts';

const SKIP_REASON = 'socat not found on PATH (apt-get install socat): pseudo-terminal tests skipped';

describe('card printer over a real pseudo-terminal', () => {
  if (!findExecutable('socat')) {
    if (process.env.CI) {
      it('has socat (required in CI)', () => {
        throw new Error(`socat is required when CI is set: ${SKIP_REASON}`);
      });
    } else {
      it.skip(SKIP_REASON, () => undefined);
    }
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sik-card-printer-pty-'));
  let pty: Awaited<ReturnType<typeof startPtyPair>> | undefined;
  let simulator: Started | undefined;
  let control: CardPrinterSimulatorControl;
  let printer: CardPrinter;

  beforeAll(async () => {
    pty = await startPtyPair(dir);
    simulator = await startProcess(
      join(import.meta.dirname, 'simulator-main.ts'),
      ['--port', pty.a, '--timing', 'instant', '--blanks', '3', '--first-serial', '5AC0000000000041'],
      { SIK_LOG_LEVEL: 'warn' },
      30_000,
    );
    control = httpControl(simulator.ready.controlUrl as string);
    printer = createCardPrinterDriver(new SerialTransport({ path: pty.b, baudRate: 115200 }), {
      pollIntervalMs: 50,
      // Generous: other test files load the machine while this one runs.
      timeoutsMs: { quick: 2000, move: 5000, print: 10_000 },
      takePollMs: 20,
      logger: quietLogger(),
    });
    await printer.start();
  });

  afterAll(async () => {
    await printer?.stop();
    await simulator?.stop();
    await pty?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('picks a blank whose serial the control channel tells, prints it, presents it', async () => {
    expect(printer.status).toMatchObject({ device: 'online', card: 'none', feeder: 'low' });
    await control.setFault('cardNotTaken');
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await control.cardAtContact()).toEqual({ serial: '5AC0000000000041' });
    const face = fakePng('pty face');
    expect(await printer.printImage(face)).toMatchObject({ completion: 'success' });
    expect(await printer.eject()).toMatchObject({ completion: 'success' });
    expect(await printer.waitForCardTaken({ timeoutMs: 100 })).toMatchObject({ errorCode: 'cardNotTaken' });
    expect(await control.takeCard()).toEqual({ taken: true });
    expect(await printer.waitForCardTaken({ timeoutMs: 2000 })).toMatchObject({ completion: 'success' });
    const printed = await control.printed();
    expect(printed.map((p) => p.serial)).toEqual(['5AC0000000000041']);
    expect(Buffer.from(printed[0]?.pngBase64 ?? '', 'base64')).toEqual(Buffer.from(face));
    await control.clearPrinted();
    await control.setFault('none');
  });

  it('jamOnce while printing: reject, then the next blank', async () => {
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    await control.setFault('jamOnce');
    expect(await printer.printImage(fakePng('x'))).toMatchObject({ errorCode: 'mediaJam' });
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
    expect((await control.state()).rejectBox).toEqual(['5AC0000000000042']);
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await control.cardAtContact()).toEqual({ serial: '5AC0000000000043' });
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
  });

  it('feeder empty and cover open show in the status', async () => {
    await waitForStatus(printer, (s) => s.feeder === 'empty', 5000);
    expect(await printer.pickToContact()).toMatchObject({ errorCode: 'feederEmpty' });
    await control.loadBlanks(['5AC0000000000099']);
    await control.setFault('coverOpen');
    await waitForStatus(printer, (s) => s.cover === 'open' && s.feeder !== 'empty', 5000);
    await control.setFault('none');
    await waitForStatus(printer, (s) => s.device === 'online', 5000);
  });

  it('the control channel refuses an unknown fault and bad serials', async () => {
    await expect(control.setFault('onFire' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(control.loadBlanks(['bad serial'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('card printer over a real pseudo-terminal: unplugged and plugged back', () => {
  if (!findExecutable('socat')) {
    it.skip(SKIP_REASON, () => undefined);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sik-card-printer-unplug-'));
  const start = async (firstSerial: string) => {
    const pty = await startPtyPair(dir);
    const simulator = await startProcess(
      join(import.meta.dirname, 'simulator-main.ts'),
      ['--port', pty.a, '--timing', 'instant', '--blanks', '2', '--first-serial', firstSerial],
      { SIK_LOG_LEVEL: 'warn' },
      30_000,
    );
    return { pty, simulator };
  };
  let line: Awaited<ReturnType<typeof start>> | undefined;
  let printer: CardPrinter | undefined;

  afterAll(async () => {
    await printer?.stop();
    await line?.simulator.stop();
    await line?.pty.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the line vanishes (socat killed): noDevice, refused; a new line on the same path: online by itself', async () => {
    line = await start('5AC0000000000051');
    const { pty } = line;
    printer = createCardPrinterDriver(new SerialTransport({ path: pty.b, baudRate: 115200 }), {
      pollIntervalMs: 50,
      timeoutsMs: { quick: 2000, move: 5000, print: 10_000 },
      takePollMs: 20,
      reconnectMs: { initial: 50, max: 200 },
      logger: quietLogger(),
    });
    await printer.start();
    expect(printer.status).toMatchObject({ device: 'online', card: 'none' });

    // The USB cable is pulled: the device node goes away, and with it the printer's end.
    await line.pty.stop();
    await line.simulator.stop();
    line = undefined;
    const lost = await waitForStatus(printer, (s) => s.device === 'noDevice', 5000);
    expect(lost.card).toBe('unknown');
    expect(await printer.pickToContact()).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
    // Reopening fails while the path is gone; the status stays noDevice.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(printer.status.device).toBe('noDevice');

    // Plugged back in (a power-cycled printer: a fresh simulator process behind a new line, same path).
    line = await start('5AC0000000000061');
    await waitForStatus(printer, (s) => s.device === 'online' && s.card === 'none', 10_000);
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    const control = httpControl(line.simulator.ready.controlUrl as string);
    expect(await control.cardAtContact()).toEqual({ serial: '5AC0000000000061' });
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
  });
});
