import type { Logger } from '../../log.ts';
import { createMemoryIppTransport, HttpIppTransport } from '../../transport/ipp.ts';
import type { A4Printer } from './a4-printer.ts';
import { type A4PrinterDriverOptions, createA4PrinterDriver } from './driver.ts';
import { A4PrinterSimulator, type A4PrinterSimulatorOptions } from './simulator.ts';
import { type A4PrinterSimulatorControl, httpControl, inProcessControl } from './simulator-control.ts';

/**
 * The A4 printer's device profile. Belongs in config/ beside IdCardDeviceConfig (the lead moves it):
 *   { driver: 'simulator' } | { driver: 'ipp', uri, requestTimeoutMs?, simulatorControlUrl? }
 */
export type A4PrinterDeviceConfig =
  | { driver: 'simulator' }
  | {
      driver: 'ipp';
      /** e.g. ipp://192.168.1.20/ipp/print, or the simulator process's printerUri. */
      uri: string;
      requestTimeoutMs?: number;
      simulatorControlUrl?: string;
    };

/** Driver timing; belongs in config/ as `a4Printer: { pollIntervalMs, jobPollMs, jobTimeoutMs }`. */
export const DEFAULT_A4_PRINTER_OPTIONS: A4PrinterDriverOptions = {
  pollIntervalMs: 5000,
  jobPollMs: 500,
  jobTimeoutMs: 120_000,
};

export interface InProcessA4PrinterSimulator {
  simulator: A4PrinterSimulator;
  control: A4PrinterSimulatorControl;
  /** The driver's side: a memory IPP transport straight into the simulator. */
  transport: ReturnType<typeof createMemoryIppTransport>;
}

export function createInProcessSimulator(
  options: A4PrinterSimulatorOptions = {},
): InProcessA4PrinterSimulator {
  const simulator = new A4PrinterSimulator(options);
  return {
    simulator,
    control: inProcessControl(simulator),
    transport: createMemoryIppTransport((body) => simulator.handle(body)),
  };
}

export interface A4PrinterDevice {
  /** Not started: the caller subscribes to it and then calls printer.start(). */
  printer: A4Printer;
  simulator: A4PrinterSimulatorControl | null;
  stop(): Promise<void>;
}

/** The A4 printer the profile asks for: the simulator in this process, or an IPP printer at a URI. */
export async function createA4PrinterDevice(
  config: A4PrinterDeviceConfig,
  options: Partial<A4PrinterDriverOptions> = {},
  logger?: Logger,
): Promise<A4PrinterDevice> {
  const driverOptions = { ...DEFAULT_A4_PRINTER_OPTIONS, ...options, ...(logger ? { logger } : {}) };
  if (config.driver === 'simulator') {
    const sim = createInProcessSimulator();
    const printer = createA4PrinterDriver(sim.transport, driverOptions);
    return {
      printer,
      simulator: sim.control,
      async stop() {
        await printer.stop();
        sim.simulator.stop();
      },
    };
  }
  const transport = new HttpIppTransport({ uri: config.uri, timeoutMs: config.requestTimeoutMs ?? 10_000 });
  const printer = createA4PrinterDriver(transport, driverOptions);
  return {
    printer,
    simulator: config.simulatorControlUrl ? httpControl(config.simulatorControlUrl) : null,
    stop: () => printer.stop(),
  };
}
