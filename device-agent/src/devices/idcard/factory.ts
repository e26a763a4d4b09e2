import type { AgentConfig } from '@sik/config';
import type { Logger } from '../../log.ts';
import {
  createMemoryTransportPair,
  type MemoryLineOptions,
  type MemoryTransportPair,
} from '../../transport/memory.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { createIdCardDriver } from './driver.ts';
import type { IdCardReader } from './idcard.ts';
import { IdCardSimulator, type IdCardSimulatorOptions } from './simulator.ts';
import { httpControl, type IdCardSimulatorControl, inProcessControl } from './simulator-control.ts';

export interface InProcessIdCardSimulator {
  /** The driver's end of the line. */
  pair: MemoryTransportPair;
  simulator: IdCardSimulator;
  control: IdCardSimulatorControl;
}

/** A simulator on the far end of a memory pair; its unplugMidFrame fault pulls the pair's plug. */
export function createInProcessSimulator(
  options: { line?: MemoryLineOptions; simulator?: Omit<IdCardSimulatorOptions, 'line'> } = {},
): InProcessIdCardSimulator {
  const pair = createMemoryTransportPair(options.line);
  const simulator = new IdCardSimulator(pair.b, {
    ...options.simulator,
    line: { unplug: () => pair.unplug('simulated unplug'), plug: () => pair.plug() },
  });
  return { pair, simulator, control: inProcessControl(simulator) };
}

export interface IdCardDevice {
  /** Not started: the caller subscribes to it and then calls reader.start(). */
  reader: IdCardReader;
  /** The simulator the dock may drive (in-process or over HTTP); null for real hardware. */
  simulator: IdCardSimulatorControl | null;
  /** Stops the reader and, when in-process, the simulator. */
  stop(): Promise<void>;
}

/**
 * The ID card reader the configuration asks for: the simulator in this process over a memory pair (already
 * listening when this resolves), or a serial line (a real reader, or simulator-main.ts on a pty).
 */
export async function createIdCardDevice(config: AgentConfig, logger?: Logger): Promise<IdCardDevice> {
  const driverOptions = { ...config.idcard, ...(logger ? { logger } : {}) };
  const device = config.devices.idcard;
  if (device.driver === 'simulator') {
    const sim = createInProcessSimulator();
    await sim.simulator.start();
    const reader = createIdCardDriver(sim.pair.a, driverOptions);
    return {
      reader,
      simulator: sim.control,
      async stop() {
        await reader.stop();
        await sim.simulator.stop();
      },
    };
  }
  const reader = createIdCardDriver(new SerialTransport(device), driverOptions);
  return {
    reader,
    simulator: device.simulatorControlUrl ? httpControl(device.simulatorControlUrl) : null,
    stop: () => reader.stop(),
  };
}
