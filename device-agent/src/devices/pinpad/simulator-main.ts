/**
 * The PIN pad simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/pinpad-sim pty,raw,echo=0,link=/tmp/pinpad-host
 *   tsx device-agent/src/devices/pinpad/simulator-main.ts --port /tmp/pinpad-sim --baud 9600 \
 *     [--control 127.0.0.1:7312] [--pin-key <32 hex digits> | --no-key]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel is described in simulator-control.ts. --pin-key is the shared PIN
 * encryption key (default DEMO_PIN_KEY), the one the bank host simulator decrypts with.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { PinPadSimulator } from './simulator.ts';
import { inProcessControl, startPinPadControlServer } from './simulator-control.ts';

const USAGE =
  'usage: simulator-main.ts --port <path> [--baud 9600] [--control 127.0.0.1:<port>] [--pin-key <hex> | --no-key]';

function fail(message: string, code: number): never {
  process.stderr.write(`pinpad simulator: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: { port?: string; baud?: string; control?: string; 'pin-key'?: string; 'no-key'?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        baud: { type: 'string', default: '9600' },
        control: { type: 'string', default: '127.0.0.1:0' },
        'pin-key': { type: 'string' },
        'no-key': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  if (!values.port) fail(`--port is required\n${USAGE}`, 64);
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0) fail(`--baud must be a positive integer\n${USAGE}`, 64);
  const pinKey = values['pin-key'];
  if (pinKey !== undefined && !/^[0-9a-fA-F]{32}$/.test(pinKey)) fail('--pin-key must be 32 hex digits', 64);
  const [host = '', portText = ''] = (values.control ?? '').split(':');
  const controlPort = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail('--control must listen on loopback (127.0.0.1:<port>)', 64);
  if (!Number.isInteger(controlPort) || controlPort < 0)
    fail(`--control port must be a number\n${USAGE}`, 64);

  const log = createLogger('pinpad-simulator');
  const transport = new SerialTransport({ path: values.port, baudRate });
  const simulator = new PinPadSimulator(transport, {
    // A pty moves bytes at once: wait each reply's wire time so the host sees real-line timing.
    timing: { wireBaud: baudRate },
    ...(values['no-key'] ? { pinKeyHex: null } : pinKey ? { pinKeyHex: pinKey.toLowerCase() } : {}),
    logger: log,
  });
  try {
    await simulator.start();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  const control = await startPinPadControlServer(inProcessControl(simulator), { host, port: controlPort });
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
