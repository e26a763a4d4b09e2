import type { Logger } from '../../log.ts';
import {
  createMemoryTransportPair,
  type MemoryLineOptions,
  type MemoryTransportPair,
} from '../../transport/memory.ts';
import { SerialTransport } from '../../transport/serial.ts';
import type { CardPrinter } from './card-printer.ts';
import { type CardPrinterDriverOptions, createCardPrinterDriver } from './driver.ts';
import {
  blankSerials,
  CardPrinterSimulator,
  type CardPrinterSimulatorOptions,
  type CardPrinterSimulatorTiming,
  INSTANT_TIMING,
  REALISTIC_TIMING,
} from './simulator.ts';
import { type CardPrinterSimulatorControl, httpControl, inProcessControl } from './simulator-control.ts';

/**
 * The card printer's device profile, as config/src/card-printer.ts parses it (repeated here so the agent does
 * not need the config package to build one in tests).
 */
export type CardPrinterDeviceConfig =
  | {
      driver: 'simulator';
      timing: 'realistic' | 'instant' | Partial<CardPrinterSimulatorTiming>;
      /** Chip serials in the feeder (upper-case hex); default the demo stock DEMO_BLANKS. */
      blanks?: { firstSerial: string; count: number } | undefined;
    }
  | { driver: 'serial'; path: string; baudRate: number; simulatorControlUrl?: string };

/**
 * Driver timing. The print reply comes after the whole card is printed (about 20 s on a real printer), so its
 * timeout is generous; moves take a few seconds at most.
 */
export const DEFAULT_CARD_PRINTER_OPTIONS: CardPrinterDriverOptions = {
  pollIntervalMs: 2000,
  timeoutsMs: { quick: 1000, move: 10_000, print: 60_000 },
  takePollMs: 250,
  ribbonLowAt: 10,
};

export interface InProcessCardPrinterSimulator {
  /** The driver's end of the line is pair.a. */
  pair: MemoryTransportPair;
  simulator: CardPrinterSimulator;
  control: CardPrinterSimulatorControl;
}

export function createInProcessSimulator(
  options: { line?: MemoryLineOptions; simulator?: CardPrinterSimulatorOptions } = {},
): InProcessCardPrinterSimulator {
  // Card printers are USB devices (a vendor pipe or CDC serial at USB speed), not a 115200-baud line: a
  // 400 KB card face takes ~0.4 s at ~1 MB/s, where 115200 baud would take 35 s.
  const pair = createMemoryTransportPair({ byteMicros: 1, ...options.line });
  const simulator = new CardPrinterSimulator(pair.b, options.simulator);
  return { pair, simulator, control: inProcessControl(simulator) };
}

export interface CardPrinterDevice {
  /** Not started: the caller subscribes to it and then calls printer.start(). */
  printer: CardPrinter;
  /** The simulator the dock may drive (in-process or over HTTP); null for real hardware. */
  simulator: CardPrinterSimulatorControl | null;
  stop(): Promise<void>;
}

export const simulatorTiming = (
  timing: Extract<CardPrinterDeviceConfig, { driver: 'simulator' }>['timing'],
) => (timing === 'realistic' ? REALISTIC_TIMING : timing === 'instant' ? INSTANT_TIMING : timing);

/** The card printer the profile asks for: the simulator in this process over a memory pair, or a serial line. */
export async function createCardPrinterDevice(
  config: CardPrinterDeviceConfig,
  options: Partial<CardPrinterDriverOptions> = {},
  logger?: Logger,
): Promise<CardPrinterDevice> {
  const driverOptions = { ...DEFAULT_CARD_PRINTER_OPTIONS, ...options, ...(logger ? { logger } : {}) };
  if (config.driver === 'simulator') {
    const sim = createInProcessSimulator({
      simulator: {
        timing: simulatorTiming(config.timing),
        blanks: blankSerials(config.blanks),
        ...(logger ? { logger } : {}),
      },
    });
    await sim.simulator.start();
    const printer = createCardPrinterDriver(sim.pair.a, driverOptions);
    return {
      printer,
      simulator: sim.control,
      async stop() {
        await printer.stop();
        await sim.simulator.stop();
      },
    };
  }
  const printer = createCardPrinterDriver(
    new SerialTransport({ path: config.path, baudRate: config.baudRate }),
    driverOptions,
  );
  return {
    printer,
    simulator: config.simulatorControlUrl ? httpControl(config.simulatorControlUrl) : null,
    stop: () => printer.stop(),
  };
}
