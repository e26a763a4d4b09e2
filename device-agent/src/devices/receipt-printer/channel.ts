import type { Logger } from '../../log.ts';
import type { Transport } from '../../transport/transport.ts';
import { ReceiptPrinterError } from './protocol/errors.ts';
import { isStatusByte, type StatusKind, statusRequest } from './protocol/status.ts';

interface Waiter {
  kind: StatusKind;
  resolve(byte: number): void;
  reject(error: unknown): void;
}

/**
 * One line to the printer, used one step at a time: print data goes out, real-time status requests go out
 * and wait for their one-byte answer. A status byte carries no tag, so running one step at a time, and
 * dropping any byte that comes when nothing was asked, is what keeps answers matched to questions. After a
 * request timed out, the next one waits a short quiet spell first, so that a late answer is dropped rather than
 * taken for the next question's (a late answer slower than that spell could still be misread: the next poll
 * puts it right).
 */
export class PrinterChannel {
  private waiter: Waiter | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  /** A request timed out: its answer may still be on its way and must not be taken for the next one's. */
  private answerMayBeLate = false;

  constructor(
    private readonly transport: Transport,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    transport.onData((chunk) => this.onData(chunk));
  }

  /** Asks one real-time status (DLE EOT n); resolves with the byte, checked against the fixed bits. */
  query(kind: StatusKind, signal?: AbortSignal): Promise<number> {
    return this.queue(() => this.exchange(kind, signal));
  }

  /** Sends print data, in turn with status requests. Resolves when the bytes are handed to the line. */
  write(bytes: Uint8Array): Promise<void> {
    return this.queue(() => this.transport.write(bytes));
  }

  /** Fails the request in flight (line lost, driver stopping). */
  fail(error: unknown): void {
    this.waiter?.reject(error);
  }

  private queue<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(step, step);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async exchange(kind: StatusKind, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    if (this.answerMayBeLate) {
      // Let a late answer arrive while nothing waits, so it is dropped rather than misread.
      this.answerMayBeLate = false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.timeoutMs, 100)));
      signal?.throwIfAborted();
    }
    const answer = new Promise<number>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === waiter) this.waiter = null;
      };
      const waiter: Waiter = {
        kind,
        resolve: (byte) => {
          settle();
          resolve(byte);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = () => waiter.reject(signal?.reason);
      const timer = setTimeout(
        () =>
          waiter.reject(
            new ReceiptPrinterError(
              'noDevice',
              'hardwareError',
              `status (${kind}): no answer within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = waiter;
    });
    answer.catch(() => undefined);
    try {
      await this.transport.write(statusRequest(kind));
    } catch (error) {
      this.waiter?.reject(error);
    }
    return answer;
  }

  private onData(chunk: Uint8Array): void {
    for (const byte of chunk) {
      const waiter = this.waiter;
      if (!waiter) {
        this.log.debug('byte with no status request waiting, dropped');
        continue;
      }
      if (isStatusByte(byte)) waiter.resolve(byte);
      else
        waiter.reject(
          new ReceiptPrinterError(
            'protocolError',
            'hardwareError',
            `status (${waiter.kind}): answer is not a status byte`,
          ),
        );
    }
  }
}
