/**
 * The card printer's line goes away (a USB printer unplugged or power-cycled) and comes back: the in-memory pair's
 * unplug()/plug() play the cable; the simulator's end is opened again when plugged, as a printer powering up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CardPrinter } from './card-printer.ts';
import { createCardPrinterDriver } from './driver.ts';
import { createInProcessSimulator, type InProcessCardPrinterSimulator } from './factory.ts';
import type { CardPrinterSimulatorTiming } from './simulator.ts';
import { fakePng, quietLogger, waitForStatus } from './testing.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(timing: Partial<CardPrinterSimulatorTiming> = {}): Promise<{
  printer: CardPrinter;
  sim: InProcessCardPrinterSimulator;
  /** When the driver tried to open its end, in ms since setup. */
  opens: number[];
}> {
  const sim = createInProcessSimulator({
    line: { byteMicros: 0 },
    simulator: { blanks: ['SSC01', 'SSC02'], timing, logger: quietLogger() },
  });
  await sim.simulator.start();
  const startedAt = performance.now();
  const opens: number[] = [];
  const open = sim.pair.a.open.bind(sim.pair.a);
  sim.pair.a.open = () => {
    opens.push(performance.now() - startedAt);
    return open();
  };
  const printer = createCardPrinterDriver(sim.pair.a, {
    pollIntervalMs: 20,
    timeoutsMs: { quick: 1000, move: 2000, print: 5000 },
    takePollMs: 5,
    reconnectMs: { initial: 20, max: 80 },
    logger: quietLogger(),
  });
  await printer.start();
  cleanups.push(async () => {
    await printer.stop();
    await sim.simulator.stop().catch(() => undefined);
  });
  return { printer, sim, opens };
}

/** The printer powers up again: the cable is back and its end of the line opens. */
async function plugBackIn(sim: InProcessCardPrinterSimulator): Promise<void> {
  sim.pair.plug();
  await sim.pair.b.open();
}

describe('card printer driver: line lost and back', () => {
  it('unplugged while idle: noDevice, operations refused, reopened with backoff, online by itself', async () => {
    const { printer, sim, opens } = await setup();
    expect(printer.status.device).toBe('online');
    sim.pair.unplug('USB cable pulled');
    const lost = await waitForStatus(printer, (s) => s.device === 'noDevice');
    expect(lost).toMatchObject({ card: 'unknown', feeder: 'unknown', detail: 'line lost: USB cable pulled' });

    // Refused at once, nothing sent: the status says why.
    const started = performance.now();
    expect(await printer.pickToContact()).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
    expect(await printer.printImage(fakePng('x'))).toMatchObject({ errorCode: 'noDevice' });
    await expect(printer.refreshStatus()).rejects.toMatchObject({
      name: 'CardPrinterError',
      code: 'noDevice',
    });
    expect(performance.now() - started).toBeLessThan(200);

    // Reopening keeps failing while unplugged, each wait longer than the last up to the cap.
    const opensBefore = opens.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const attempts = opens.slice(opensBefore);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    // 20, 40, 80, 80, ... ms: without a backoff a 20 ms retry would have tried about 25 times.
    expect(attempts.length).toBeLessThanOrEqual(12);
    expect(printer.status).toMatchObject({ device: 'noDevice', detail: 'memory:a: unplugged' });

    await plugBackIn(sim);
    await waitForStatus(printer, (s) => s.device === 'online' && s.card === 'none');
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await sim.control.cardAtContact()).toEqual({ serial: 'SSC01' });
  });

  it('unplugged during a print: the print fails at once with noDevice; back, the card is still inside', async () => {
    const { printer, sim } = await setup({ printMs: 1000 });
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    const printing = printer.printImage(fakePng('face'));
    await waitForStatus(printer, (s) => s.device === 'busy');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pulled = performance.now();
    sim.pair.unplug('printer switched off');
    const result = await printing;
    // Not the 5 s print timeout, nor the 1 s print.
    expect(performance.now() - pulled).toBeLessThan(500);
    expect(result).toMatchObject({ completion: 'hardwareError', errorCode: 'noDevice' });
    expect(printer.status).toMatchObject({ device: 'noDevice', card: 'unknown' });

    // The simulator, unlike a printer switched off, finishes the print and answers it: let that pass first.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await plugBackIn(sim);
    const back = await waitForStatus(printer, (s) => s.device === 'online', 5000);
    // The printer kept its card: the driver learns where it is from the status, not from memory.
    expect(back.card).not.toBe('none');
    expect(back.card).not.toBe('unknown');
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
    expect((await sim.control.state()).rejectBox).toEqual(['SSC01']);
  });

  it('starts with the printer absent: noDevice until it appears', async () => {
    const sim = createInProcessSimulator({
      line: { byteMicros: 0 },
      simulator: { blanks: ['SSC01'], logger: quietLogger() },
    });
    sim.pair.unplug();
    const printer = createCardPrinterDriver(sim.pair.a, {
      pollIntervalMs: 20,
      timeoutsMs: { quick: 1000, move: 2000, print: 2000 },
      reconnectMs: { initial: 20, max: 80 },
      logger: quietLogger(),
    });
    await printer.start();
    cleanups.push(async () => {
      await printer.stop();
      await sim.simulator.stop().catch(() => undefined);
    });
    expect(printer.status).toMatchObject({ device: 'noDevice', detail: 'memory:a: unplugged' });
    expect(await printer.eject()).toMatchObject({ completion: 'deviceNotReady', errorCode: 'noDevice' });
    sim.pair.plug();
    await sim.simulator.start();
    await waitForStatus(printer, (s) => s.device === 'online' && s.card === 'none');
  });
});
