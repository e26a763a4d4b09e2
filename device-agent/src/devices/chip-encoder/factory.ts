import type { Logger } from '../../log.ts';
import {
  createMemoryTransportPair,
  type MemoryLineOptions,
  type MemoryTransportPair,
} from '../../transport/memory.ts';
import { SerialTransport } from '../../transport/serial.ts';
import type { ChipEncoder } from './chip-encoder.ts';
import { type ChipEncoderDriverOptions, createChipEncoderDriver } from './driver.ts';
import { ChipEncoderSimulator, type ChipEncoderSimulatorOptions } from './simulator.ts';
import { type ChipEncoderSimulatorControl, httpControl, inProcessControl } from './simulator-control.ts';

/**
 * The chip encoder's device profile. Belongs in config/ beside the other device configs (the lead moves it):
 *   { driver: 'simulator', masterKeyHex } | { driver: 'serial', path, baudRate, simulatorControlUrl? }
 * UNCONFIRMED: real contact readers are PC/SC CCID; a 'pcsc' driver would implement the same ChipEncoder.
 */
export type ChipEncoderDeviceConfig =
  | {
      driver: 'simulator';
      /** The issuer master key the simulated cards derive their keys from (the card-management service's). */
      masterKeyHex: string;
    }
  | { driver: 'serial'; path: string; baudRate: number; simulatorControlUrl?: string };

/**
 * Driver timing; belongs in config/ as `chipEncoder: { commandTimeoutMs, pollIntervalMs }`. The slot is polled
 * like the other devices' status, so a reader that went away is noticed (and reconnected) while idle, not first
 * by the next card.
 */
export const DEFAULT_CHIP_ENCODER_OPTIONS: ChipEncoderDriverOptions = {
  commandTimeoutMs: 2000,
  pollIntervalMs: 2000,
};

export interface InProcessChipEncoderSimulator {
  /** The driver's end of the line is pair.a. */
  pair: MemoryTransportPair;
  simulator: ChipEncoderSimulator;
  control: ChipEncoderSimulatorControl;
}

/** A simulator on the far end of a memory pair (115200 baud by default). */
export function createInProcessSimulator(options: {
  line?: MemoryLineOptions;
  simulator: ChipEncoderSimulatorOptions;
}): InProcessChipEncoderSimulator {
  const pair = createMemoryTransportPair(options.line ?? {});
  const simulator = new ChipEncoderSimulator(pair.b, options.simulator);
  return { pair, simulator, control: inProcessControl(simulator) };
}

export interface ChipEncoderDevice {
  /** Not started: the caller subscribes to it and then calls encoder.start(). */
  encoder: ChipEncoder;
  /** The simulator the dock may drive (in-process or over HTTP); null for real hardware. */
  simulator: ChipEncoderSimulatorControl | null;
  stop(): Promise<void>;
}

export async function createChipEncoderDevice(
  config: ChipEncoderDeviceConfig,
  options: Partial<ChipEncoderDriverOptions> = {},
  logger?: Logger,
): Promise<ChipEncoderDevice> {
  const driverOptions = { ...DEFAULT_CHIP_ENCODER_OPTIONS, ...options, ...(logger ? { logger } : {}) };
  if (config.driver === 'simulator') {
    if (!/^[0-9a-fA-F]{32}$/.test(config.masterKeyHex))
      throw new RangeError('masterKeyHex must be 32 hex digits');
    const sim = createInProcessSimulator({
      simulator: { masterKey: Buffer.from(config.masterKeyHex, 'hex'), ...(logger ? { logger } : {}) },
    });
    await sim.simulator.start();
    const encoder = createChipEncoderDriver(sim.pair.a, driverOptions);
    return {
      encoder,
      simulator: sim.control,
      async stop() {
        await encoder.stop();
        await sim.simulator.stop();
      },
    };
  }
  const encoder = createChipEncoderDriver(
    new SerialTransport({ path: config.path, baudRate: config.baudRate }),
    driverOptions,
  );
  return {
    encoder,
    simulator: config.simulatorControlUrl ? httpControl(config.simulatorControlUrl) : null,
    stop: () => encoder.stop(),
  };
}
