/**
 * The chip encoder simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/chip-sim pty,raw,echo=0,link=/tmp/chip-host
 *   tsx device-agent/src/devices/chip-encoder/simulator-main.ts --port /tmp/chip-sim --baud 115200 \
 *     --master-key <32 hex digits> [--control 127.0.0.1:7314] [--card <serial>]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel is described in simulator-control.ts. --master-key is the issuer master
 * key the card keys derive from: the one the (simulated) card-management service holds.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { ChipEncoderSimulator } from './simulator.ts';
import { inProcessControl, startChipEncoderControlServer } from './simulator-control.ts';

const USAGE =
  'usage: simulator-main.ts --port <path> --master-key <hex> [--baud 115200] [--control 127.0.0.1:<port>] [--card <serial>]';

function fail(message: string, code: number): never {
  process.stderr.write(`chip encoder simulator: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let values: { port?: string; baud?: string; control?: string; 'master-key'?: string; card?: string };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        baud: { type: 'string', default: '115200' },
        control: { type: 'string', default: '127.0.0.1:0' },
        'master-key': { type: 'string' },
        card: { type: 'string' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  if (!values.port) fail(`--port is required\n${USAGE}`, 64);
  const masterKey = values['master-key'];
  if (!masterKey || !/^[0-9a-fA-F]{32}$/.test(masterKey)) fail('--master-key must be 32 hex digits', 64);
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0) fail(`--baud must be a positive integer\n${USAGE}`, 64);
  const [host = '', portText = ''] = (values.control ?? '').split(':');
  const controlPort = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail('--control must listen on loopback (127.0.0.1:<port>)', 64);
  if (!Number.isInteger(controlPort) || controlPort < 0)
    fail(`--control port must be a number\n${USAGE}`, 64);

  const log = createLogger('chip-encoder-simulator');
  const transport = new SerialTransport({ path: values.port, baudRate });
  const simulator = new ChipEncoderSimulator(transport, {
    masterKey: Buffer.from(masterKey, 'hex'),
    logger: log,
  });
  if (values.card) {
    try {
      simulator.insertCard(values.card);
    } catch (error) {
      fail(`--card: ${(error as Error).message}`, 64);
    }
  }
  try {
    await simulator.start();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  const control = await startChipEncoderControlServer(inProcessControl(simulator), {
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
