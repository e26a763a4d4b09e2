import { afterEach, describe, expect, it } from 'vitest';
import type { CardPrinter } from './card-printer.ts';
import { createCardPrinterDriver } from './driver.ts';
import { createInProcessSimulator } from './factory.ts';
import { CommandParser } from './protocol/stream.ts';
import type { CardPrinterSimulatorOptions } from './simulator.ts';
import type { CardPrinterSimulatorControl } from './simulator-control.ts';
import { fakePng, quietLogger, waitForStatus } from './testing.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(simulator: CardPrinterSimulatorOptions = {}): Promise<{
  printer: CardPrinter;
  control: CardPrinterSimulatorControl;
  /** The command texts the printer received, in order (print jobs as "Pdi;png;<length>"). */
  sent: string[];
}> {
  const sim = createInProcessSimulator({
    line: { byteMicros: 0 },
    simulator: { blanks: ['SSC01', 'SSC02', 'SSC03'], logger: quietLogger(), ...simulator },
  });
  await sim.simulator.start();
  const sent: string[] = [];
  const tap = new CommandParser();
  sim.pair.b.onData((chunk) => {
    for (const input of tap.push(chunk))
      sent.push(input.type === 'printJob' ? `Pdi;${input.format};${input.data.length}` : input.text);
  });
  const printer = createCardPrinterDriver(sim.pair.a, {
    pollIntervalMs: 20,
    timeoutsMs: { quick: 1000, move: 2000, print: 2000 },
    takePollMs: 5,
    ribbonLowAt: 3,
    logger: quietLogger(),
  });
  await printer.start();
  cleanups.push(async () => {
    await printer.stop();
    await sim.simulator.stop();
  });
  return { printer, control: sim.control, sent };
}

const STATUS_READ = ['Rst;w', 'Rse;f', 'Rse;n', 'Rlr;h', 'Rrt;count', 'Rlr;p'];

const FACE = fakePng('card face 1');

