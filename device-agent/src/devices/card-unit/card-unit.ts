import type { Logger } from '../../log.ts';
import type { ControlRoutes } from '../../transport/control-http.ts';
import { type CardPrinterDriverOptions, createCardPrinterDriver } from '../card-printer/driver.ts';
import {
  type CardPrinterDevice,
  type CardPrinterDeviceConfig,
  createCardPrinterDevice,
  createInProcessSimulator as createInProcessPrinter,
  DEFAULT_CARD_PRINTER_OPTIONS,
  simulatorTiming,
} from '../card-printer/factory.ts';
import { blankSerials, type CardPrinterSimulator } from '../card-printer/simulator.ts';
import {
  type CardPrinterSimulatorControl,
  cardPrinterControlRoutes,
  httpControl as printerHttpControl,
} from '../card-printer/simulator-control.ts';
import { type ChipEncoderDriverOptions, createChipEncoderDriver } from '../chip-encoder/driver.ts';
import {
  type ChipEncoderDevice,
  type ChipEncoderDeviceConfig,
  createChipEncoderDevice,
  createInProcessSimulator as createInProcessChip,
  DEFAULT_CHIP_ENCODER_OPTIONS,
} from '../chip-encoder/factory.ts';
import type { ChipEncoderSimulator } from '../chip-encoder/simulator.ts';
import {
  type ChipEncoderSimulatorControl,
  chipEncoderControlRoutes,
  httpControl as chipHttpControl,
} from '../chip-encoder/simulator-control.ts';

/**
 * The card unit of a kiosk: the card printer with the contact chip encoder sitting at its contact station. In a
 * real kiosk the chip encoder touches whatever card the printer parks there; the simulators play that by the
 * printer telling the chip encoder which card (chip serial) is at its contacts whenever one arrives or leaves.
 * The chip encoder keeps every card's chip by serial, so a card that goes to print and comes back to the
 * contact station still holds what was written on it.
 */

/** Links the two simulators; returns the unlink. The chip encoder is told the card there now at once. */
export function linkCardUnit(printer: CardPrinterSimulator, chip: ChipEncoderSimulator): () => void {
  return printer.onContactChange((serial) => {
    if (serial) chip.insertCard(serial);
    else chip.removeCard();
  });
}

/** The card unit simulator's control, wherever it runs. */
export interface CardUnitSimulatorControl {
  printer: CardPrinterSimulatorControl;
  chip: ChipEncoderSimulatorControl;
}

/** The chip's routes live under this path, beside the printer's. */
export const CHIP_ROUTE_PREFIX = '/chip';

/**
 * One control channel for the card unit simulator process:
 *   printer: GET /state · POST /fault {fault} · GET /card-at-contact · GET /printed · DELETE /printed ·
 *            POST /take · POST /blanks {serials} · POST /reject-box/empty
 *   chip:    GET /chip/state · POST /chip/fault {fault} · GET /chip/cards · POST /chip/card/read {serial} ·
 *            POST /chip/card {serial} · DELETE /chip/card
 */
export function cardUnitControlRoutes(control: CardUnitSimulatorControl): ControlRoutes {
  return {
    ...cardPrinterControlRoutes(control.printer),
    ...chipEncoderControlRoutes(control.chip, CHIP_ROUTE_PREFIX),
  };
}

/** The control client for a card unit simulator process (simulator-main.ts). */
export function httpCardUnitControl(baseUrl: string, timeoutMs = 5000): CardUnitSimulatorControl {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    printer: printerHttpControl(base, timeoutMs),
    chip: chipHttpControl(`${base}${CHIP_ROUTE_PREFIX}`, timeoutMs),
  };
}

export interface CardUnitDevices {
  /** Not started: the caller subscribes to them and starts them. */
  printer: CardPrinterDevice;
  encoder: ChipEncoderDevice;
  /** Both simulators' controls when both are simulated (in this process or over HTTP); null otherwise. */
  simulator: CardUnitSimulatorControl | null;
  stop(): Promise<void>;
}

/**
 * The card printer and the chip encoder the profiles ask for. Both 'simulator': one linked card unit in this
 * process over memory pairs. Otherwise each device on its own (a serial card unit simulator process is linked
 * inside that process: give both the same simulatorControlUrl).
 */
export async function createCardUnitDevices(
  config: { cardPrinter: CardPrinterDeviceConfig; chipEncoder: ChipEncoderDeviceConfig },
  options: {
    printer?: Partial<CardPrinterDriverOptions>;
    encoder?: Partial<ChipEncoderDriverOptions>;
    logger?: Logger;
  } = {},
): Promise<CardUnitDevices> {
  const { cardPrinter, chipEncoder } = config;
  if (cardPrinter.driver === 'simulator' && chipEncoder.driver === 'simulator') {
    const unit = await startInProcessCardUnit({
      printer: cardPrinter,
      masterKeyHex: chipEncoder.masterKeyHex,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const printer = createCardPrinterDriver(unit.printerLine, {
      ...DEFAULT_CARD_PRINTER_OPTIONS,
      ...options.printer,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const encoder = createChipEncoderDriver(unit.chipLine, {
      ...DEFAULT_CHIP_ENCODER_OPTIONS,
      ...options.encoder,
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return {
      printer: { printer, simulator: unit.control.printer, stop: () => printer.stop() },
      encoder: { encoder, simulator: unit.control.chip, stop: () => encoder.stop() },
      simulator: unit.control,
      async stop() {
        await Promise.all([printer.stop(), encoder.stop()]);
        await unit.stop();
      },
    };
  }
  const printer = await createCardPrinterDevice(cardPrinter, options.printer, options.logger);
  const encoder = await createChipEncoderDevice(chipEncoder, options.encoder, options.logger);
  return {
    printer,
    encoder,
    simulator:
      printer.simulator && encoder.simulator ? { printer: printer.simulator, chip: encoder.simulator } : null,
    async stop() {
      await Promise.all([printer.stop(), encoder.stop()]);
    },
  };
}

/** A linked card unit simulator in this process: the drivers' ends of its two lines, its control. */
export async function startInProcessCardUnit(options: {
  printer: Extract<CardPrinterDeviceConfig, { driver: 'simulator' }>;
  masterKeyHex: string;
  logger?: Logger;
}) {
  if (!/^[0-9a-fA-F]{32}$/.test(options.masterKeyHex))
    throw new RangeError('masterKeyHex must be 32 hex digits');
  const printerSim = createInProcessPrinter({
    simulator: {
      timing: simulatorTiming(options.printer.timing),
      blanks: blankSerials(options.printer.blanks),
      ...(options.logger ? { logger: options.logger } : {}),
    },
  });
  const chipSim = createInProcessChip({
    simulator: {
      masterKey: Buffer.from(options.masterKeyHex, 'hex'),
      ...(options.logger ? { logger: options.logger } : {}),
    },
  });
  const unlink = linkCardUnit(printerSim.simulator, chipSim.simulator);
  await Promise.all([printerSim.simulator.start(), chipSim.simulator.start()]);
  return {
    printerLine: printerSim.pair.a,
    chipLine: chipSim.pair.a,
    printerSimulator: printerSim.simulator,
    chipSimulator: chipSim.simulator,
    control: { printer: printerSim.control, chip: chipSim.control } satisfies CardUnitSimulatorControl,
    async stop() {
      unlink();
      await Promise.all([printerSim.simulator.stop(), chipSim.simulator.stop()]);
    },
  };
}
