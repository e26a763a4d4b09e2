import type { Logger } from '../../log.ts';
import type { Transport } from '../../transport/transport.ts';
import { COMMANDS, type CommandName, hex2, requestFrame } from './protocol/commands.ts';
import { PinPadError } from './protocol/errors.ts';
import { decodeReplyBody } from './protocol/frame.ts';
import { FrameParser } from './protocol/parser.ts';

export interface Reply {
  command: CommandName;
  status: number;
  data: Uint8Array;
}

interface Waiter {
  command: CommandName;
  resolve(reply: Reply): void;
  reject(error: unknown): void;
}

/**
 * Request/reply over one Transport, one command at a time, with the pad's key bytes handed to a listener as
 * they arrive between frames. A reply echoes its command's CMD, so a late reply to an abandoned command is
 * recognised and dropped instead of being taken for the current one. The parser is never reset before a
 * request (key bytes may be on their way); only after a timeout, when what it holds is most likely junk.
 */
export class CommandChannel {
  private readonly parser = new FrameParser();
  private waiter: Waiter | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly keyListeners = new Set<(code: number) => void>();

  constructor(
    private readonly transport: Transport,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    transport.onData((chunk) => this.onData(chunk));
  }

  /** Key bytes (KEY_CODES) in arrival order. The listener must never log a digit. */
  onKey(listener: (code: number) => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  /** Queues a command; resolves with the reply whatever its status byte (the caller decides what it means). */
  send(command: CommandName, data?: Uint8Array, signal?: AbortSignal): Promise<Reply> {
    const run = () => this.exchange(command, data, signal);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Fails the command in flight (line lost, driver stopping); queued ones fail on their own write. */
  fail(error: unknown): void {
    this.waiter?.reject(error);
  }

  /** Forgets a partial frame (the line was reopened). */
  reset(): void {
    this.parser.reset();
  }

  private async exchange(
    command: CommandName,
    data: Uint8Array | undefined,
    signal?: AbortSignal,
  ): Promise<Reply> {
    signal?.throwIfAborted();
    const reply = new Promise<Reply>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
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
      };
      const onAbort = () => waiter.reject(signal?.reason);
      // Replies are at most 22 bytes: a few ms even at 9600 baud, so the timeout can cover the whole reply.
      const timer = setTimeout(() => {
        this.parser.reset();
        waiter.reject(
          new PinPadError(
            'noDevice',
            'hardwareError',
            `${COMMANDS[command].meaning}: no reply within ${this.timeoutMs} ms`,
          ),
        );
      }, this.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Set before writing: on a fast line the reply can arrive before write() resolves.
      this.waiter = waiter;
    });
    reply.catch(() => undefined);
    try {
      await this.transport.write(requestFrame(command, data));
    } catch (error) {
      this.waiter?.reject(error);
    }
    return reply;
  }

  private onData(chunk: Uint8Array): void {
    for (const event of this.parser.push(chunk)) {
      const waiter = this.waiter;
      const meaning = waiter ? COMMANDS[waiter.command].meaning : 'no command';
      switch (event.kind) {
        case 'key':
          for (const listener of this.keyListeners) listener(event.code);
          break;
        case 'frame': {
          const reply = decodeReplyBody(event.body);
          if (!waiter) {
            this.log.debug({ bytes: event.frame.length }, 'reply with no command waiting, dropped');
          } else if (!reply) {
            waiter.reject(new PinPadError('protocolError', 'hardwareError', `${meaning}: reply too short`));
          } else if (reply.cmd !== COMMANDS[waiter.command].cmd) {
            // A late reply to an earlier, abandoned command: keep waiting for ours.
            this.log.debug({ cmd: hex2(reply.cmd) }, 'reply to another command, dropped');
          } else {
            waiter.resolve({ command: waiter.command, status: reply.status, data: reply.data });
          }
          break;
        }
        case 'badChecksum':
          waiter?.reject(
            new PinPadError('protocolError', 'hardwareError', `${meaning}: reply checksum mismatch`),
          );
          break;
        case 'badFrame':
          waiter?.reject(
            new PinPadError(
              'protocolError',
              'hardwareError',
              `${meaning}: broken reply frame (${event.reason})`,
            ),
          );
          break;
        case 'junk':
          this.log.debug({ bytes: event.bytes.length }, 'junk bytes dropped');
          break;
      }
    }
  }
}
