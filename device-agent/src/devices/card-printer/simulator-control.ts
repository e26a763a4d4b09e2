import {
  ControlError,
  type ControlRoutes,
  type ControlServer,
  controlClient,
  startControlServer,
  stringField,
} from '../../transport/control-http.ts';
import { CARD_PRINTER_FAULTS, type CardPrinterFault } from './card-printer.ts';
import type { CardPrinterSimulator, CardPrinterSimulatorState, PrintedCard } from './simulator.ts';

/**
 * What the dock and the tests need from a card printer simulator, wherever it runs: in this process over a
 * memory pair, or as its own process on a pseudo-terminal driven over HTTP.
 */
export interface CardPrinterSimulatorControl {
  state(): Promise<CardPrinterSimulatorState>;
  setFault(fault: CardPrinterFault): Promise<void>;
  /** The chip serial of the card at the contact station (tell the chip encoder simulator), or null. */
  cardAtContact(): Promise<{ serial: string | null }>;
  /** Images printed so far, oldest first, with the serial of the card each went on. */
  printed(): Promise<PrintedCard[]>;
  clearPrinted(): Promise<void>;
  /** The citizen takes the presented card; taken false when none was presented. */
  takeCard(): Promise<{ taken: boolean }>;
  loadBlanks(serials: string[]): Promise<void>;
  emptyRejectBox(): Promise<{ serials: string[] }>;
}

const isFault = (value: unknown): value is CardPrinterFault =>
  typeof value === 'string' && (CARD_PRINTER_FAULTS as readonly string[]).includes(value);

/** The contract's ChipSerial. */
const SERIAL = /^[0-9A-F]{8,32}$/;

export function inProcessControl(simulator: CardPrinterSimulator): CardPrinterSimulatorControl {
  return {
    async state() {
      return simulator.state;
    },
    async setFault(fault) {
      if (!isFault(fault)) throw new ControlError('INVALID_INPUT', 'fault: not a known fault', 'fault');
      simulator.setFault(fault);
    },
    async cardAtContact() {
      return { serial: simulator.cardAtContact };
    },
    async printed() {
      return simulator.printedCards;
    },
    async clearPrinted() {
      simulator.clearPrinted();
    },
    async takeCard() {
      return { taken: simulator.takeCard() };
    },
    async loadBlanks(serials) {
      if (
        !Array.isArray(serials) ||
        serials.length === 0 ||
        !serials.every((s) => typeof s === 'string' && SERIAL.test(s))
      )
        throw new ControlError(
          'INVALID_INPUT',
          'serials: expected a non-empty list of chip serials (8 to 32 upper-case hex digits)',
          'serials',
        );
      simulator.loadBlanks(serials);
    },
    async emptyRejectBox() {
      return { serials: simulator.emptyRejectBox() };
    },
  };
}

/** The control client for a simulator process (simulator-main.ts), e.g. httpControl('http://127.0.0.1:7315'). */
export function httpControl(baseUrl: string, timeoutMs = 5000): CardPrinterSimulatorControl {
  const call = controlClient(baseUrl, timeoutMs);
  return {
    state: () => call<CardPrinterSimulatorState>('GET', '/state'),
    setFault: async (fault) => {
      await call('POST', '/fault', { fault });
    },
    cardAtContact: () => call<{ serial: string | null }>('GET', '/card-at-contact'),
    printed: () => call<PrintedCard[]>('GET', '/printed'),
    clearPrinted: async () => {
      await call('DELETE', '/printed');
    },
    takeCard: () => call<{ taken: boolean }>('POST', '/take'),
    loadBlanks: async (serials) => {
      await call('POST', '/blanks', { serials });
    },
    emptyRejectBox: () => call<{ serials: string[] }>('POST', '/reject-box/empty'),
  };
}

/**
 * The card printer simulator's control channel:
 *   GET /state · POST /fault {fault} · GET /card-at-contact · GET /printed · DELETE /printed · POST /take ·
 *   POST /blanks {serials} · POST /reject-box/empty
 */
export function startCardPrinterControlServer(
  control: CardPrinterSimulatorControl,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  return startControlServer(cardPrinterControlRoutes(control), listen);
}

/** The routes of the control channel above (the card unit simulator serves them beside the chip's). */
export function cardPrinterControlRoutes(control: CardPrinterSimulatorControl): ControlRoutes {
  return {
    'GET /state': () => control.state(),
    'POST /fault': (body) => control.setFault(stringField(body, 'fault') as CardPrinterFault),
    'GET /card-at-contact': () => control.cardAtContact(),
    'GET /printed': () => control.printed(),
    'DELETE /printed': () => control.clearPrinted(),
    'POST /take': () => control.takeCard(),
    'POST /blanks': (body) => control.loadBlanks(body?.serials as string[]),
    'POST /reject-box/empty': () => control.emptyRejectBox(),
  };
}
