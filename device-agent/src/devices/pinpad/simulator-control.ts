import {
  ControlError,
  type ControlServer,
  controlClient,
  startControlServer,
  stringField,
} from '../../transport/control-http.ts';
import { PIN_PAD_FAULTS, type PinPadFault } from './pinpad.ts';
import { type PinPadSimulator, type PinPadSimulatorState, parseKeys } from './simulator.ts';

/**
 * What the agent's simulator dock and the tests need from a PIN pad simulator, wherever it runs: in this
 * process over a memory pair, or as a separate process on a pseudo-terminal driven over HTTP.
 */
export interface PinPadSimulatorControl {
  /** Keys as text: digits, E or newline (enter), C or ESC (cancel), B or backspace (backspace). */
  press(keys: string): Promise<void>;
  setFault(fault: PinPadFault): Promise<void>;
  state(): Promise<PinPadSimulatorState>;
}

const isFault = (value: unknown): value is PinPadFault =>
  typeof value === 'string' && (PIN_PAD_FAULTS as readonly string[]).includes(value);

export function inProcessControl(simulator: PinPadSimulator): PinPadSimulatorControl {
  return {
    async press(keys) {
      try {
        parseKeys(keys);
      } catch (error) {
        throw new ControlError('INVALID_INPUT', (error as Error).message, 'keys');
      }
      await simulator.pressKeys(keys);
    },
    async setFault(fault) {
      if (!isFault(fault)) throw new ControlError('INVALID_INPUT', 'fault: not a known fault', 'fault');
      await simulator.setFault(fault);
    },
    async state() {
      return simulator.state;
    },
  };
}

/** The control client for a simulator process (simulator-main.ts), e.g. httpControl('http://127.0.0.1:7312'). */
export function httpControl(baseUrl: string, timeoutMs = 5000): PinPadSimulatorControl {
  const call = controlClient(baseUrl, timeoutMs);
  return {
    press: async (keys) => {
      await call('POST', '/keys', { keys });
    },
    setFault: async (fault) => {
      await call('POST', '/fault', { fault });
    },
    state: () => call<PinPadSimulatorState>('GET', '/state'),
  };
}

/**
 * The PIN pad simulator's control channel:
 *   POST /keys {keys: "1234\n"} · POST /fault {fault} · GET /state
 */
export function startPinPadControlServer(
  control: PinPadSimulatorControl,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  return startControlServer(
    {
      'POST /keys': (body) => control.press(stringField(body, 'keys')),
      'POST /fault': (body) => control.setFault(stringField(body, 'fault') as PinPadFault),
      'GET /state': () => control.state(),
    },
    listen,
  );
}
