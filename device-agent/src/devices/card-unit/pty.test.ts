/**
 * The linked card unit simulator as ONE process on two real pseudo-terminals (socat): the card printer driver
 * on one line, the chip encoder driver on the other, both simulators inspected through one control channel.
 * The drivers go away and come back (as an agent killed and restarted would) while the process keeps its cards.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCardsConfig } from '@sik/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startProcess, startPtyPair } from '../../../../tests/support/processes.ts';
import { findExecutable } from '../../transport/pty-testing.ts';
import { SerialTransport } from '../../transport/serial.ts';
import type { CardPrinter } from '../card-printer/card-printer.ts';
import { createCardPrinterDriver } from '../card-printer/driver.ts';
import { fakePng, quietLogger } from '../card-printer/testing.ts';
import type { ChipEncoder } from '../chip-encoder/chip-encoder.ts';
import { createChipEncoderDriver } from '../chip-encoder/driver.ts';
import { type CardUnitSimulatorControl, httpCardUnitControl } from './card-unit.ts';
import { TEST_EF06, writeEf06 } from './testing.ts';

const SKIP_REASON = 'socat not found on PATH (apt-get install socat): pseudo-terminal tests skipped';
const MASTER = defaultCardsConfig().issuerMasterKeyHex;

describe('card unit simulator process on two pseudo-terminals', () => {
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
  const dir = mkdtempSync(join(tmpdir(), 'sik-card-unit-pty-'));
  let printerPty: Awaited<ReturnType<typeof startPtyPair>> | undefined;
  let chipPty: Awaited<ReturnType<typeof startPtyPair>> | undefined;
  let unit: Started | undefined;
  let control: CardUnitSimulatorControl;
  let printer: CardPrinter | undefined;
  let encoder: ChipEncoder | undefined;

  const startDrivers = async () => {
    printer = createCardPrinterDriver(new SerialTransport({ path: printerPty?.b ?? '', baudRate: 115200 }), {
      pollIntervalMs: 100,
      // Generous: other test files load the machine while this one runs.
      timeoutsMs: { quick: 2000, move: 5000, print: 10_000 },
      takePollMs: 20,
      logger: quietLogger(),
    });
    encoder = createChipEncoderDriver(new SerialTransport({ path: chipPty?.b ?? '', baudRate: 115200 }), {
      commandTimeoutMs: 2000,
      logger: quietLogger(),
    });
    await printer.start();
    await encoder.start();
  };

  beforeAll(async () => {
    mkdirSync(join(dir, 'printer'));
    mkdirSync(join(dir, 'chip'));
    printerPty = await startPtyPair(join(dir, 'printer'));
    chipPty = await startPtyPair(join(dir, 'chip'));
    unit = await startProcess(
      join(import.meta.dirname, 'simulator-main.ts'),
      [
        '--port',
        printerPty.a,
        '--chip-port',
        chipPty.a,
        '--blanks',
        '2',
        '--first-serial',
        '5AC00000000000A1',
      ],
      { SIK_LOG_LEVEL: 'warn' },
      30_000,
    );
    control = httpCardUnitControl(unit.ready.controlUrl as string);
    await startDrivers();
  });

  afterAll(async () => {
    await printer?.stop();
    await encoder?.stop();
    await unit?.stop();
    await printerPty?.stop();
    await chipPty?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the chip at contact, prints, comes back: same chip; kept across a restart of the drivers', async () => {
    if (!printer || !encoder) throw new Error('not started');
    expect(unit?.ready).toMatchObject({ ready: true, chipPort: chipPty?.a });
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    const serial = await writeEf06(encoder, MASTER);
    expect(serial).toBe('5AC00000000000A1');
    expect(await printer.printImage(fakePng('unit face'))).toMatchObject({ completion: 'success' });
    expect((await control.chip.state()).cardSerial).toBeNull();

    // The agent goes away and comes back; the simulator process keeps the card where it was.
    await printer.stop();
    await encoder.stop();
    await startDrivers();
    expect(printer.status.card).toBe('print');
    expect(await printer.toContact()).toMatchObject({ completion: 'success' });
    expect(await encoder.openCard()).toMatchObject({ completion: 'success', serial });
    expect(await encoder.readEf06()).toEqual({ completion: 'success', data: TEST_EF06 });

    const cards = await control.chip.cards();
    expect(Object.keys(cards)).toEqual([serial]);
    expect(cards[serial]?.ef06[8]).toMatch(/^0812/);
    const printed = await control.printer.printed();
    expect(printed.map((p) => p.serial)).toEqual([serial]);
  });

  it('faults for both through the one control channel; an untaken card is retracted', async () => {
    if (!printer || !encoder) throw new Error('not started');
    await control.chip.setFault('muteCard');
    expect(await encoder.openCard()).toMatchObject({ errorCode: 'cardMute' });
    await control.chip.setFault('none');
    await control.printer.setFault('cardNotTaken');
    expect(await printer.eject()).toMatchObject({ completion: 'success' });
    expect((await control.printer.state()).cardInSlot).toBe('5AC00000000000A1');
    expect(await printer.retract()).toMatchObject({ completion: 'success' });
    expect((await control.printer.state()).rejectBox).toEqual(['5AC00000000000A1']);
    await expect(control.chip.setFault('melted' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const raw = (await (await fetch(`${String(unit?.ready.controlUrl)}/chip/cards`)).json()) as {
      ok: boolean;
      data: Record<string, unknown>;
    };
    expect(raw.ok).toBe(true);
    expect(Object.keys(raw.data)).toEqual(['5AC00000000000A1']);
  });
});
