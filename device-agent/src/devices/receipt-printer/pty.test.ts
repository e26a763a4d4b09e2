/**
 * The receipt printer simulator as its own process on a real pseudo-terminal (socat), the driver over
 * SerialTransport on the other end, the printed receipts read back through GET /receipts.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findExecutable,
  type SimulatorProcess,
  startPtyPair,
  startSimulatorProcess,
  stopChild,
} from '../../transport/pty-testing.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { createReceiptPrinterDriver } from './driver.ts';
import { SAMPLE_RECEIPT, SAMPLE_RECEIPT_TEXT } from './protocol/fixtures.ts';
import type { ReceiptPrinter } from './receipt-printer.ts';
import { httpControl, type ReceiptPrinterSimulatorControl } from './simulator-control.ts';
import { quietLogger, waitForStatus } from './testing.ts';

const SIMULATOR_MAIN = 'device-agent/src/devices/receipt-printer/simulator-main.ts';
const SOCAT = findExecutable('socat');
const SKIP_REASON = 'socat not found on PATH (apt-get install socat): pseudo-terminal tests skipped';

describe('receipt printer over a real pseudo-terminal', () => {
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
  const dir = mkdtempSync(join(tmpdir(), 'sik-receipt-pty-'));
  const simEnd = join(dir, 'printer');
  const hostEnd = join(dir, 'host');
  let socat: ChildProcess | undefined;
  let simulator: SimulatorProcess | undefined;
  let control: ReceiptPrinterSimulatorControl;
  let printer: ReceiptPrinter;

  beforeAll(async () => {
    socat = await startPtyPair(socatPath, simEnd, hostEnd);
    simulator = await startSimulatorProcess(SIMULATOR_MAIN, ['--port', simEnd, '--baud', '115200']);
    control = httpControl(simulator.ready.controlUrl);
    printer = createReceiptPrinterDriver(new SerialTransport({ path: hostEnd, baudRate: 115200 }), {
      pollIntervalMs: 50,
      // Generous: other test files load the machine while this one runs.
      commandTimeoutMs: 1000,
      reconnectMs: { initial: 50, max: 200 },
      logger: quietLogger(),
    });
    await printer.start();
  });

  afterAll(async () => {
    await printer?.stop();
    await stopChild(simulator?.child);
    await stopChild(socat);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints, and GET /receipts returns what the paper shows', async () => {
    expect(printer.status).toEqual({ device: 'online', media: 'ok', detail: null });
    expect(await printer.printReceipt(SAMPLE_RECEIPT)).toEqual({ completion: 'success', warnings: [] });
    const receipts = await control.receipts();
    expect(receipts.map((r) => r.text)).toEqual([SAMPLE_RECEIPT_TEXT]);
    await control.clearReceipts();
    expect(await control.receipts()).toEqual([]);
  });

  it('POST /fault paperOut: refused with userError / paperOut; cleared, prints again', async () => {
    await control.setFault('paperOut');
    await waitForStatus(printer, (s) => s.media === 'out', 5000);
    expect(await printer.printReceipt(SAMPLE_RECEIPT)).toMatchObject({
      completion: 'userError',
      errorCode: 'paperOut',
    });
    await control.setFault('none');
    await waitForStatus(printer, (s) => s.device === 'online', 5000);
    expect((await printer.printReceipt(SAMPLE_RECEIPT)).completion).toBe('success');
    expect(await control.state()).toMatchObject({ receiptsPrinted: 1, fault: 'none', paper: 'ok' });
    await control.clearReceipts();
  });

  it('unplugged (the simulator closes its end): offline by silence, then back', async () => {
    await control.setFault('unplugged');
    const offline = await waitForStatus(
      printer,
      (s) => s.device === 'offline' && s.media === 'unknown',
      5000,
    );
    expect(offline.detail).toMatch(/no answer/);
    expect(await printer.printReceipt(SAMPLE_RECEIPT)).toMatchObject({ completion: 'deviceNotReady' });
    await control.setFault('none');
    await waitForStatus(printer, (s) => s.device === 'online', 5000);
  });

  it('the control channel refuses an unknown fault', async () => {
    await expect(control.setFault('onFire' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
