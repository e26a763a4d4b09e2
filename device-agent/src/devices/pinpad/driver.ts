import { createLogger, type Logger } from '../../log.ts';
import { DEFAULT_RECONNECT_MS, LineKeeper } from '../../transport/line-keeper.ts';
import { type Transport, TransportError } from '../../transport/transport.ts';
import { CommandChannel, type Reply } from './channel.ts';
import type {
  ClearPinEntryRequest,
  ClearPinEntryResult,
  LoadWorkingKeyRequest,
  PinEntryRequest,
  PinEntryResult,
  PinPad,
  PinPadErrorCode,
  PinPadEvent,
  PinPadResult,
  PinPadStatus,
} from './pinpad.ts';
import {
  CHECK_VALUE_BYTES,
  type CommandName,
  checkClearEntry,
  checkStartEntry,
  decodeStatus,
  encodeClearEntry,
  encodeLoadWorkingKey,
  encodeStartEntry,
  PIN_BLOCK_BYTES,
  REPLY_STATUS,
  statusError,
  WORKING_KEY_BYTES,
} from './protocol/commands.ts';
import { type FailureCompletion, PinPadError } from './protocol/errors.ts';
import { fromHex, isClearDigit, KEY_CODES, toHex } from './protocol/frame.ts';

export interface PinPadDriverOptions {
  /** Time between two status polls (they also notice a pad that went silent on a line with no disconnect). */
  pollIntervalMs: number;
  /** How long a command waits for its reply. */
  commandTimeoutMs: number;
  /** Unanswered or garbled commands in a row before the pad counts as offline and the line is reopened. */
  offlineAfterFailures?: number;
  /** Reopening a lost line: first wait and cap, doubling in between. */
  reconnectMs?: { initial: number; max: number };
  logger?: Logger;
}

/**
 * Where a failure belongs, which decides what the driver does with it besides answering the call:
 * line: no sensible reply (count, then offline and reopen); device: the pad reports a fault of its own
 * (status hardwareError); request: this call could not be done (nothing to change); canceled: the caller left.
 */
type FailureScope = 'line' | 'device' | 'request' | 'canceled';

export interface Failure {
  completion: FailureCompletion;
  errorCode: PinPadErrorCode | null;
  detail: string;
  scope: FailureScope;
}

/** The one place where an exception becomes a completion code and an error code (STYLE.md rule 4). */
export function describeFailure(error: unknown): Failure {
  if (error instanceof PinPadError) {
    const scope: FailureScope =
      error.code === 'protocolError' || error.code === 'noDevice'
        ? 'line'
        : error.code === 'deviceFault'
          ? 'device'
          : 'request';
    return { completion: error.completion, errorCode: error.code, detail: error.message, scope };
  }
  if (error instanceof TransportError) {
    return { completion: 'hardwareError', errorCode: 'noDevice', detail: error.message, scope: 'line' };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { completion: 'canceled', errorCode: null, detail: 'canceled', scope: 'canceled' };
  }
  // A bug, not a pad problem; the message is ours, so it holds no digit.
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected failure';
  return { completion: 'hardwareError', errorCode: 'protocolError', detail, scope: 'line' };
}

/** A failed call's result: fits both PinEntryResult and PinPadResult. */
interface Failed {
  completion: FailureCompletion;
  errorCode: PinPadErrorCode | null;
  detail: string;
}

const failed = (
  completion: FailureCompletion,
  errorCode: PinPadErrorCode | null,
  detail: string,
): Failed => ({
  completion,
  errorCode,
  detail,
});

/** How a PIN entry ended, as far as the keys and the line tell. */
type EntryEnd =
  | 'enter'
  | 'cancel'
  | 'endedByPad'
  | 'clearDigit'
  | 'maskedDigit'
  | 'lineLost'
  | 'timeout'
  | 'aborted';

/**
 * One PIN entry in progress: the count of keys and how it ends. A PIN-block entry holds no digit (the pad
 * sends '*'); a clear entry (the social security card's PIN, verified on the card) holds the digits the pad
 * sends, in memory only, until the caller takes them with takeDigits().
 */
