import pino from 'pino';
import type { Logger } from '../../log.ts';
import type { IdCardEvent, IdCardReader } from './idcard.ts';

/** Test helpers for the ID card reader; not used at run time. */

export function quietLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A logger whose output the test can read, to prove what is (not) logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

/** The first event matching, or a rejection naming what was awaited. */
export function waitForEvent<T extends IdCardEvent['type']>(
  reader: IdCardReader,
  type: T,
  timeoutMs = 3000,
  matches: (event: Extract<IdCardEvent, { type: T }>) => boolean = () => true,
): Promise<Extract<IdCardEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} event within ${timeoutMs} ms (status ${JSON.stringify(reader.status)})`));
    }, timeoutMs);
    const off = reader.on((event) => {
      if (event.type !== type) return;
      const typed = event as Extract<IdCardEvent, { type: T }>;
      if (!matches(typed)) return;
      clearTimeout(timer);
      off();
      resolve(typed);
    });
  });
}

/** Resolves once the reader's status satisfies the predicate (at once if it already does). */
export async function waitForStatus(
  reader: IdCardReader,
  matches: (status: IdCardReader['status']) => boolean,
  timeoutMs = 3000,
): Promise<IdCardReader['status']> {
  if (matches(reader.status)) return reader.status;
  const event = await waitForEvent(reader, 'status', timeoutMs, (e) => matches(e.status));
  return event.status;
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
