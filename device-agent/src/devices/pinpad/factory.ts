import type { Logger } from '../../log.ts';
import {
  createMemoryTransportPair,
  type MemoryLineOptions,
  type MemoryTransportPair,
} from '../../transport/memory.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { createPinPadDriver, type PinPadDriverOptions } from './driver.ts';
import type { PinPad } from './pinpad.ts';
import { PinPadSimulator, type PinPadSimulatorOptions } from './simulator.ts';
import { httpControl, inProcessControl, type PinPadSimulatorControl } from './simulator-control.ts';

/**
 * The PIN pad's device profile. Belongs in config/ beside IdCardDeviceConfig (the lead moves it):
 *   { driver: 'simulator', pinKeyHex? } | { driver: 'serial', path, baudRate, simulatorControlUrl? }
 */
export type PinPadDeviceConfig =
  | {
      driver: 'simulator' /** The shared PIN encryption key the simulated pad holds (default DEMO_PIN_KEY). */;
      pinKeyHex?: string;
    }
  | { driver: 'serial'; path: string; baudRate: number; simulatorControlUrl?: string };

/** Driver timing; belongs in config/ as `pinpad: { pollIntervalMs, commandTimeoutMs }`. */
export const DEFAULT_PIN_PAD_OPTIONS: PinPadDriverOptions = { pollIntervalMs: 1000, commandTimeoutMs: 1000 };

export interface InProcessPinPadSimulator {
  /** The driver's end of the line is pair.a. */
  pair: MemoryTransportPair;
  simulator: PinPadSimulator;
  control: PinPadSimulatorControl;
}

/** A simulator on the far end of a memory pair; its unplugged fault pulls the pair's plug. */
export function createInProcessSimulator(
  options: { line?: MemoryLineOptions; simulator?: Omit<PinPadSimulatorOptions, 'line'> } = {},
): InProcessPinPadSimulator {
  // EPPs talk at 9600 baud more often than not (UNCONFIRMED for any given model).
  const pair = createMemoryTransportPair(options.line ?? { byteMicros: 1e7 / 9600 });
  const simulator = new PinPadSimulator(pair.b, {
    ...options.simulator,
    line: { unplug: () => pair.unplug('simulated unplug'), plug: () => pair.plug() },
  });
  return { pair, simulator, control: inProcessControl(simulator) };
}

export interface PinPadDevice {
  /** Not started: the caller subscribes to it and then calls pinpad.start(). */
  pinpad: PinPad;
  /** The simulator the dock may drive (in-process or over HTTP); null for real hardware. */
  simulator: PinPadSimulatorControl | null;
  stop(): Promise<void>;
}

/** The PIN pad the profile asks for: the simulator in this process over a memory pair, or a serial line. */
export async function createPinPadDevice(
  config: PinPadDeviceConfig,
  options: Partial<PinPadDriverOptions> = {},
  logger?: Logger,
): Promise<PinPadDevice> {
  const driverOptions = { ...DEFAULT_PIN_PAD_OPTIONS, ...options, ...(logger ? { logger } : {}) };
  if (config.driver === 'simulator') {
    const sim = createInProcessSimulator({
      simulator: config.pinKeyHex ? { pinKeyHex: config.pinKeyHex.toLowerCase() } : {},
    });
    await sim.simulator.start();
    const pinpad = createPinPadDriver(sim.pair.a, driverOptions);
    return {
      pinpad,
      simulator: sim.control,
      async stop() {
        await pinpad.stop();
        await sim.simulator.stop();
      },
    };
  }
  const pinpad = createPinPadDriver(
    new SerialTransport({ path: config.path, baudRate: config.baudRate }),
    driverOptions,
  );
  return {
    pinpad,
    simulator: config.simulatorControlUrl ? httpControl(config.simulatorControlUrl) : null,
    stop: () => pinpad.stop(),
  };
}