describe('card printer driver with the simulator', () => {
  it('starts with the whole status read', async () => {
    const { printer } = await setup();
    expect(printer.status).toEqual({
      device: 'online',
      feeder: 'low',
      rejectBox: 'ok',
      ribbon: 'ok',
      ribbonPanels: 200,
      cover: 'closed',
      jam: false,
      card: 'none',
      detail: null,
    });
  });

  it('sends the command table in the documented order', async () => {
    const { printer, sent } = await setup({ timing: { takeMs: 60_000 } });
    expect(sent.slice(0, 7)).toEqual(['Pem;2', ...STATUS_READ]);
    await printer.stop();
    sent.length = 0;
    await printer.start();
    sent.length = 0;
    expect((await printer.pickToContact()).completion).toBe('success');
    expect((await printer.printImage(FACE)).completion).toBe('success');
    expect((await printer.eject()).completion).toBe('success');
    // No poll runs in between: each operation reads status, acts, reads status again.
    const withoutPolls = sent.join('|').replaceAll(STATUS_READ.join('|'), 'STATUS');
    expect(withoutPolls).toMatch(
      new RegExp(
        [
          'STATUS\\|Pcim;F\\|Sis\\|STATUS',
          `STATUS\\|Pneab;E\\|Pdi;png;${FACE.length}\\|STATUS`,
          'STATUS\\|Pcem;M\\|Se\\|STATUS',
        ].join('(\\|STATUS)*\\|'),
      ),
    );
  });

  it('issues a card: pick to contact, print, present, taken', async () => {
    const { printer, control } = await setup({ timing: { takeMs: 30 }, nearEmptyAt: 0 });
    expect(await printer.pickToContact()).toEqual({ completion: 'success', warnings: [] });
    expect(printer.status.card).toBe('contact');
    expect(await control.cardAtContact()).toEqual({ serial: 'SSC01' });
    expect((await printer.moveToPrint()).completion).toBe('success');
    expect(printer.status.card).toBe('print');
    expect(await printer.printImage(FACE)).toEqual({ completion: 'success', warnings: [] });
    expect(await printer.eject()).toEqual({ completion: 'success', warnings: [] });
    expect(printer.status.card).toBe('exit');
    expect(await printer.waitForCardTaken({ timeoutMs: 2000 })).toMatchObject({ completion: 'success' });
    expect(printer.status.card).toBe('none');
    const printed = await control.printed();
    expect(printed.map((p) => p.serial)).toEqual(['SSC01']);
    expect(Buffer.from(printed[0]?.pngBase64 ?? '', 'base64')).toEqual(Buffer.from(FACE));
    expect((await control.state()).taken).toEqual(['SSC01']);
  });

  it('warns when the feeder is nearly empty and the ribbon low', async () => {
    const { printer } = await setup({ nearEmptyAt: 5, ribbonPanels: 3 });
    expect(await printer.pickToContact()).toEqual({
      completion: 'success',
      warnings: ['feederNearEmpty', 'ribbonLow'],
    });
  });

  it('refuses an image that is not 1016x648 before any byte goes out', async () => {
    const { printer, control } = await setup();
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await printer.printImage(fakePng('x', 1016, 600))).toMatchObject({
      completion: 'invalidData',
      errorCode: 'invalidImage',
    });
    expect(await control.printed()).toEqual([]);
  });

  it('feeder empty: refused, status says so', async () => {
    const { printer, control } = await setup();
    await control.setFault('feederEmpty');
    await waitForStatus(printer, (s) => s.feeder === 'empty');
    expect(printer.status).toMatchObject({ device: 'offline', detail: 'feeder empty' });
    expect(await printer.pickToContact()).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'feederEmpty',
    });
    expect((await control.state()).card).toBeNull();
  });

  it('jam (persistent): status hardwareError, movements fail, reject too; cleared, works again', async () => {
    const { printer, control } = await setup();
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    await control.setFault('jam');
    await waitForStatus(printer, (s) => s.jam);
    expect(printer.status.device).toBe('hardwareError');
    expect(await printer.printImage(FACE)).toMatchObject({
      completion: 'hardwareError',
      errorCode: 'mediaJam',
    });
    expect(await printer.reject()).toMatchObject({ completion: 'hardwareError', errorCode: 'mediaJam' });
    await control.setFault('none');
    await waitForStatus(printer, (s) => !s.jam);
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
    expect((await control.state()).rejectBox).toEqual(['SSC01']);
  });

  it('jamOnce during printing: the card is rejected and a new blank prints (the retry the flow will do)', async () => {
    const { printer, control } = await setup({ timing: { takeMs: 60_000 } });
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    await control.setFault('jamOnce');
    expect(await printer.printImage(FACE)).toMatchObject({
      completion: 'hardwareError',
      errorCode: 'mediaJam',
    });
    expect(printer.status).toMatchObject({ jam: true, card: 'print' });
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
    expect(printer.status).toMatchObject({ jam: false, card: 'none', device: 'online' });
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await control.cardAtContact()).toEqual({ serial: 'SSC02' });
    expect(await printer.printImage(FACE)).toMatchObject({ completion: 'success' });
    expect(await printer.eject()).toMatchObject({ completion: 'success' });
    const state = await control.state();
    expect(state.rejectBox).toEqual(['SSC01']);
    expect(state.card).toMatchObject({ serial: 'SSC02', position: 'exit', printed: true });
    expect((await control.printed()).map((p) => p.serial)).toEqual(['SSC02']);
  });

  it('ribbon out: picking is refused (no blank wasted), and printing a card inside fails', async () => {
    const { printer, control } = await setup();
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    await control.setFault('ribbonOut');
    expect(await printer.printImage(FACE)).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'ribbonOut',
    });
    expect(printer.status).toMatchObject({ ribbon: 'out', ribbonPanels: 0, detail: 'ribbon out' });
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
    expect(await printer.pickToContact()).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'ribbonOut',
    });
    expect((await control.state()).feeder).toEqual(['SSC02', 'SSC03']);
  });

  it('reject box full: rejecting and picking are refused', async () => {
    const { printer, control } = await setup();
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    await control.setFault('rejectBoxFull');
    expect(await printer.reject()).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'rejectBoxFull',
    });
    expect(printer.status.rejectBox).toBe('full');
    expect((await control.state()).card).toMatchObject({ serial: 'SSC01', position: 'contact' });
  });

  it('a real reject box fills up', async () => {
    const { printer, control } = await setup({ rejectBoxCapacity: 1 });
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await printer.reject()).toMatchObject({ completion: 'success' });
    expect(printer.status.rejectBox).toBe('full');
    expect(await printer.pickToContact()).toMatchObject({ errorCode: 'rejectBoxFull' });
    expect(await control.emptyRejectBox()).toEqual({ serials: ['SSC01'] });
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
  });

  it('cover open: status offline, movements refused', async () => {
    const { printer, control } = await setup();
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    await control.setFault('coverOpen');
    await waitForStatus(printer, (s) => s.cover === 'open');
    expect(printer.status).toMatchObject({ device: 'offline', detail: 'cover open' });
    expect(await printer.moveToPrint()).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'coverOpen',
    });
    expect(await printer.eject()).toMatchObject({ errorCode: 'coverOpen' });
    await control.setFault('none');
    expect(await printer.eject()).toMatchObject({ completion: 'success' });
  });

  it('card not taken: waitForCardTaken times out; taken later, it succeeds', async () => {
    const { printer, control } = await setup();
    await control.setFault('cardNotTaken');
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await printer.eject()).toMatchObject({ completion: 'success' });
    expect(await printer.waitForCardTaken({ timeoutMs: 50 })).toMatchObject({
      completion: 'timeout',
      errorCode: 'cardNotTaken',
    });
    expect(printer.status).toMatchObject({ card: 'exit', detail: 'card waiting to be taken' });
    expect(await printer.pickToContact()).toMatchObject({ errorCode: 'mediaPresent' });
    expect(await control.takeCard()).toEqual({ taken: true });
    expect(await printer.waitForCardTaken({ timeoutMs: 1000 })).toMatchObject({ completion: 'success' });
  });

  it('operations without a card are refused with noMedia', async () => {
    const { printer } = await setup();
    expect(await printer.moveToPrint()).toMatchObject({ completion: 'deviceNotReady', errorCode: 'noMedia' });
    expect(await printer.printImage(FACE)).toMatchObject({ errorCode: 'noMedia' });
    expect(await printer.eject()).toMatchObject({ errorCode: 'noMedia' });
    expect(await printer.reject()).toMatchObject({ errorCode: 'noMedia' });
    // Nothing presented counts as taken.
    expect(await printer.waitForCardTaken({ timeoutMs: 10 })).toMatchObject({ completion: 'success' });
  });

  it('an aborted signal cancels before any card moves', async () => {
    const { printer, control } = await setup();
    const abort = new AbortController();
    abort.abort();
    expect(await printer.pickToContact(abort.signal)).toMatchObject({ completion: 'canceled' });
    expect((await control.state()).feeder).toHaveLength(3);
  });

  it('a silent printer: the command times out and status goes offline', async () => {
    const sim = createInProcessSimulator({ line: { byteMicros: 0 }, simulator: { logger: quietLogger() } });
    await sim.simulator.start();
    const printer = createCardPrinterDriver(sim.pair.a, {
      pollIntervalMs: 20,
      timeoutsMs: { quick: 100, move: 100, print: 100 },
      logger: quietLogger(),
    });
    await printer.start();
    cleanups.push(async () => {
      await printer.stop();
      await sim.simulator.stop().catch(() => undefined);
    });
    await sim.simulator.stop();
    await sim.pair.a.open().catch(() => undefined);
    const result = await printer.refreshStatus().catch((error: unknown) => error);
    expect(result).toMatchObject({ code: 'noDevice', completion: 'timeout' });
    expect(await printer.pickToContact()).toMatchObject({ completion: 'timeout', errorCode: 'noDevice' });
    await waitForStatus(printer, (s) => s.device === 'offline' && s.card === 'unknown');
  });
});

