import type { PinPad, PinPadEvent, PinPadStatus } from './pinpad.ts';

/** Test helpers for the PIN pad; not used at run time. */

export { capturingLogger, delay, quietLogger } from '../idcard/testing.ts';

/** The first event matching, or a rejection naming what was awaited. */
export function waitForEvent<T extends PinPadEvent['type']>(
  pinpad: PinPad,
  type: T,
  timeoutMs = 3000,
  matches: (event: Extract<PinPadEvent, { type: T }>) => boolean = () => true,
): Promise<Extract<PinPadEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} event within ${timeoutMs} ms (status ${JSON.stringify(pinpad.status)})`));
    }, timeoutMs);
    const off = pinpad.on((event) => {
      if (event.type !== type) return;
      const typed = event as Extract<PinPadEvent, { type: T }>;
      if (!matches(typed)) return;
      clearTimeout(timer);
      off();
      resolve(typed);
    });
  });
}

/** Resolves once the pad's status satisfies the predicate (at once if it already does). */
export async function waitForStatus(
  pinpad: PinPad,
  matches: (status: PinPadStatus) => boolean,
  timeoutMs = 3000,
): Promise<PinPadStatus> {
  if (matches(pinpad.status)) return pinpad.status;
  const event = await waitForEvent(pinpad, 'status', timeoutMs, (e) => matches(e.status));
  return event.status;
}
