import {
  ControlError,
  type ControlServer,
  controlClient,
  startControlServer,
  stringField,
} from '../../transport/control-http.ts';
import { A4_PRINTER_FAULTS, type A4PrinterFault } from './a4-printer.ts';
import type { A4PrinterSimulator, SimulatedJobView } from './simulator.ts';

export interface A4PrinterSimulatorState {
  fault: A4PrinterFault;
  jobs: number;
}

/** What the dock and the tests need from an A4 printer simulator, in this process or behind HTTP. */
export interface A4PrinterSimulatorControl {
  jobs(): Promise<SimulatedJobView[]>;
  clearJobs(): Promise<void>;
  setFault(fault: A4PrinterFault): Promise<void>;
  state(): Promise<A4PrinterSimulatorState>;
}

const isFault = (value: unknown): value is A4PrinterFault =>
  typeof value === 'string' && (A4_PRINTER_FAULTS as readonly string[]).includes(value);

export function inProcessControl(simulator: A4PrinterSimulator): A4PrinterSimulatorControl {
  return {
    async jobs() {
      return simulator.jobViews();
    },
    async clearJobs() {
      simulator.clearJobs();
    },
    async setFault(fault) {
      if (!isFault(fault)) throw new ControlError('INVALID_INPUT', 'fault: not a known fault', 'fault');
      simulator.setFault(fault);
    },
    async state() {
      return { fault: simulator.fault, jobs: simulator.receivedJobs.length };
    },
  };
}

export function httpControl(baseUrl: string, timeoutMs = 5000): A4PrinterSimulatorControl {
  const call = controlClient(baseUrl, timeoutMs);
  return {
    jobs: () => call<SimulatedJobView[]>('GET', '/jobs'),
    clearJobs: async () => {
      await call('DELETE', '/jobs');
    },
    setFault: async (fault) => {
      await call('POST', '/fault', { fault });
    },
    state: () => call<A4PrinterSimulatorState>('GET', '/state'),
  };
}

/**
 * The A4 printer simulator's control channel (a port of its own, beside the IPP one):
 *   GET /jobs (documents as base64) · DELETE /jobs · POST /fault {fault} · GET /state
 */
export function startA4PrinterControlServer(
  control: A4PrinterSimulatorControl,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  return startControlServer(
    {
      'GET /jobs': () => control.jobs(),
      'DELETE /jobs': () => control.clearJobs(),
      'POST /fault': (body) => control.setFault(stringField(body, 'fault') as A4PrinterFault),
      'GET /state': () => control.state(),
    },
    listen,
  );
}
