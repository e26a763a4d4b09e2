/**
 * The receipt printer simulator as its own process on a serial line, for end-to-end tests on a
 * pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/receipt-sim pty,raw,echo=0,link=/tmp/receipt-host
 *   tsx device-agent/src/devices/receipt-printer/simulator-main.ts --port /tmp/receipt-sim --baud 115200 \
 *     [--control 127.0.0.1:7313] [--columns 32]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel (GET /receipts, POST /fault, ...) is described in simulator-control.ts.
 */
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { runSerialSimulatorMain } from '../../transport/serial-simulator-main.ts';
import { ReceiptPrinterSimulator } from './simulator.ts';
import { inProcessControl, startReceiptPrinterControlServer } from './simulator-control.ts';

await runSerialSimulatorMain({
  name: 'receipt printer simulator',
  usage: 'usage: simulator-main.ts --port <path> [--baud 115200] [--control 127.0.0.1:<port>] [--columns 32]',
  defaultBaud: 115200,
  options: { columns: { type: 'string', default: '32' } },
  async start({ port, baudRate, values, usageError }) {
    const columns = Number(values.columns);
    if (!Number.isInteger(columns) || columns < 16) usageError('--columns must be an integer of at least 16');
    const simulator = new ReceiptPrinterSimulator(new SerialTransport({ path: port, baudRate }), {
      columns,
      logger: createLogger('receipt-printer-simulator'),
    });
    await simulator.start();
    return {
      serveControl: (listen) => startReceiptPrinterControlServer(inProcessControl(simulator), listen),
      stop: () => simulator.stop(),
    };
  },
});
