import type { ReceiptPrinter, ReceiptPrinterStatus } from './receipt-printer.ts';

/** Test helpers for the receipt printer; not used at run time. */

export { capturingLogger, delay, quietLogger } from '../idcard/testing.ts';

/** Resolves once the printer's status satisfies the predicate (at once if it already does). */
export function waitForStatus(
  printer: ReceiptPrinter,
  matches: (status: ReceiptPrinterStatus) => boolean,
  timeoutMs = 3000,
): Promise<ReceiptPrinterStatus> {
  if (matches(printer.status)) return Promise.resolve(printer.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(`status not reached within ${timeoutMs} ms (status ${JSON.stringify(printer.status)})`),
      );
    }, timeoutMs);
    const off = printer.on((event) => {
      if (!matches(event.status)) return;
      clearTimeout(timer);
      off();
      resolve(event.status);
    });
  });
}
