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
import { parseArgs } from 'node:util';
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { ReceiptPrinterSimulator } from './simulator.ts';
import { inProcessControl, startReceiptPrinterControlServer } from './simulator-control.ts';

const USAGE =
  'usage: simulator-main.ts --port <path> [--baud 115200] [--control 127.0.0.1:<port>] [--columns 32]';

function fail(message: string, code: number): never {
  process.stderr.write(`receipt printer simulator: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: { port?: string; baud?: string; control?: string; columns?: string };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        baud: { type: 'string', default: '115200' },
        control: { type: 'string', default: '127.0.0.1:0' },
        columns: { type: 'string', default: '32' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  if (!values.port) fail(`--port is required\n${USAGE}`, 64);
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0) fail(`--baud must be a positive integer\n${USAGE}`, 64);
  const columns = Number(values.columns);
  if (!Number.isInteger(columns) || columns < 16)
    fail(`--columns must be an integer of at least 16\n${USAGE}`, 64);
  const [host = '', portText = ''] = (values.control ?? '').split(':');
  const controlPort = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail('--control must listen on loopback (127.0.0.1:<port>)', 64);
  if (!Number.isInteger(controlPort) || controlPort < 0)
    fail(`--control port must be a number\n${USAGE}`, 64);

  const log = createLogger('receipt-printer-simulator');
  const transport = new SerialTransport({ path: values.port, baudRate });
  const simulator = new ReceiptPrinterSimulator(transport, { columns, logger: log });
  try {
    await simulator.start();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  const control = await startReceiptPrinterControlServer(inProcessControl(simulator), {
    host,
    port: controlPort,
  });
  process.stdout.write(
    `${JSON.stringify({ ready: true, port: values.port, baudRate, controlUrl: control.url, controlPort: control.port })}\n`,
  );

  const shutdown = async () => {
    await control.close();
    await simulator.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

await main();
