/** Test helpers shared by the device folders; not used at run time. */

/** A device that publishes its status as `{ type: 'status', status }` events (printers, the chip encoder). */
interface PublishesStatus<S> {
  readonly status: S;
  on(listener: (event: { type: string; status?: S }) => void): () => void;
}

/** Resolves once the device's status satisfies the predicate (at once if it already does). */
export function waitForStatus<S>(
  device: PublishesStatus<S>,
  matches: (status: S) => boolean,
  timeoutMs = 3000,
): Promise<S> {
  if (matches(device.status)) return Promise.resolve(device.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(`status not reached within ${timeoutMs} ms (status ${JSON.stringify(device.status)})`),
      );
    }, timeoutMs);
    const off = device.on((event) => {
      if (event.type !== 'status' || event.status === undefined || !matches(event.status)) return;
      clearTimeout(timer);
      off();
      resolve(event.status);
    });
  });
}
