/**
 * The card printer simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/card-sim pty,raw,echo=0,link=/tmp/card-host
 *   tsx device-agent/src/devices/card-printer/simulator-main.ts --port /tmp/card-sim [--baud 115200] \
 *     [--control 127.0.0.1:7315] [--timing realistic|instant] [--blanks 20] [--first-serial 1]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel (GET /state, POST /fault, GET /card-at-contact, GET /printed, ...) is
 * described in simulator-control.ts.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { blankSerials, CardPrinterSimulator, INSTANT_TIMING, REALISTIC_TIMING } from './simulator.ts';
import { inProcessControl, startCardPrinterControlServer } from './simulator-control.ts';

const USAGE =
  'usage: simulator-main.ts --port <path> [--baud 115200] [--control 127.0.0.1:<port>] [--timing realistic|instant] [--blanks 20] [--first-serial 1]';

function fail(message: string, code: number): never {
  process.stderr.write(`card printer simulator: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        baud: { type: 'string', default: '115200' },
        control: { type: 'string', default: '127.0.0.1:0' },
        timing: { type: 'string', default: 'realistic' },
        blanks: { type: 'string', default: '20' },
        'first-serial': { type: 'string', default: '1' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  if (!values.port) fail(`--port is required\n${USAGE}`, 64);
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0) fail(`--baud must be a positive integer\n${USAGE}`, 64);
  if (values.timing !== 'realistic' && values.timing !== 'instant')
    fail(`--timing must be realistic or instant\n${USAGE}`, 64);
  const blanks = Number(values.blanks);
  const first = Number(values['first-serial']);
  if (!Number.isInteger(blanks) || blanks < 0 || !Number.isInteger(first) || first < 0)
    fail(`--blanks and --first-serial must be whole numbers\n${USAGE}`, 64);
  const [host = '', portText = ''] = (values.control ?? '').split(':');
  const controlPort = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail('--control must listen on loopback (127.0.0.1:<port>)', 64);
  if (!Number.isInteger(controlPort) || controlPort < 0)
    fail(`--control port must be a number\n${USAGE}`, 64);

  const log = createLogger('card-printer-simulator');
  const transport = new SerialTransport({ path: values.port, baudRate });
  const simulator = new CardPrinterSimulator(transport, {
    timing: values.timing === 'instant' ? INSTANT_TIMING : REALISTIC_TIMING,
    blanks: blankSerials(blanks, first),
    logger: log,
  });
  try {
    await simulator.start();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  const control = await startCardPrinterControlServer(inProcessControl(simulator), {
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
