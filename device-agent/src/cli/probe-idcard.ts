import { parseArgs } from 'node:util';
import { AgentConfig } from '@sik/config';
import { createIdCardDriver } from '../devices/idcard/driver.ts';
import { createLogger } from '../log.ts';
import { SerialTransport } from '../transport/serial.ts';

export const EXIT = { ok: 0, noCard: 2, deviceError: 3, canceled: 130, usage: 64 } as const;

const USAGE = 'probe idcard --port <path> [--baud <n>] [--timeout <seconds>]';

/**
 * Reads one card from a reader on a serial line and prints the identity as JSON (the photo as its length only).
 * Exit codes: 0 read; 2 no card in time, or a card to lift and place again; 3 reader, protocol or card-data
 * error; 64 usage; 130 interrupted.
 */
export async function probeIdCard(argv: string[]): Promise<number> {
  let values: { port?: string; baud?: string; timeout?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        baud: { type: 'string', default: '115200' },
        timeout: { type: 'string', default: '10' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${USAGE}`);
    return EXIT.usage;
  }
  const baudRate = Number(values.baud);
  const timeoutSec = Number(values.timeout);
  if (!values.port || !Number.isInteger(baudRate) || baudRate <= 0 || !(timeoutSec > 0)) {
    console.error(`usage: ${USAGE}`);
    return EXIT.usage;
  }

  // Quiet unless asked (SIK_LOG_LEVEL): stderr is for the one-line outcome.
  const log = createLogger('probe-idcard');
  log.level = process.env.SIK_LOG_LEVEL ?? 'error';
  const { idcard } = AgentConfig.parse({});
  const reader = createIdCardDriver(new SerialTransport({ path: values.port, baudRate }), {
    ...idcard,
    logger: log,
  });
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  try {
    await reader.start();
    // A probe reports what it finds rather than waiting for a reader that failed its start check.
    if (reader.status.device !== 'online') {
      const what =
        reader.status.device === 'noDevice'
          ? `no reader at ${values.port}`
          : `reader ${reader.status.device}`;
      console.error(`probe idcard: ${what}: ${reader.status.detail ?? 'no detail'}`);
      return EXIT.deviceError;
    }
    const result = await reader.readCard({ timeoutMs: timeoutSec * 1000 }, interrupt.signal);
    if (result.completion === 'success') {
      const { identity, photo } = result;
      console.log(JSON.stringify({ ...identity, photoBytes: photo.length }));
      return EXIT.ok;
    }
    console.error(`probe idcard: ${result.completion} (${result.errorCode ?? 'no code'}): ${result.detail}`);
    if (result.completion === 'canceled') return EXIT.canceled;
    // userError: the card is missing or must be lifted and placed again; the citizen's move, not the reader's.
    return result.completion === 'timeout' || result.completion === 'userError'
      ? EXIT.noCard
      : EXIT.deviceError;
  } finally {
    process.off('SIGINT', onSignal);
    await reader.stop();
  }
}