class Entry {
  count = 0;
  private readonly digits: string[] = [];
  private terminator: 'enter' | 'cancel' | null = null;
  private finish!: (end: EntryEnd) => void;
  readonly ended: Promise<EntryEnd> = new Promise((resolve) => {
    this.finish = resolve;
  });
  private over = false;

  constructor(
    readonly maxLength: number,
    readonly clear = false,
  ) {}

  /** The digits of a clear entry (and forgets them here). */
  takeDigits(): string {
    const pin = this.digits.join('');
    this.forget();
    return pin;
  }

  forget(): void {
    this.digits.fill('');
    this.digits.length = 0;
  }

  /** Applies a key byte; returns true when the count of keys changed. */
  key(code: number): boolean {
    if (this.over) return false;
    if (isClearDigit(code)) {
      if (!this.clear) {
        this.end('clearDigit');
        return false;
      }
      if (this.count >= this.maxLength) return false;
      this.digits.push(String.fromCharCode(code));
      this.count += 1;
      return true;
    }
    switch (code) {
      case KEY_CODES.masked:
        if (this.clear) {
          // The pad is not in clear mode: it would never give us the digits the card needs.
          this.end('maskedDigit');
          return false;
        }
        if (this.count >= this.maxLength) return false;
        this.count += 1;
        return true;
      case KEY_CODES.backspace:
        if (this.count === 0) return false;
        this.count -= 1;
        this.digits.pop();
        return true;
      case KEY_CODES.cancel: {
        this.terminator = 'cancel';
        const changed = this.count > 0;
        this.count = 0;
        this.forget();
        return changed;
      }
      case KEY_CODES.enter:
        this.terminator = 'enter';
        return false;
      case KEY_CODES.endOfInput:
        this.end(this.terminator ?? 'endedByPad');
        return false;
      default:
        return false;
    }
  }

