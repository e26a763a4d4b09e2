import { afterEach, describe, expect, it } from 'vitest';
import type { A4Printer } from '../devices/a4-printer/a4-printer.ts';
import { createPinPadDriver } from '../devices/pinpad/driver.ts';
import { createInProcessSimulator, type InProcessPinPadSimulator } from '../devices/pinpad/factory.ts';
import type { PinPad } from '../devices/pinpad/pinpad.ts';
import { INSTANT_TIMING } from '../devices/pinpad/simulator.ts';
import { capturingLogger, quietLogger } from '../devices/pinpad/testing.ts';
import type { ReceiptPrinter } from '../devices/receipt-printer/receipt-printer.ts';
import { peripheralsFromDevices } from './peripherals-from-devices.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(logger = quietLogger()): Promise<{ sim: InProcessPinPadSimulator; pinpad: PinPad }> {
  const sim = createInProcessSimulator({
    line: { byteMicros: 0 },
    simulator: { timing: INSTANT_TIMING, logger: quietLogger() },
  });
  await sim.simulator.start();
  const pinpad = createPinPadDriver(sim.pair.a, { pollIntervalMs: 50, commandTimeoutMs: 500, logger });
  await pinpad.start();
  cleanups.push(async () => {
    await pinpad.stop();
    await sim.simulator.stop();
  });
  return { sim, pinpad };
}

const peripherals = (pinpad: PinPad) =>
  peripheralsFromDevices({
    pinpad,
    receiptPrinter: {} as ReceiptPrinter,
    a4Printer: {} as A4Printer,
  });

/** Resolves once the entry is under way on the pad (its first key count, 0, was heard). */
const started = (counts: number[]) => expect.poll(() => counts.length, { timeout: 2000 }).toBeGreaterThan(0);

describe('enterCardPin: the social security card PIN in clear, for the card to verify', () => {
  it('returns the digits typed on the pad; onKeys hears only counts', async () => {
    const { sim, pinpad } = await setup();
    const counts: number[] = [];
    const outcome = peripherals(pinpad).enterCardPin(
      { pinLength: 6, timeoutMs: 3000 },
      (n) => counts.push(n),
      new AbortController().signal,
    );
    await started(counts);
    await sim.control.press('246813E');
    expect(await outcome).toEqual({ ok: true, pin: '246813' });
    expect(counts).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('cancel, timeout and abort become outcomes in the citizen words, with no digit in them', async () => {
    const log = capturingLogger();
    const { sim, pinpad } = await setup(log.logger);
    const counts: number[] = [];
    const p = peripherals(pinpad);
    const canceled = p.enterCardPin(
      { pinLength: 6, timeoutMs: 3000 },
      (n) => counts.push(n),
      new AbortController().signal,
    );
    await started(counts);
    await sim.control.press('97C');
    expect(await canceled).toEqual({ ok: false, reason: 'canceled', message: '您已取消输入密码' });
    const timedOut = await p.enterCardPin(
      { pinLength: 6, timeoutMs: 50 },
      () => undefined,
      new AbortController().signal,
    );
    expect(timedOut).toMatchObject({ ok: false, reason: 'timeout', message: '输入密码超时' });
    const abort = new AbortController();
    counts.length = 0;
    const aborted = p.enterCardPin({ pinLength: 6, timeoutMs: 3000 }, (n) => counts.push(n), abort.signal);
    await started(counts);
    await sim.control.press('9');
    abort.abort();
    expect(await aborted).toMatchObject({ ok: false, reason: 'canceled' });
    const logged = log.lines.map((line) => {
      const { time: _t, pid: _p, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    expect(logged.length).toBeGreaterThan(2);
    expect(logged.join('\n')).not.toMatch(/[79]/);
  });
});
