import type { ChipEncoder, ChipEncoderStatus } from './chip-encoder.ts';

/** Test helpers for the chip encoder; not used at run time. */

export { capturingLogger, quietLogger } from '../idcard/testing.ts';

/** Resolves once the encoder's status satisfies the predicate (at once if it already does). */
export function waitForStatus(
  encoder: ChipEncoder,
  matches: (status: ChipEncoderStatus) => boolean,
  timeoutMs = 3000,
): Promise<ChipEncoderStatus> {
  if (matches(encoder.status)) return Promise.resolve(encoder.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`status not reached within ${timeoutMs} ms (${JSON.stringify(encoder.status)})`));
    }, timeoutMs);
    const off = encoder.on((event) => {
      if (!matches(event.status)) return;
      clearTimeout(timer);
      off();
      resolve(event.status);
    });
  });
}
