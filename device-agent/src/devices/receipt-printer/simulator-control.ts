import {
  ControlError,
  type ControlServer,
  controlClient,
  startControlServer,
  stringField,
} from '../../transport/control-http.ts';
import type { PrintedReceipt } from './protocol/render.ts';
import { RECEIPT_PRINTER_FAULTS, type ReceiptPrinterFault } from './receipt-printer.ts';
import type { ReceiptPrinterSimulator, ReceiptPrinterSimulatorState } from './simulator.ts';

/**
 * What the dock and the tests need from a receipt printer simulator, wherever it runs: in this process over a
 * memory pair, or as a separate process on a pseudo-terminal driven over HTTP.
 */
export interface ReceiptPrinterSimulatorControl {
  receipts(): Promise<PrintedReceipt[]>;
  clearReceipts(): Promise<void>;
  setFault(fault: ReceiptPrinterFault): Promise<void>;
  state(): Promise<ReceiptPrinterSimulatorState>;
}

const isFault = (value: unknown): value is ReceiptPrinterFault =>
  typeof value === 'string' && (RECEIPT_PRINTER_FAULTS as readonly string[]).includes(value);

export function inProcessControl(simulator: ReceiptPrinterSimulator): ReceiptPrinterSimulatorControl {
  return {
    async receipts() {
      return simulator.receipts;
    },
    async clearReceipts() {
      simulator.clearReceipts();
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

/** The control client for a simulator process (simulator-main.ts), e.g. httpControl('http://127.0.0.1:7313'). */
export function httpControl(baseUrl: string, timeoutMs = 5000): ReceiptPrinterSimulatorControl {
  const call = controlClient(baseUrl, timeoutMs);
  return {
    receipts: () => call<PrintedReceipt[]>('GET', '/receipts'),
    clearReceipts: async () => {
      await call('DELETE', '/receipts');
    },
    setFault: async (fault) => {
      await call('POST', '/fault', { fault });
    },
    state: () => call<ReceiptPrinterSimulatorState>('GET', '/state'),
  };
}

/**
 * The receipt printer simulator's control channel:
 *   GET /receipts (the rendered receipts, oldest first) · DELETE /receipts · POST /fault {fault} · GET /state
 */
export function startReceiptPrinterControlServer(
  control: ReceiptPrinterSimulatorControl,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  return startControlServer(
    {
      'GET /receipts': () => control.receipts(),
      'DELETE /receipts': () => control.clearReceipts(),
      'POST /fault': (body) => control.setFault(stringField(body, 'fault') as ReceiptPrinterFault),
      'GET /state': () => control.state(),
    },
    listen,
  );
}
