import type { Logger } from '../../log.ts';
import type { Transport } from '../../transport/transport.ts';
import { CardPrinterError } from './protocol/errors.ts';
import { ReplyParser } from './protocol/stream.ts';

interface Waiter {
  label: string;
  resolve(line: string): void;
  reject(error: unknown): void;
}

/**
 * One line to the card printer, one command at a time: the bytes go out, the one reply line comes back. A reply
 * carries no tag, so running one exchange at a time and dropping any line that comes when nothing was asked is
 * what keeps replies matched to commands. After a timeout the next exchange first waits a short quiet spell so a
 * late reply is dropped rather than taken for the next command's.
 */
export class CardPrinterChannel {
  private parser = new ReplyParser();
  private waiter: Waiter | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private replyMayBeLate = false;

  constructor(
    private readonly transport: Transport,
    private readonly log: Logger,
    private readonly quietMs = 100,
  ) {
    transport.onData((chunk) => {
      for (const line of this.parser.push(chunk)) this.onLine(line);
    });
  }

  /** Sends the bytes and resolves with the reply line; label names the command in errors (no data in it). */
  exchange(label: string, bytes: Uint8Array, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const step = () => this.run(label, bytes, timeoutMs, signal);
    const result = this.tail.then(step, step);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Fails the exchange in flight (line lost, driver stopping). */
  fail(error: unknown): void {
    this.waiter?.reject(error);
  }

  /**
   * A reopened line: half a reply from before is dropped. A reply that may still be late keeps its quiet spell
   * (a line closed and reopened at once, or a printer that was only silent, can still deliver it).
   */
  reset(): void {
    this.parser = new ReplyParser();
  }

  private async run(
    label: string,
    bytes: Uint8Array,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<string> {
    signal?.throwIfAborted();
    if (this.replyMayBeLate) {
      this.replyMayBeLate = false;
      await new Promise((resolve) => setTimeout(resolve, this.quietMs));
      signal?.throwIfAborted();
    }
    const reply = new Promise<string>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === waiter) this.waiter = null;
      };
      const waiter: Waiter = {
        label,
        resolve: (line) => {
          settle();
          resolve(line);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = () => {
        this.replyMayBeLate = true;
        waiter.reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        this.replyMayBeLate = true;
        waiter.reject(
          new CardPrinterError('noDevice', 'timeout', `${label}: no reply within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = waiter;
    });
    reply.catch(() => undefined);
    try {
      await this.transport.write(bytes);
    } catch (error) {
      this.waiter?.reject(error);
    }
    return reply;
  }

  private onLine(line: string): void {
    const waiter = this.waiter;
    if (!waiter) {
      this.log.debug('reply with no command waiting, dropped');
      return;
    }
    waiter.resolve(line);
  }
}
