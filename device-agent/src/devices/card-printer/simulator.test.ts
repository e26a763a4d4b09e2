import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryTransportPair } from '../../transport/memory.ts';
import { type CommandName, encodeCommand, encodePrintJob } from './protocol/commands.ts';
import { ReplyParser } from './protocol/stream.ts';
import { CardPrinterSimulator } from './simulator.ts';
import { fakePng, quietLogger } from './testing.ts';

/** The simulator spoken to byte for byte, as a printer would be, over a memory pair. */
async function setup(options: ConstructorParameters<typeof CardPrinterSimulator>[1] = {}) {
  const pair = createMemoryTransportPair({ byteMicros: 0 });
  const simulator = new CardPrinterSimulator(pair.b, {
    blanks: ['SSC01', 'SSC02'],
    logger: quietLogger(),
    ...options,
  });
  await simulator.start();
  await pair.a.open();
  const parser = new ReplyParser();
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  pair.a.onData((chunk) => {
    for (const line of parser.push(chunk)) {
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  const send = async (bytes: Uint8Array): Promise<string> => {
    const reply = new Promise<string>((resolve) => {
      const queued = lines.shift();
      if (queued !== undefined) resolve(queued);
      else waiting.push(resolve);
    });
    await pair.a.write(bytes);
    return reply;
  };
  const cmd = (name: CommandName) => send(encodeCommand(name));
  cleanups.push(async () => {
    await pair.a.close();
    await simulator.stop();
  });
  return { simulator, send, cmd, write: (bytes: Uint8Array) => pair.a.write(bytes) };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('card printer simulator (bytes in, text out)', () => {
  it('drops a print job whose bytes stop coming (a host killed mid-transfer), and answers commands again', async () => {
    const { simulator, cmd, write } = await setup({ printJobGapMs: 100 });
    expect(await cmd('inputFromFeeder')).toBe('OK');
    expect(await cmd('toContact')).toBe('OK');
    const job = encodePrintJob(fakePng('cut-off'));
    await write(job.subarray(0, Math.floor(job.length / 2)));
    const parser = (simulator as unknown as { parser: { inPrintJob: boolean } }).parser;
    await vi.waitFor(() => expect(parser.inPrintJob).toBe(true));
    await vi.waitFor(() => expect(parser.inPrintJob).toBe(false), { timeout: 5000 });
    // Without the data timeout this ESC would be read as image bytes and never answered.
    expect(await cmd('cardPosition')).toBe('SMART CARD');
    expect(simulator.state.cardsPrinted).toBe(0);
  });

  it('picks, prints, presents; keeps the image and the serial', async () => {
    const { simulator, cmd, send } = await setup({ timing: { takeMs: 60_000 } });
    expect(await cmd('hostHandlesErrors')).toBe('OK');
    expect(await cmd('feeder')).toBe('5,00 Volts');
    expect(await cmd('cardPosition')).toBe('OK');
    expect(await cmd('inputFromFeeder')).toBe('OK');
    expect(await cmd('toContact')).toBe('OK');
    expect(await cmd('cardPosition')).toBe('SMART CARD');
    expect(simulator.cardAtContact).toBe('SSC01');
    expect(await send(encodePrintJob(fakePng('face-1')))).toBe('OK');
    expect(await cmd('cardPosition')).toBe('CARD');
    expect(simulator.cardAtContact).toBeNull();
    expect(await cmd('outputToSlot')).toBe('OK');
    expect(await cmd('eject')).toBe('OK');
    expect(simulator.state.card).toEqual({ serial: 'SSC01', position: 'exit', printed: true });
    expect(simulator.printedCards).toMatchObject([{ serial: 'SSC01' }]);
    expect(Buffer.from(simulator.printedCards[0]?.pngBase64 ?? '', 'base64').toString('latin1')).toContain(
      'face-1',
    );
    expect(await cmd('ribbonPanels')).toBe('199');
    expect(simulator.takeCard()).toBe(true);
    expect(simulator.state).toMatchObject({ card: null, taken: ['SSC01'] });
  });

  it('the simulated citizen takes a presented card after takeMs', async () => {
    const { simulator, cmd } = await setup({ timing: { takeMs: 20 } });
    await cmd('toContact');
    await cmd('outputToSlot');
    await cmd('eject');
    expect(await cmd('cardPosition')).toBe('CARD');
    await expect.poll(() => simulator.state.taken, { timeout: 2000 }).toEqual(['SSC01']);
  });

  it('feeder empty: sensor 0,00 Volts and ERR FEEDER EMPTY', async () => {
    const { cmd, simulator } = await setup();
    simulator.setFault('feederEmpty');
    expect(await cmd('feeder')).toBe('0,00 Volts');
    expect(await cmd('toContact')).toBe('ERR FEEDER EMPTY');
  });

  it('a real stack runs out, and the near-empty sensor trips first', async () => {
    const { cmd } = await setup({ blanks: ['A', 'B'], nearEmptyAt: 1 });
    expect(await cmd('feederNearEmpty')).toBe('5,00 Volts');
    expect(await cmd('toContact')).toBe('OK');
    expect(await cmd('feederNearEmpty')).toBe('0,00 Volts');
    expect(await cmd('outputToReject')).toBe('OK');
    expect(await cmd('eject')).toBe('OK');
    expect(await cmd('toContact')).toBe('OK');
    expect(await cmd('eject')).toBe('OK');
    expect(await cmd('toContact')).toBe('ERR FEEDER EMPTY');
  });

  it('jam: everything stops, status word says JAM, until cleared', async () => {
    const { cmd, simulator } = await setup();
    simulator.setFault('jam');
    expect(await cmd('statusWord')).toBe('JAM');
    expect(await cmd('toContact')).toBe('ERR JAM');
    simulator.setFault('none');
    expect(await cmd('statusWord')).toBe('OK');
    expect(await cmd('toContact')).toBe('OK');
  });

  it('jamOnce: the print jams, the card can be rejected, the jam is gone', async () => {
    const { cmd, send, simulator } = await setup();
    expect(await cmd('toContact')).toBe('OK');
    simulator.setFault('jamOnce');
    expect(await send(encodePrintJob(fakePng('x')))).toBe('ERR JAM');
    expect(await cmd('statusWord')).toBe('JAM');
    expect(await cmd('outputToSlot')).toBe('OK');
    expect(await cmd('eject')).toBe('ERR JAM');
    expect(await cmd('outputToReject')).toBe('OK');
    expect(await cmd('eject')).toBe('OK');
    expect(simulator.state).toMatchObject({ jammed: false, fault: 'none', rejectBox: ['SSC01'], card: null });
  });

  it('ribbon out, cover open, reject box full, bad image', async () => {
    const { cmd, send, simulator } = await setup();
    expect(await cmd('toContact')).toBe('OK');
    expect(await send(encodePrintJob(fakePng('x', 640, 480)))).toBe('ERR BAD IMAGE');
    simulator.setFault('ribbonOut');
    expect(await cmd('ribbonPanels')).toBe('0');
    expect(await send(encodePrintJob(fakePng('x')))).toBe('ERR RIBBON OUT');
    simulator.setFault('coverOpen');
    expect(await cmd('statusWord')).toBe('COVER OPEN');
    expect(await cmd('toPrint')).toBe('ERR COVER OPEN');
    simulator.setFault('rejectBoxFull');
    expect(await cmd('rejectBox')).toBe('CARD');
    expect(await cmd('outputToReject')).toBe('OK');
    expect(await cmd('eject')).toBe('ERR REJECT BOX FULL');
    expect(simulator.printedCards).toEqual([]);
  });

  it('cardNotTaken: the presented card stays until taken by hand', async () => {
    const { cmd, simulator } = await setup();
    simulator.setFault('cardNotTaken');
    await cmd('toContact');
    await cmd('outputToSlot');
    expect(await cmd('eject')).toBe('OK');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cmd('cardPosition')).toBe('CARD');
    expect(await cmd('toContact')).toBe('ERR CARD PRESENT');
    expect(simulator.takeCard()).toBe(true);
    expect(await cmd('cardPosition')).toBe('OK');
    expect(simulator.state.taken).toEqual(['SSC01']);
  });

  it('answers an unknown command with an error and counts it', async () => {
    const { send, simulator } = await setup();
    expect(await send(new Uint8Array(Buffer.from('\x1bXyz;1\r')))).toBe('ERR UNKNOWN COMMAND');
    expect(simulator.state.unknownCommands).toBe(1);
  });
});
