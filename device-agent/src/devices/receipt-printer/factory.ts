import type { Logger } from '../../log.ts';
import {
  createMemoryTransportPair,
  type MemoryLineOptions,
  type MemoryTransportPair,
} from '../../transport/memory.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { createReceiptPrinterDriver, type ReceiptPrinterDriverOptions } from './driver.ts';
import type { ReceiptPrinter } from './receipt-printer.ts';
import { ReceiptPrinterSimulator, type ReceiptPrinterSimulatorOptions } from './simulator.ts';
import { httpControl, inProcessControl, type ReceiptPrinterSimulatorControl } from './simulator-control.ts';

/**
 * The receipt printer's device profile. Belongs in config/ beside IdCardDeviceConfig (the lead moves it):
 *   { driver: 'simulator' } | { driver: 'serial', path, baudRate, simulatorControlUrl? }
 */
export type ReceiptPrinterDeviceConfig =
  | { driver: 'simulator' }
  | { driver: 'serial'; path: string; baudRate: number; simulatorControlUrl?: string };

/** Driver timing; belongs in config/ as `receiptPrinter: { pollIntervalMs, commandTimeoutMs }`. */
export const DEFAULT_RECEIPT_PRINTER_OPTIONS: ReceiptPrinterDriverOptions = {
  pollIntervalMs: 2000,
  commandTimeoutMs: 500,
};

export interface InProcessReceiptPrinterSimulator {
  /** The driver's end of the line is pair.a. */
  pair: MemoryTransportPair;
  simulator: ReceiptPrinterSimulator;
  control: ReceiptPrinterSimulatorControl;
}

/** A simulator on the far end of a memory pair; its unplugged fault pulls the pair's plug. */
export function createInProcessSimulator(
  options: { line?: MemoryLineOptions; simulator?: Omit<ReceiptPrinterSimulatorOptions, 'line'> } = {},
): InProcessReceiptPrinterSimulator {
  const pair = createMemoryTransportPair(options.line);
  const simulator = new ReceiptPrinterSimulator(pair.b, {
    ...options.simulator,
    line: { unplug: () => pair.unplug('simulated unplug'), plug: () => pair.plug() },
  });
  return { pair, simulator, control: inProcessControl(simulator) };
}

export interface ReceiptPrinterDevice {
  /** Not started: the caller subscribes to it and then calls printer.start(). */
  printer: ReceiptPrinter;
  /** The simulator the dock may drive (in-process or over HTTP); null for real hardware. */
  simulator: ReceiptPrinterSimulatorControl | null;
  stop(): Promise<void>;
}

/** The receipt printer the profile asks for: the simulator in this process over a memory pair, or a serial line. */
export async function createReceiptPrinterDevice(
  config: ReceiptPrinterDeviceConfig,
  options: Partial<ReceiptPrinterDriverOptions> = {},
  logger?: Logger,
): Promise<ReceiptPrinterDevice> {
  const driverOptions = { ...DEFAULT_RECEIPT_PRINTER_OPTIONS, ...options, ...(logger ? { logger } : {}) };
  if (config.driver === 'simulator') {
    const sim = createInProcessSimulator();
    await sim.simulator.start();
    const printer = createReceiptPrinterDriver(sim.pair.a, driverOptions);
    return {
      printer,
      simulator: sim.control,
      async stop() {
        await printer.stop();
        await sim.simulator.stop();
      },
    };
  }
  const printer = createReceiptPrinterDriver(
    new SerialTransport({ path: config.path, baudRate: config.baudRate }),
    driverOptions,
  );
  return {
    printer,
    simulator: config.simulatorControlUrl ? httpControl(config.simulatorControlUrl) : null,
    stop: () => printer.stop(),
  };
}
