/**
 * The ID card simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/idcard-sim pty,raw,echo=0,link=/tmp/idcard-host
 *   tsx device-agent/src/devices/idcard/simulator-main.ts --port /tmp/idcard-sim --baud 115200 \
 *     [--control 127.0.0.1:7311] [--card card.json]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel is described in simulator-control.ts. --card takes an identity, or
 * {identity, photoBase64}, to place at start.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IdCardIdentity } from '@sik/contract';
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { IdCardSimulator } from './simulator.ts';
import { inProcessControl, startIdCardControlServer } from './simulator-control.ts';

const USAGE =
  'usage: simulator-main.ts --port <path> [--baud 115200] [--control 127.0.0.1:<port>] [--card <file.json>]';

function fail(message: string, code: number): never {
  process.stderr.write(`idcard simulator: ${message}\n`);
  process.exit(code);
}

function cardFromFile(file: string): { identity: IdCardIdentity; photo?: Uint8Array } {
  let json: { identity?: unknown; photoBase64?: unknown };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
  } catch (error) {
    fail(`cannot read --card ${file}: ${(error as Error).message}`, 64);
  }
  const identity = IdCardIdentity.safeParse(json.identity ?? json);
  if (!identity.success) fail(`--card ${file}: not a valid IdCardIdentity`, 64);
  const photo =
    typeof json.photoBase64 === 'string'
      ? new Uint8Array(Buffer.from(json.photoBase64, 'base64'))
      : undefined;
  return photo ? { identity: identity.data, photo } : { identity: identity.data };
}

async function main(): Promise<void> {
  let values: { port?: string; baud?: string; control?: string; card?: string };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        baud: { type: 'string', default: '115200' },
        control: { type: 'string', default: '127.0.0.1:0' },
        card: { type: 'string' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  if (!values.port) fail(`--port is required\n${USAGE}`, 64);
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0) fail(`--baud must be a positive integer\n${USAGE}`, 64);
  const [host = '', portText = ''] = (values.control ?? '').split(':');
  const controlPort = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail('--control must listen on loopback (127.0.0.1:<port>)', 64);
  if (!Number.isInteger(controlPort) || controlPort < 0)
    fail(`--control port must be a number\n${USAGE}`, 64);

  const log = createLogger('idcard-simulator');
  const transport = new SerialTransport({ path: values.port, baudRate });
  // A pty moves bytes at once: wait each reply's wire time so the host sees real-line timing.
  const simulator = new IdCardSimulator(transport, { timing: { wireBaud: baudRate }, logger: log });
  if (values.card) {
    const card = cardFromFile(values.card);
    simulator.placeCard(card.identity, card.photo);
  }
  try {
    await simulator.start();
  } catch (error) {
    fail((error as Error).message, 1);
  }
  const control = await startIdCardControlServer(inProcessControl(simulator), { host, port: controlPort });
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
