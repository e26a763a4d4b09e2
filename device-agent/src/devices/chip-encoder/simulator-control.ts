import {
  ControlError,
  type ControlRoutes,
  type ControlServer,
  controlClient,
  startControlServer,
  stringField,
} from '../../transport/control-http.ts';
import { CHIP_ENCODER_FAULTS, type ChipEncoderFault } from './chip-encoder.ts';
import type { ChipCardSnapshot, ChipEncoderSimulator, ChipEncoderSimulatorState } from './simulator.ts';

/**
 * What the agent's simulator dock, the card printer simulator glue and the tests need from a chip encoder
 * simulator, wherever it runs: in this process over a memory pair, or as its own process on a pty over HTTP.
 */
export interface ChipEncoderSimulatorControl {
  /** The card with this chip serial is now at the contact station (e.g. the serial the card printer reports). */
  insertCard(serial: string): Promise<void>;
  removeCard(): Promise<void>;
  setFault(fault: ChipEncoderFault): Promise<void>;
  state(): Promise<ChipEncoderSimulatorState>;
  /** What the card with this serial holds; NOT_FOUND if the simulator never saw it. */
  card(serial: string): Promise<ChipCardSnapshot>;
  /** Every card the simulator has seen, by chip serial. */
  cards(): Promise<Record<string, ChipCardSnapshot>>;
}

const isFault = (value: unknown): value is ChipEncoderFault =>
  typeof value === 'string' && (CHIP_ENCODER_FAULTS as readonly string[]).includes(value);

export function inProcessControl(simulator: ChipEncoderSimulator): ChipEncoderSimulatorControl {
  return {
    async insertCard(serial) {
      try {
        simulator.insertCard(serial);
      } catch (error) {
        throw new ControlError('INVALID_INPUT', (error as Error).message, 'serial');
      }
    },
    async removeCard() {
      simulator.removeCard();
    },
    async setFault(fault) {
      if (!isFault(fault)) throw new ControlError('INVALID_INPUT', 'fault: not a known fault', 'fault');
      simulator.setFault(fault);
    },
    async state() {
      return simulator.state;
    },
    async card(serial) {
      const card = simulator.card(serial);
      if (!card) throw new ControlError('NOT_FOUND', 'no card with that serial', 'serial');
      return card;
    },
    async cards() {
      return Object.fromEntries(simulator.cards().map((card) => [card.serial, card]));
    },
  };
}

/** The control client for a simulator process (simulator-main.ts). */
export function httpControl(baseUrl: string, timeoutMs = 5000): ChipEncoderSimulatorControl {
  const call = controlClient(baseUrl, timeoutMs);
  return {
    insertCard: async (serial) => {
      await call('POST', '/card', { serial });
    },
    removeCard: async () => {
      await call('DELETE', '/card');
    },
    setFault: async (fault) => {
      await call('POST', '/fault', { fault });
    },
    state: () => call<ChipEncoderSimulatorState>('GET', '/state'),
    card: (serial) => call<ChipCardSnapshot>('POST', '/card/read', { serial }),
    cards: () => call<Record<string, ChipCardSnapshot>>('GET', '/cards'),
  };
}

/**
 * The chip encoder simulator's control channel:
 *   POST /card {serial} · DELETE /card · POST /fault {fault} · GET /state · POST /card/read {serial} ·
 *   GET /cards (every card seen, by serial)
 */
export function startChipEncoderControlServer(
  control: ChipEncoderSimulatorControl,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  return startControlServer(chipEncoderControlRoutes(control), listen);
}

/**
 * The routes of the control channel above, each path behind `prefix` (the card unit simulator serves them
 * under /chip beside the printer's).
 */
export function chipEncoderControlRoutes(control: ChipEncoderSimulatorControl, prefix = ''): ControlRoutes {
  return {
    [`POST ${prefix}/card`]: (body) => control.insertCard(stringField(body, 'serial')),
    [`DELETE ${prefix}/card`]: () => control.removeCard(),
    [`POST ${prefix}/fault`]: (body) => control.setFault(stringField(body, 'fault') as ChipEncoderFault),
    [`GET ${prefix}/state`]: () => control.state(),
    [`POST ${prefix}/card/read`]: (body) => control.card(stringField(body, 'serial')),
    [`GET ${prefix}/cards`]: () => control.cards(),
  };
}