describe('card printer driver: back to the contact station, retract', () => {
  it('toContact brings a printed card back to the contact station (Sis)', async () => {
    const { printer, control, sent } = await setup();
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await printer.printImage(FACE)).toMatchObject({ completion: 'success' });
    expect(printer.status.card).toBe('print');
    sent.length = 0;
    expect(await printer.toContact()).toMatchObject({ completion: 'success' });
    expect(sent.filter((c) => !STATUS_READ.includes(c))).toEqual(['Sis']);
    expect(printer.status.card).toBe('contact');
    expect(await control.cardAtContact()).toEqual({ serial: 'SSC01' });
  });

  it('toContact refuses with no card inside, or with the card in the output slot', async () => {
    const { printer, control } = await setup();
    expect(await printer.toContact()).toMatchObject({ completion: 'deviceNotReady', errorCode: 'noMedia' });
    await control.setFault('cardNotTaken');
    await printer.pickToContact();
    await printer.eject();
    expect(await printer.toContact()).toMatchObject({ errorCode: 'noMedia' });
  });

  it('retract takes an untaken card from the output slot into the reject box (Ser)', async () => {
    const { printer, control, sent } = await setup();
    await control.setFault('cardNotTaken');
    await printer.pickToContact();
    await printer.printImage(FACE);
    expect(await printer.eject()).toMatchObject({ completion: 'success' });
    expect((await control.state()).cardInSlot).toBe('SSC01');
    sent.length = 0;
    expect(await printer.retract()).toMatchObject({ completion: 'success' });
    expect(sent.filter((c) => !STATUS_READ.includes(c))).toEqual(['Ser']);
    const state = await control.state();
    expect(state).toMatchObject({ card: null, cardInSlot: null, rejectBox: ['SSC01'], taken: [] });
    expect(printer.status.card).toBe('none');
    expect(await control.takeCard()).toEqual({ taken: false });
  });

  it('retract refuses when no card is presented, and when the reject box is full', async () => {
    const { printer, control } = await setup();
    expect(await printer.retract()).toMatchObject({ errorCode: 'noMedia' });
    await printer.pickToContact();
    expect(await printer.retract()).toMatchObject({ errorCode: 'noMedia' });
    await control.setFault('cardNotTaken');
    await printer.eject();
    await control.setFault('rejectBoxFull');
    expect(await printer.retract()).toMatchObject({ errorCode: 'rejectBoxFull' });
    expect((await control.state()).cardInSlot).toBe('SSC01');
  });

  it('a driver started after a crash knows a card waits in the output slot and retracts it', async () => {
    const sim = createInProcessSimulator({
      line: { byteMicros: 0 },
      simulator: { blanks: ['5AC0000000000001'], logger: quietLogger() },
    });
    await sim.simulator.start();
    cleanups.push(() => sim.simulator.stop());
    const options = {
      pollIntervalMs: 20,
      timeoutsMs: { quick: 1000, move: 2000, print: 2000 },
      takePollMs: 5,
      logger: quietLogger(),
    };
    const first = createCardPrinterDriver(sim.pair.a, options);
    await first.start();
    await sim.control.setFault('cardNotTaken');
    await first.pickToContact();
    await first.eject();
    // The agent goes away (stop sends the printer nothing) and a new one starts on the same line.
    await first.stop();
    const second = createCardPrinterDriver(sim.pair.a, options);
    await second.start();
    cleanups.push(() => second.stop());
    expect(second.status.card).toBe('exit');
    expect(await second.retract()).toMatchObject({ completion: 'success' });
    expect((await sim.control.state()).rejectBox).toEqual(['5AC0000000000001']);
  });
});