  end(how: EntryEnd): void {
    if (this.over) return;
    this.over = true;
    this.finish(how);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}

const sameStatus = (a: PinPadStatus, b: PinPadStatus): boolean =>
  a.device === b.device && a.encryptor === b.encryptor && a.detail === b.detail;

const HEX = (bytes: number) => new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`);

class PinPadDriver implements PinPad {
  private current: PinPadStatus = {
    device: 'offline',
    media: 'unknown',
    encryptor: 'unknown',
    detail: 'not started',
  };
  private readonly listeners = new Set<(event: PinPadEvent) => void>();
  private readonly channel: CommandChannel;
  private readonly log: Logger;
  private readonly offlineAfterFailures: number;
  /** Opens the line, reopens it with backoff after it went away, polls the status while it is up. */
  private readonly line: LineKeeper;
  private lineFailures = 0;
  private checking = false;
  private entry: Entry | null = null;
  /** Public operations run one after another (STYLE.md: one command at a time). */
  private operations: Promise<unknown> = Promise.resolve();
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly transport: Transport,
    options: PinPadDriverOptions,
  ) {
    this.log = options.logger ?? createLogger('pinpad');
    this.offlineAfterFailures = options.offlineAfterFailures ?? 3;
    this.channel = new CommandChannel(transport, options.commandTimeoutMs, this.log);
    this.line = new LineKeeper(
      transport,
      { pollIntervalMs: options.pollIntervalMs, reconnectMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS },
      {
        openFailed: (error) =>
          this.setStatus({
            device: 'noDevice',
            media: 'unknown',
            encryptor: 'unknown',
            detail: describeFailure(error).detail,
          }),
        check: (signal) => this.check(signal),
        poll: (signal) => this.poll(signal),
        lost: (reason) => this.lost(reason),
      },
    );
  }

  get status(): PinPadStatus {
    return this.current;
  }

  on(listener: (event: PinPadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.line.started) return;
    this.unsubscribe = [this.channel.onKey((code) => this.onKey(code))];
    await this.line.start();
  }

  async stop(): Promise<void> {
    if (!this.line.started) return;
    const stopped = this.line.stop();
    this.entry?.end('aborted');
    this.channel.fail(new DOMException('PIN pad stopped', 'AbortError'));
    await stopped;
    for (const off of this.unsubscribe.splice(0)) off();
    this.setStatus({ device: 'offline', media: 'unknown', encryptor: 'unknown', detail: 'stopped' });
  }

  enterPin(request: PinEntryRequest, signal?: AbortSignal): Promise<PinEntryResult> {
    // Checked before anything goes to the pad (STYLE.md rule 3); no message repeats a digit it was given.
    const problem = checkStartEntry(request);
    if (problem) return Promise.resolve(failed('invalidData', null, problem));
    if (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0) {
      return Promise.resolve(failed('invalidData', null, 'timeoutMs must be > 0'));
    }
    return this.exclusive<PinEntryResult>(signal, () =>
      this.runEntry(
        new Entry(request.maxLength),
        () => this.expect('startPinEntry', encodeStartEntry(request), signal),
        request,
        signal,
        async () => {
          const reply = await this.expect('getPinBlock');
          if (reply.data.length !== PIN_BLOCK_BYTES) {
            throw new PinPadError(
              'protocolError',
              'hardwareError',
              `get PIN block: ${reply.data.length} bytes, expected ${PIN_BLOCK_BYTES}`,
            );
          }
          return { completion: 'success', pinBlockHex: toHex(reply.data).toLowerCase() } as const;
        },
      ),
    );
  }

  enterClearPin(request: ClearPinEntryRequest, signal?: AbortSignal): Promise<ClearPinEntryResult> {
    const problem = checkClearEntry(request);
    if (problem) return Promise.resolve(failed('invalidData', null, problem));
    if (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0) {
      return Promise.resolve(failed('invalidData', null, 'timeoutMs must be > 0'));
    }
    return this.exclusive<ClearPinEntryResult>(signal, () => {
      const entry = new Entry(request.maxLength, true);
      return this.runEntry(
        entry,
        () => this.expect('startClearEntry', encodeClearEntry(request), signal),
        request,
        signal,
        async () => {
          const pin = entry.takeDigits();
          // The pad refuses enter before minLength; a count outside the bounds means we lost a key byte.
          if (pin.length < request.minLength || pin.length > request.maxLength) {
            throw new PinPadError(
              'protocolError',
              'hardwareError',
              'clear PIN entry: the keys received do not make a PIN of the asked length',
            );
          }
          return { completion: 'success', pin } as const;
        },
      );
    });
  }

  loadWorkingKey(request: LoadWorkingKeyRequest, signal?: AbortSignal): Promise<PinPadResult> {
    if (
      typeof request.encryptedKeyHex !== 'string' ||
      !HEX(WORKING_KEY_BYTES).test(request.encryptedKeyHex)
    ) {
      return Promise.resolve(
        failed('invalidData', null, `encryptedKeyHex must be ${WORKING_KEY_BYTES} bytes of hex`),
      );
    }
    if (typeof request.checkValueHex !== 'string' || !HEX(CHECK_VALUE_BYTES).test(request.checkValueHex)) {
      return Promise.resolve(
        failed('invalidData', null, `checkValueHex must be ${CHECK_VALUE_BYTES} bytes of hex`),
      );
    }
    return this.exclusive<PinPadResult>(signal, async () => {
      const checkValue = fromHex(request.checkValueHex);
      try {
        const reply = await this.expect(
          'loadWorkingKey',
          encodeLoadWorkingKey(fromHex(request.encryptedKeyHex), checkValue),
          signal,
        );
        if (toHex(reply.data) !== toHex(checkValue)) {
          throw new PinPadError(
            'protocolError',
            'hardwareError',
            'load PIN working key: the pad answered another check value',
          );
        }
        this.log.info('PIN working key loaded');
        this.setStatus({ ...this.current, encryptor: 'ready' });
        return { completion: 'success' };
      } catch (error) {
        return this.fail(error);
      }
    });
  }

  /** Runs one public operation after the ones before it, unless the caller gave up or the pad is not there. */
  private exclusive<T>(
    signal: AbortSignal | undefined,
    operation: () => Promise<T | Failed>,
  ): Promise<T | Failed> {
    const run = async (): Promise<T | Failed> => {
      if (!this.line.started) return failed('deviceNotReady', 'noDevice', 'PIN pad not started');
      if (signal?.aborted) return failed('canceled', null, 'canceled');
      const device = this.current.device;
      if (device === 'noDevice' || device === 'offline') {
        return failed('deviceNotReady', 'noDevice', this.current.detail ?? `PIN pad ${device}`);
      }
      if (device === 'hardwareError') {
        return failed('hardwareError', 'deviceFault', this.current.detail ?? 'PIN pad hardware fault');
      }
      return operation();
    };
    const result = this.operations.then(run, run);
    this.operations = result.catch(() => undefined);
    return result;
  }

  /**
   * One entry on the pad, PIN block or clear: start it, hear the keys, and end it on enter (onEnter makes the
   * result), cancel, timeout, abort or a line or pad failure.
   */
  private async runEntry<T extends { completion: 'success' }>(
    entry: Entry,
    start: () => Promise<unknown>,
    request: { minLength: number; maxLength: number; timeoutMs: number },
    signal: AbortSignal | undefined,
    onEnter: () => Promise<T>,
  ): Promise<T | Failed> {
    // Set before the command goes out: the first key may follow the reply within microseconds.
    this.entry = entry;
    let started = false;
    const kind = entry.clear ? 'clear PIN entry' : 'PIN entry';
    const timer = setTimeout(() => entry.end('timeout'), request.timeoutMs);
    const onAbort = () => entry.end('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await start();
      started = true;
      this.log.info({ minLength: request.minLength, maxLength: request.maxLength }, `${kind} started`);
      this.setStatus({ ...this.current, device: 'busy' });
      this.emit({ type: 'keys', count: 0 });
      const end = await entry.ended;
      // How it ended, never how many keys: the PIN's length is the citizen's too.
      this.log.info({ end }, `${kind} ended`);
      switch (end) {
        case 'enter':
          return await onEnter();
        case 'cancel':
          return failed('canceled', 'userCanceled', 'the cancel key was pressed');
        case 'aborted':
          await this.cancelOnPad();
          return failed('canceled', null, 'canceled');
        case 'timeout':
          await this.cancelOnPad();
          return failed('timeout', null, `no PIN entered within ${request.timeoutMs} ms`);
        case 'clearDigit':
          // The pad broke the rule that digits never leave it: stop the entry, never read what came.
          this.log.error('the PIN pad sent a clear digit during PIN entry; entry canceled');
          await this.cancelOnPad();
          return failed('hardwareError', 'protocolError', 'the PIN pad sent a clear digit during PIN entry');
        case 'maskedDigit':
          this.log.error('the PIN pad sent masked keys during clear PIN entry; entry canceled');
          await this.cancelOnPad();
          return failed(
            'hardwareError',
            'protocolError',
            'the PIN pad sent masked keys during clear PIN entry',
          );
        case 'endedByPad':
          return failed('hardwareError', 'deviceFault', 'the PIN pad ended PIN entry by itself');
        case 'lineLost':
          return failed('hardwareError', 'noDevice', this.current.detail ?? 'PIN pad lost');
      }
      return unreachable(end);
    } catch (error) {
      // Aborted while the start command was out: the pad may be in PIN entry now.
      if (!started && signal?.aborted) await this.cancelOnPad();
      return this.fail(error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      entry.forget();
      this.entry = null;
      if (this.current.device === 'busy') this.setStatus({ ...this.current, device: 'online' });
    }
  }

  /** Leave PIN entry on the pad, whatever state it is in; failures show up in the next status poll. */
  private async cancelOnPad(): Promise<void> {
    if (!this.line.up) return;
    try {
      await this.channel.send('cancelEntry');
    } catch (error) {
      this.log.debug({ detail: describeFailure(error).detail }, 'cancel entry not answered');
    }
  }

  /** A failed call: what the driver learns from it, and the caller's result. */
  private fail(error: unknown): Failed {
    const failure = describeFailure(error);
    this.handleFailure(failure);
    return failed(failure.completion, failure.errorCode, failure.detail);
  }

  private onKey(code: number): void {
    const entry = this.entry;
    if (!entry) {
      // Outside PIN entry the pad should be silent; the key itself is not logged.
      this.log.debug('key byte outside PIN entry ignored');
      return;
    }
    if (entry.key(code)) this.emit({ type: 'keys', count: entry.count });
  }

  /** A freshly opened line: the pad answers its status (left in PIN entry: cancelled), or it is reopened later. */
  private async check(signal: AbortSignal): Promise<boolean> {
    this.channel.reset();
    this.lineFailures = 0;
    this.checking = true;
    try {
      const status = await this.readStatus(signal);
      if (status.mode !== 'idle') {
        // Left in PIN entry by an earlier run of the agent: nobody is waiting for that PIN now.
        await this.expect('cancelEntry', undefined, signal);
      }
      this.log.info({ transport: this.transport.description }, 'PIN pad ready');
      this.applyStatus(status);
      return true;
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.scope === 'line' || failure.scope === 'request') {
        this.setStatus({
          device: 'offline',
          media: 'unknown',
          encryptor: 'unknown',
          detail: `PIN pad check failed: ${failure.detail}`,
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
      this.applyStatus(await this.readStatus(signal));
    } catch (error) {
      this.handleFailure(describeFailure(error));
    }
  }

  private async readStatus(signal?: AbortSignal) {
    const reply = await this.expect('status', undefined, signal);
    const status = decodeStatus(reply.data);
    if (!status)
      throw new PinPadError('protocolError', 'hardwareError', 'read status: malformed status data');
    return status;
  }

  private applyStatus(status: NonNullable<ReturnType<typeof decodeStatus>>): void {
    const encryptor = status.keyLoaded ? 'ready' : 'noKey';
    if (status.keyStuck || status.tamper) {
      const detail = status.keyStuck ? 'a key is stuck' : 'tamper detected';
      if (this.current.device !== 'hardwareError') this.log.warn({ detail }, 'PIN pad reports a fault');
      this.setStatus({ device: 'hardwareError', media: 'unknown', encryptor, detail });
      this.entry?.end('endedByPad');
      return;
    }
    if (this.current.device === 'hardwareError') this.log.info('PIN pad recovered');
    this.setStatus({ device: this.entry ? 'busy' : 'online', media: 'unknown', encryptor, detail: null });
  }

  /** A command whose reply frame arrived: the line works, whatever the status byte says. */
  private async command(name: CommandName, data?: Uint8Array, signal?: AbortSignal): Promise<Reply> {
    const reply = await this.channel.send(name, data, signal);
    this.lineFailures = 0;
    if (this.current.device === 'offline' && !this.checking) {
      this.setStatus({ ...this.current, device: 'online', detail: null });
    }
    return reply;
  }

  private async expect(name: CommandName, data?: Uint8Array, signal?: AbortSignal): Promise<Reply> {
    const reply = await this.command(name, data, signal);
    if (reply.status !== REPLY_STATUS.ok) throw statusError(name, reply.status);
    return reply;
  }

  private handleFailure(failure: Failure): void {
    switch (failure.scope) {
      case 'canceled':
      case 'request':
        return;
      case 'device':
        this.log.warn({ errorCode: failure.errorCode, detail: failure.detail }, 'PIN pad reports a fault');
        this.setStatus({ ...this.current, device: 'hardwareError', detail: failure.detail });
        return;
      case 'line':
        this.countLineFailure(failure);
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
      this.setStatus({
        device: 'offline',
        media: 'unknown',
        encryptor: 'unknown',
        detail: `no valid reply from the PIN pad (${this.lineFailures} in a row): ${failure.detail}`,
      });
      this.entry?.end('lineLost');
    }
  }

  private lost(reason: string): void {
    this.channel.fail(new TransportError('disconnected', reason));
    this.log.warn({ reason }, 'line lost');
    this.setStatus({ device: 'noDevice', media: 'unknown', encryptor: 'unknown', detail: reason });
    this.entry?.end('lineLost');
  }

  private setStatus(next: PinPadStatus): void {
    if (sameStatus(this.current, next)) return;
    this.current = next;
    this.log.info({ device: next.device, encryptor: next.encryptor, detail: next.detail }, 'status');
    this.emit({ type: 'status', status: next });
  }

  private emit(event: PinPadEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: error, event: event.type }, 'listener threw');
      }
    }
  }
}

/** The PIN pad over a Transport (memory pair, serial line): one command at a time, status polled. */
export function createPinPadDriver(transport: Transport, options: PinPadDriverOptions): PinPad {
  return new PinPadDriver(transport, options);
}
