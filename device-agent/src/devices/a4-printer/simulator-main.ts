/**
 * The A4 printer simulator as its own process, a network printer on a loopback port:
 *
 *   tsx device-agent/src/devices/a4-printer/simulator-main.ts [--ipp 127.0.0.1:8631] [--control 127.0.0.1:7314]
 *
 * Prints one JSON line {"ready":true,"printerUri":...,"controlUrl":...} on stdout once both ports listen. The
 * driver reaches it as it would any IPP printer ({ uri: printerUri }); the control channel is described in
 * simulator-control.ts. For a real IPP implementation, Debian's ippeveprinter does the same job (see
 * ipp-printer.test.ts).
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../log.ts';
import { A4PrinterSimulator } from './simulator.ts';
import { inProcessControl, startA4PrinterControlServer } from './simulator-control.ts';
import { startIppSimulatorServer } from './simulator-server.ts';

const USAGE = 'usage: simulator-main.ts [--ipp 127.0.0.1:<port>] [--control 127.0.0.1:<port>]';

function fail(message: string, code: number): never {
  process.stderr.write(`A4 printer simulator: ${message}\n`);
  process.exit(code);
}

function loopback(value: string | undefined, what: string): { host: string; port: number } {
  const [host = '', portText = ''] = (value ?? '').split(':');
  const port = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail(`--${what} must listen on loopback (127.0.0.1:<port>)`, 64);
  if (!Number.isInteger(port) || port < 0) fail(`--${what} port must be a number\n${USAGE}`, 64);
  return { host, port };
}

async function main(): Promise<void> {
  let values: { ipp?: string; control?: string };
  try {
    ({ values } = parseArgs({
      options: {
        ipp: { type: 'string', default: '127.0.0.1:0' },
        control: { type: 'string', default: '127.0.0.1:0' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  const simulator = new A4PrinterSimulator({ logger: createLogger('a4-printer-simulator') });
  const ipp = await startIppSimulatorServer(simulator, loopback(values.ipp, 'ipp'));
  const control = await startA4PrinterControlServer(
    inProcessControl(simulator),
    loopback(values.control, 'control'),
  );
  process.stdout.write(
    `${JSON.stringify({ ready: true, printerUri: ipp.printerUri, controlUrl: control.url, controlPort: control.port })}\n`,
  );
  const shutdown = async () => {
    simulator.stop();
    await control.close();
    await ipp.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

await main();
