import { defaultCardsConfig } from '@sik/config';
import { afterEach, describe, expect, it } from 'vitest';
import { fakePng, quietLogger } from '../card-printer/testing.ts';
import { type CardUnitDevices, createCardUnitDevices } from './card-unit.ts';
import { TEST_EF06, writeEf06 } from './testing.ts';

const MASTER = defaultCardsConfig().issuerMasterKeyHex;
const units: CardUnitDevices[] = [];
afterEach(async () => {
  for (const unit of units.splice(0)) await unit.stop();
});

async function startUnit(): Promise<CardUnitDevices> {
  const unit = await createCardUnitDevices(
    {
      cardPrinter: {
        driver: 'simulator',
        timing: 'instant',
        blanks: { firstSerial: '5AC0000000000101', count: 3 },
      },
      chipEncoder: { driver: 'simulator', masterKeyHex: MASTER },
    },
    {
      printer: { pollIntervalMs: 50, takePollMs: 5 },
      encoder: { commandTimeoutMs: 1000 },
      logger: quietLogger(),
    },
  );
  units.push(unit);
  await unit.printer.printer.start();
  await unit.encoder.encoder.start();
  return unit;
}

describe('the linked card unit in this process', () => {
  it('the chip encoder touches the card the printer parks at the contact station, and only then', async () => {
    const { printer, encoder, simulator } = await startUnit();
    expect(await encoder.encoder.openCard()).toMatchObject({ errorCode: 'noCard' });
    expect(await printer.printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await encoder.encoder.openCard()).toMatchObject({
      completion: 'success',
      serial: '5AC0000000000101',
    });
    expect((await simulator?.chip.state())?.cardSerial).toBe('5AC0000000000101');
    expect(await printer.printer.moveToPrint()).toMatchObject({ completion: 'success' });
    expect((await simulator?.chip.state())?.cardSerial).toBeNull();
    expect(await encoder.encoder.openCard()).toMatchObject({ errorCode: 'noCard' });
  });

  it('a chip written at contact still holds its data after a trip to print and back', async () => {
    const { printer, encoder, simulator } = await startUnit();
    await printer.printer.pickToContact();
    const serial = await writeEf06(encoder.encoder, MASTER);
    expect(await printer.printer.printImage(fakePng('face'))).toMatchObject({ completion: 'success' });
    expect(await printer.printer.toContact()).toMatchObject({ completion: 'success' });
    expect(await encoder.encoder.openCard()).toMatchObject({ completion: 'success', serial });
    expect(await encoder.encoder.readEf06()).toEqual({ completion: 'success', data: TEST_EF06 });
    const cards = (await simulator?.chip.cards()) ?? {};
    expect(Object.keys(cards)).toEqual([serial]);
    expect(Object.keys(cards[serial]?.ef06 ?? {})).toHaveLength(6);
    // Rejected: the next blank is a new chip, empty.
    expect(await printer.printer.reject()).toMatchObject({ completion: 'success' });
    await printer.printer.pickToContact();
    expect(await encoder.encoder.openCard()).toMatchObject({ serial: '5AC0000000000102' });
    expect((await encoder.encoder.readEf06()).completion).not.toBe('success');
    expect((await simulator?.printer.state())?.rejectBox).toEqual([serial]);
  });
});
