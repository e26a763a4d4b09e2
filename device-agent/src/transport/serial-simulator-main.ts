import { parseArgs } from 'node:util';
import type { ControlServer } from './control-http.ts';

/**
 * What every serial simulator main has in common (the simulator as its own process on a serial line, for
 * end-to-end tests on a pseudo-terminal): parse --port, --baud and --control plus the simulator's own options,
 * start the simulator, serve its control routes on loopback, print one JSON ready line on stdout, stop on
 * SIGTERM / SIGINT. Exit codes: 64 for a usage error, 1 when the line cannot be opened.
 */

export interface SerialSimulatorArgs {
  /** The simulator's end of the line. */
  port: string;
  baudRate: number;
  /** The simulator's own options as parsed (absent when not given and without a default). */
  values: Readonly<Record<string, string | boolean | undefined>>;
  /** Ends the process with a usage error (64). */
  usageError(message: string): never;
}

export interface StartedSerialSimulator {
  /** Starts the control channel on loopback (e.g. startControlServer(routes, listen)). */
  serveControl(listen: { host: string; port: number }): Promise<ControlServer>;
  /** Extra fields for the ready line (e.g. a second port). */
  ready?: Record<string, unknown>;
  stop(): Promise<void>;
}

export interface SerialSimulatorMain {
  /** For messages: "card printer simulator". */
  name: string;
  /** The usage line printed with a usage error. */
  usage: string;
  defaultBaud: number;
  /** The simulator's own options, as node:util parseArgs takes them. */
  options?: Readonly<
    Record<string, { type: 'string'; default?: string } | { type: 'boolean'; default?: boolean }>
  >;
  /** Opens the line(s) and starts the simulator; a throw here is a failure to open (exit 1). */
  start(args: SerialSimulatorArgs): Promise<StartedSerialSimulator>;
}

export async function runSerialSimulatorMain(main: SerialSimulatorMain): Promise<void> {
  const fail = (message: string, code: number): never => {
    process.stderr.write(`${main.name}: ${message}\n`);
    process.exit(code);
  };
  const usageError = (message: string): never => fail(`${message}\n${main.usage}`, 64);
  let values: Record<string, string | boolean | undefined> = {};
  try {
    ({ values } = parseArgs({
      options: {
        ...main.options,
        port: { type: 'string' },
        baud: { type: 'string', default: String(main.defaultBaud) },
        control: { type: 'string', default: '127.0.0.1:0' },
      },
    }) as { values: Record<string, string | boolean | undefined> });
  } catch (error) {
    usageError((error as Error).message);
  }
  const port = values.port;
  if (typeof port !== 'string' || !port) return usageError('--port is required');
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0) usageError('--baud must be a positive integer');
  const [host = '', portText = ''] = String(values.control ?? '').split(':');
  const controlPort = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail('--control must listen on loopback (127.0.0.1:<port>)', 64);
  if (!Number.isInteger(controlPort) || controlPort < 0) usageError('--control port must be a number');

  let started: StartedSerialSimulator;
  try {
    started = await main.start({ port, baudRate, values, usageError });
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  const control = await started.serveControl({ host, port: controlPort });
  process.stdout.write(
    `${JSON.stringify({ ready: true, port, baudRate, ...started.ready, controlUrl: control.url, controlPort: control.port })}\n`,
  );
  const shutdown = async () => {
    await control.close();
    await started.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}
