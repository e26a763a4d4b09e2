import type { Logger } from '../../log.ts';
import type { Transport } from '../../transport/transport.ts';
import { COMMANDS, type CommandName, requestFrame } from './protocol/commands.ts';
import { IdCardError } from './protocol/errors.ts';
import { decodeResponseBody } from './protocol/frame.ts';
import { FrameParser } from './protocol/parser.ts';

export interface Reply {
  command: CommandName;
  sw3: number;
  data: Uint8Array;
}

interface Waiter {
  command: CommandName;
  resolve(body: Uint8Array): void;
  reject(error: unknown): void;
  /** Bytes are arriving: restart the silence timer. */
  heard(): void;
}

/** However long bytes keep trickling in, a reply taking longer than this many timeouts is abandoned. */
const MAX_TIMEOUTS_PER_REPLY = 4;

/**
 * Request/reply over one Transport, one command at a time. The SAM protocol carries no sequence number, so
 * a reply is simply the next whole frame after the request; running one command at a time and dropping
 * partial input before each request is what keeps replies matched to their requests.
 */
export class CommandChannel {
  private readonly parser = new FrameParser();
  private waiter: Waiter | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly transport: Transport,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    transport.onData((chunk) => this.onData(chunk));
  }

  /** Queues a command; resolves with the reply whatever its SW3 (the caller decides what SW3 means). */
  send(command: CommandName, signal?: AbortSignal): Promise<Reply> {
    const run = () => this.exchange(command, signal);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Fails the command in flight (line lost, driver stopping); queued ones fail on their own write. */
  fail(error: unknown): void {
    this.waiter?.reject(error);
  }

  private async exchange(command: CommandName, signal?: AbortSignal): Promise<Reply> {
    signal?.throwIfAborted();
    // Half duplex: anything still buffered belongs to an earlier, abandoned exchange.
    this.parser.reset();
    const body = new Promise<Uint8Array>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        clearTimeout(cap);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === waiter) this.waiter = null;
      };
      const waiter: Waiter = {
        command,
        resolve: (value) => {
          settle();
          resolve(value);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        heard: () => {
          clearTimeout(timer);
          timer = setTimeout(giveUp(`reply stalled for ${this.timeoutMs} ms`), this.timeoutMs);
        },
      };
      const onAbort = () => waiter.reject(signal?.reason);
      const giveUp = (why: string) => () =>
        waiter.reject(new IdCardError('noDevice', 'hardwareError', `${COMMANDS[command].meaning}: ${why}`));
      // The timeout measures silence, not the whole reply: a 1295-byte read reply alone is 112 ms on the
      // wire at 115200 baud (over a second at 9600), which may be longer than the configured timeout.
      let timer = setTimeout(giveUp(`no reply within ${this.timeoutMs} ms`), this.timeoutMs);
      const cap = setTimeout(
        giveUp(`reply not complete within ${this.timeoutMs * MAX_TIMEOUTS_PER_REPLY} ms`),
        this.timeoutMs * MAX_TIMEOUTS_PER_REPLY,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      // Set before writing: on a fast line the reply can arrive before write() resolves.
      this.waiter = waiter;
    });
    // The reply may fail (timeout, abort) while the write is still in progress: handled below, not unhandled.
    body.catch(() => undefined);
    try {
      await this.transport.write(requestFrame(command));
    } catch (error) {
      this.waiter?.reject(error);
    }
    const decoded = decodeResponseBody(await body);
    if (!decoded) {
      throw new IdCardError(
        'protocolError',
        'hardwareError',
        `${COMMANDS[command].meaning}: reply too short`,
      );
    }
    return { command, sw3: decoded.sw3, data: decoded.data };
  }

  private onData(chunk: Uint8Array): void {
    this.waiter?.heard();
    for (const event of this.parser.push(chunk)) {
      const waiter = this.waiter;
      const meaning = waiter ? COMMANDS[waiter.command].meaning : 'no command';
      switch (event.kind) {
        case 'frame':
          if (waiter) waiter.resolve(event.body);
          else this.log.debug({ bytes: event.frame.length }, 'reply with no command waiting, dropped');
          break;
        case 'badChecksum':
          waiter?.reject(
            new IdCardError('protocolError', 'hardwareError', `${meaning}: reply checksum mismatch`),
          );
          break;
        case 'badLength':
          waiter?.reject(
            new IdCardError(
              'protocolError',
              'hardwareError',
              `${meaning}: reply with impossible length ${event.len}`,
            ),
          );
          break;
        case 'junk':
          this.log.debug({ bytes: event.bytes.length }, 'junk bytes before a preamble dropped');
          break;
      }
    }
  }
}
