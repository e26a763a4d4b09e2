import type { IdCardIdentity, IdCardReaderStatus } from '@sik/contract';
import { createLogger, type Logger } from '../../log.ts';
import { DEFAULT_RECONNECT_MS, LineKeeper } from '../../transport/line-keeper.ts';
import { type Transport, TransportError } from '../../transport/transport.ts';
import { CommandChannel, type Reply } from './channel.ts';
import type {
  IdCardErrorCode,
  IdCardEvent,
  IdCardReader,
  IdCardReadRequest,
  IdCardReadResult,
} from './idcard.ts';
import { type CommandName, isAccepted, statusError } from './protocol/commands.ts';
import { type FailureCompletion, IdCardError } from './protocol/errors.ts';
import { toHex } from './protocol/frame.ts';
import { decodeReadPayload } from './protocol/read-payload.ts';
import { decodeTextBlock } from './protocol/text-block.ts';

export interface IdCardDriverOptions {
  /** Time between two find-card polls. */
  pollIntervalMs: number;
  /**
   * How long a command waits for its reply to start, and how long a reply may stall mid-frame (a long reply
   * keeps arriving past it: 1295 bytes take 112 ms at 115200 baud); a reply is abandoned after 4 times this.
   */
  commandTimeoutMs: number;
  /** Extra attempts after a failed read before cardReadFailed (default 2). */
  readRetries?: number;
  /** Unanswered or garbled commands in a row before the reader counts as offline and the line is reopened. */
  offlineAfterFailures?: number;
  /** Reopening a lost line: first wait and cap, doubling in between. */
  reconnectMs?: { initial: number; max: number };
  logger?: Logger;
}

/**
 * Where a failure belongs, which decides what the driver does with it:
 * card: this card could not be read (retry, then cardReadFailed); device: the reader reports itself broken
 * (status hardwareError); line: no sensible reply (count, then offline and reopen); canceled: the caller left.
 */
type FailureScope = 'card' | 'device' | 'line' | 'canceled';

export interface Failure {
  completion: FailureCompletion;
  errorCode: IdCardErrorCode | null;
  detail: string;
  scope: FailureScope;
}

/** The one place where an exception becomes a completion code and an error code (STYLE.md rule 4). */
export function describeFailure(error: unknown): Failure {
  if (error instanceof IdCardError) {
    const scope: FailureScope =
      error.code === 'samError'
        ? 'device'
        : error.code === 'protocolError' || error.code === 'noDevice'
          ? 'line'
          : 'card';
    return { completion: error.completion, errorCode: error.code, detail: error.message, scope };
  }
  if (error instanceof TransportError) {
    return { completion: 'hardwareError', errorCode: 'noDevice', detail: error.message, scope: 'line' };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { completion: 'canceled', errorCode: null, detail: 'canceled', scope: 'canceled' };
  }
  // A bug, not a reader problem; the message is ours, so it holds no personal data.
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected failure';
  return { completion: 'hardwareError', errorCode: 'protocolError', detail, scope: 'line' };
}

type CardState =
  | { kind: 'none' }
  /** On the reader, not read yet; failures counts the attempts that went wrong. */
  | { kind: 'reading'; failures: number }
  /** Read, or given up on: only removal matters until the card is lifted. */
  | { kind: 'read' }
  | { kind: 'failed' };

const sameStatus = (a: IdCardReaderStatus, b: IdCardReaderStatus): boolean =>
  a.device === b.device && a.media === b.media && a.detail === b.detail;

class IdCardDriver implements IdCardReader {
  private current: IdCardReaderStatus = { device: 'offline', media: 'unknown', detail: 'not started' };
  private readonly listeners = new Set<(event: IdCardEvent) => void>();
  private readonly channel: CommandChannel;
  private readonly log: Logger;
  private readonly readRetries: number;
  private readonly offlineAfterFailures: number;
  /** Opens the line, reopens it with backoff after it went away, polls for cards while it is up. */
  private readonly line: LineKeeper;
  private card: CardState = { kind: 'none' };
  private lineFailures = 0;
  /** Inside connect(): replies do not bring the reader online until the whole check passed. */
  private checking = false;
  private lastFailure: Failure | null = null;

  constructor(
    private readonly transport: Transport,
    options: IdCardDriverOptions,
  ) {
    this.log = options.logger ?? createLogger('idcard');
    this.readRetries = options.readRetries ?? 2;
    this.offlineAfterFailures = options.offlineAfterFailures ?? 3;
    this.channel = new CommandChannel(transport, options.commandTimeoutMs, this.log);
    this.line = new LineKeeper(
      transport,
      { pollIntervalMs: options.pollIntervalMs, reconnectMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS },
      {
        openFailed: (error) => {
          const failure = describeFailure(error);
          this.lastFailure = failure;
          this.setStatus({ device: 'noDevice', media: 'unknown', detail: failure.detail });
        },
        check: (signal) => this.check(signal),
        poll: (signal) => this.poll(signal),
        lost: (reason) => this.lost(reason),
      },
    );
  }

  get status(): IdCardReaderStatus {
    return this.current;
  }

  on(listener: (event: IdCardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    // The first connection is awaited so the caller sees a real status when start() returns.
    await this.line.start();
  }

  async stop(): Promise<void> {
    if (!this.line.started) return;
    const stopped = this.line.stop();
    this.channel.fail(new DOMException('reader stopped', 'AbortError'));
    await stopped;
    this.card = { kind: 'none' };
    this.setStatus({ device: 'offline', media: 'unknown', detail: 'stopped' });
  }

  readCard(request: IdCardReadRequest, signal?: AbortSignal): Promise<IdCardReadResult> {
    // Requests are checked before anything else happens (STYLE.md rule 3).
    if (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0) {
      return Promise.resolve({ completion: 'invalidData', errorCode: null, detail: 'timeoutMs must be > 0' });
    }
    if (!this.line.started) {
      return Promise.resolve({
        completion: 'deviceNotReady',
        errorCode: 'noDevice',
        detail: 'reader not started',
      });
    }
    if (signal?.aborted)
      return Promise.resolve({ completion: 'canceled', errorCode: null, detail: 'canceled' });
    return new Promise((resolve) => {
      const finish = (result: IdCardReadResult) => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      // The reader, not the card, is why nothing was read: the error code says which part of it.
      const deviceFailure = (): IdCardReadResult => ({
        completion: 'hardwareError',
        errorCode: this.lastFailure?.errorCode ?? 'noDevice',
        detail: this.current.detail ?? `reader ${this.current.device}`,
      });
      const onAbort = () => finish({ completion: 'canceled', errorCode: null, detail: 'canceled' });
      const off = this.on((event) => {
        if (event.type === 'cardRead') {
          finish({ completion: 'success', identity: event.identity, photo: event.photo });
        } else if (event.type === 'cardReadFailed') {
          finish({
            completion: this.lastFailure?.completion ?? 'invalidData',
            errorCode: event.errorCode,
            detail: event.detail,
          });
        } else if (event.type === 'status' && event.status.device === 'hardwareError') {
          finish(deviceFailure());
        }
      });
      const timer = setTimeout(() => {
        const working = this.current.device === 'online' || this.current.device === 'busy';
        finish(
          working
            ? {
                completion: 'timeout',
                errorCode: 'noCard',
                detail: `no card read within ${request.timeoutMs} ms`,
              }
            : deviceFailure(),
        );
      }, request.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.current.device === 'hardwareError') finish(deviceFailure());
    });
  }

  /** A freshly opened line: reset and check the SAM; false when the reader does not answer (reopened later). */
  private async check(signal: AbortSignal): Promise<boolean> {
    this.lineFailures = 0;
    this.card = { kind: 'none' };
    this.checking = true;
    try {
      await this.expect('resetSam', signal);
      await this.expect('samStatus', signal);
      const samId = await this.expect('samId', signal);
      this.log.info({ transport: this.transport.description, samId: toHex(samId.data) }, 'reader ready');
      this.setStatus({ device: 'online', media: 'unknown', detail: null });
      return true;
    } catch (error) {
      const failure = describeFailure(error);
      // Never heard from this reader yet: one failure is enough to say it is not answering.
      if (failure.scope === 'line' || failure.scope === 'card') {
        this.lastFailure = failure;
        this.setStatus({
          device: 'offline',
          media: 'unknown',
          detail: `reader check failed: ${failure.detail}`,
        });
        this.lineFailures = this.offlineAfterFailures;
        return false;
      }
      this.handleFailure(failure);
      return true;
    } finally {
      this.checking = false;
    }
  }

  private async poll(signal: AbortSignal): Promise<void> {
    try {
      if (this.current.device === 'hardwareError') {
        // Only ask the SAM until it is healthy again.
        await this.expect('samStatus', signal);
        this.setStatus({ ...this.current, device: 'online', detail: null });
        this.log.info('reader recovered');
        return;
      }
      const find = await this.command('findCard', signal);
      if (find.sw3 === 0x80) return this.noCard();
      if (!isAccepted('findCard', find.sw3)) throw statusError('findCard', find.sw3);
      if (this.card.kind === 'read' && (await this.placedAgain(signal))) {
        this.log.info('card lifted and placed again between two polls');
        this.emit({ type: 'cardRemoved' });
        this.card = { kind: 'none' };
      }
      if (this.card.kind === 'none') this.card = { kind: 'reading', failures: 0 };
      this.setStatus({ ...this.current, media: 'present' });
      if (this.card.kind === 'reading') await this.readPlacedCard(this.card, signal);
    } catch (error) {
      this.handleFailure(describeFailure(error));
    }
  }

  /**
   * A reader refuses to select a card it has already read until the card is lifted (SW3 81), so a select
   * that succeeds while we wait for removal means a card was lifted and placed again faster than one poll.
   * Only after a good read: a card that failed to read selects fine and would be retried forever.
   */
  private async placedAgain(signal: AbortSignal): Promise<boolean> {
    const select = await this.command('selectCard', signal);
    return isAccepted('selectCard', select.sw3);
  }

  private async readPlacedCard(
    card: { kind: 'reading'; failures: number },
    signal: AbortSignal,
  ): Promise<void> {
    this.setStatus({ ...this.current, device: 'busy' });
    try {
      await this.expect('selectCard', signal);
      const reply = await this.expect('readTextPhoto', signal);
      const payload = decodeReadPayload(reply.data, false);
      const identity: IdCardIdentity = decodeTextBlock(payload.text);
      this.card = { kind: 'read' };
      this.backOnline();
      // Card type only: names, numbers and photos never reach the log.
      this.log.info({ cardType: identity.cardType }, 'card read');
      this.emit({ type: 'cardRead', identity, photo: payload.photo });
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.scope === 'device' || failure.scope === 'canceled') {
        this.backOnline();
        throw error;
      }
      // The line went away mid-read: the card state was reset with it and this attempt means nothing.
      if (this.card !== card) return;
      if (failure.scope === 'line') this.countLineFailure(failure);
      card.failures += 1;
      this.lastFailure = failure;
      this.log.warn(
        { errorCode: failure.errorCode, attempt: card.failures, detail: failure.detail },
        'read failed',
      );
      this.backOnline();
      if (card.failures > this.readRetries && failure.errorCode) {
        this.card = { kind: 'failed' };
        this.emit({ type: 'cardReadFailed', errorCode: failure.errorCode, detail: failure.detail });
      }
    }
  }

  private backOnline(): void {
    if (this.current.device === 'busy') this.setStatus({ ...this.current, device: 'online' });
  }

  private noCard(): void {
    const hadCard = this.card.kind !== 'none';
    this.card = { kind: 'none' };
    this.setStatus({ ...this.current, media: 'notPresent' });
    if (hadCard) {
      this.log.info('card removed');
      this.emit({ type: 'cardRemoved' });
    }
  }

  /** A command whose reply frame arrived: the line works, whatever the SW3 says. */
  private async command(name: CommandName, signal: AbortSignal): Promise<Reply> {
    const reply = await this.channel.send(name, signal);
    this.lineFailures = 0;
    if (this.current.device === 'offline' && !this.checking) {
      this.setStatus({ ...this.current, device: 'online', detail: null });
    }
    return reply;
  }

  private async expect(name: CommandName, signal: AbortSignal): Promise<Reply> {
    const reply = await this.command(name, signal);
    if (!isAccepted(name, reply.sw3)) throw statusError(name, reply.sw3);
    return reply;
  }

  private handleFailure(failure: Failure): void {
    switch (failure.scope) {
      case 'canceled':
        return;
      case 'device':
        this.lastFailure = failure;
        this.log.warn({ errorCode: failure.errorCode, detail: failure.detail }, 'reader reports a fault');
        this.setStatus({ ...this.current, device: 'hardwareError', detail: failure.detail });
        return;
      case 'line':
        this.lastFailure = failure;
        this.countLineFailure(failure);
        return;
      case 'card':
        // e.g. find answered 40 (unknown card type): nothing to read, wait for the next poll.
        this.log.debug({ errorCode: failure.errorCode }, 'find card failed');
        return;
    }
  }

  private countLineFailure(failure: Failure): void {
    this.lineFailures += 1;
    this.log.warn(
      { errorCode: failure.errorCode, inARow: this.lineFailures, detail: failure.detail },
      'command failed',
    );
    if (this.lineFailures >= this.offlineAfterFailures && this.line.up) {
      this.line.markDown();
      this.card = { kind: 'none' };
      this.setStatus({
        device: 'offline',
        media: 'unknown',
        detail: `no valid reply from the reader (${this.lineFailures} in a row): ${failure.detail}`,
      });
    }
  }

  private lost(reason: string): void {
    this.card = { kind: 'none' };
    this.lastFailure = { completion: 'hardwareError', errorCode: 'noDevice', detail: reason, scope: 'line' };
    this.channel.fail(new TransportError('disconnected', reason));
    this.log.warn({ reason }, 'line lost');
    this.setStatus({ device: 'noDevice', media: 'unknown', detail: reason });
  }

  private setStatus(next: IdCardReaderStatus): void {
    if (sameStatus(this.current, next)) return;
    this.current = next;
    this.log.info({ device: next.device, media: next.media, detail: next.detail }, 'status');
    this.emit({ type: 'status', status: next });
  }

  private emit(event: IdCardEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: error, event: event.type }, 'listener threw');
      }
    }
  }
}

/** The ID card reader over a Transport (memory pair, serial line): one command at a time, polling for cards. */
export function createIdCardDriver(transport: Transport, options: IdCardDriverOptions): IdCardReader {
  return new IdCardDriver(transport, options);
}
