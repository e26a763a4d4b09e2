import { createLogger, type Logger } from '../../log.ts';
import { DEFAULT_RECONNECT_MS, LineKeeper, sleep } from '../../transport/line-keeper.ts';
import { type Transport, TransportError } from '../../transport/transport.ts';
import type {
  CardPosition,
  CardPrinter,
  CardPrinterErrorCode,
  CardPrinterEvent,
  CardPrinterResult,
  CardPrinterStatus,
  CardPrinterWarning,
} from './card-printer.ts';
import { CardPrinterChannel } from './channel.ts';
import {
  COMMANDS,
  type CommandDuration,
  type CommandName,
  encodeCommand,
  encodePrintJob,
  expectOk,
  PRINT_JOB,
  parseCount,
  parsePosition,
  parseRejectBoxFull,
  parseStatusWord,
  parseVolts,
  SENSOR_THRESHOLD_VOLTS,
} from './protocol/commands.ts';
import { CardPrinterError, type FailureCompletion } from './protocol/errors.ts';
import { checkCardImage } from './protocol/image.ts';

export interface CardPrinterDriverOptions {
  /** Time between two status polls while idle. */
  pollIntervalMs: number;
  /** Reply time allowed per command duration (sensor read, card move, card print). */
  timeoutsMs: Record<CommandDuration, number>;
  /** How often waitForCardTaken asks where the card is. */
  takePollMs?: number;
  /** Ribbon panels at or below this count raise the ribbonLow warning. */
  ribbonLowAt?: number;
  /** Reopening a lost line (USB printer unplugged or power-cycled): first wait and cap, doubling in between. */
  reconnectMs?: { initial: number; max: number };
  logger?: Logger;
}

export interface Failure {
  completion: FailureCompletion;
  errorCode: CardPrinterErrorCode | null;
  detail: string;
}

/** The one place where an exception becomes a completion code and an error code (STYLE.md rule 4). */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CardPrinterError)
    return { completion: error.completion, errorCode: error.code, detail: error.message };
  if (error instanceof TransportError)
    return { completion: 'hardwareError', errorCode: 'noDevice', detail: error.message };
  if (error instanceof Error && error.name === 'AbortError')
    return { completion: 'canceled', errorCode: null, detail: 'canceled' };
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected failure';
  return { completion: 'hardwareError', errorCode: 'protocolError', detail };
}

const failed = (failure: Failure): CardPrinterResult => ({
  completion: failure.completion,
  errorCode: failure.errorCode,
  detail: failure.detail,
});

const UNKNOWN_STATUS: Omit<CardPrinterStatus, 'device' | 'detail'> = {
  feeder: 'unknown',
  rejectBox: 'unknown',
  ribbon: 'unknown',
  ribbonPanels: null,
  cover: 'unknown',
  jam: false,
  card: 'unknown',
};

const sameStatus = (a: CardPrinterStatus, b: CardPrinterStatus): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

const INSIDE: ReadonlySet<CardPosition> = new Set(['contact', 'contactless', 'print']);

class CardPrinterDriver implements CardPrinter {
  private current: CardPrinterStatus = { device: 'offline', ...UNKNOWN_STATUS, detail: 'not started' };
  private readonly listeners = new Set<(event: CardPrinterEvent) => void>();
  private readonly channel: CardPrinterChannel;
  private readonly log: Logger;
  private operations: Promise<unknown> = Promise.resolve();
  private busy = false;
  /** The last card out went to the output slot: Rlr;p CARD then means "waiting to be taken". */
  private presented = false;
  /** Opens the line, reopens it with backoff after it went away, polls the status while it is up. */
  private readonly line: LineKeeper;

  constructor(
    private readonly transport: Transport,
    private readonly options: CardPrinterDriverOptions,
  ) {
    this.log = options.logger ?? createLogger('card-printer');
    this.channel = new CardPrinterChannel(transport, this.log);
    this.line = new LineKeeper(
      transport,
      { pollIntervalMs: options.pollIntervalMs, reconnectMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS },
      {
        openFailed: (error) =>
          this.setStatus({ device: 'noDevice', ...UNKNOWN_STATUS, detail: describeFailure(error).detail }),
        check: (signal) => this.check(signal),
        poll: (signal) => this.poll(signal),
        lost: (reason) => this.lost(reason),
        exclusive: (step) => this.serialized(step),
      },
    );
  }

  get status(): CardPrinterStatus {
    return this.current;
  }

  on(listener: (event: CardPrinterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    await this.line.start();
  }

  async stop(): Promise<void> {
    if (!this.line.started) return;
    const stopped = this.line.stop();
    this.channel.fail(new DOMException('card printer stopped', 'AbortError'));
    await stopped;
    await this.operations;
    this.setStatus({ device: 'offline', ...UNKNOWN_STATUS, detail: 'stopped' });
  }

  /** Rejects with a noDevice CardPrinterError while the printer is not there (status says why). */
  refreshStatus(signal?: AbortSignal): Promise<CardPrinterStatus> {
    return this.serialized(async () => {
      const refused = this.refusal();
      if (refused) throw new CardPrinterError('noDevice', refused.completion, refused.detail);
      try {
        return await this.readStatus(signal);
      } catch (error) {
        this.statusUnreadable(error);
        throw error;
      }
    });
  }

  /**
   * Why nothing can be asked of the printer now (not started, line gone); null when it can. A printer that is
   * there but went silent is still asked (its line is being reopened meanwhile): the call times out.
   */
  private refusal(): { completion: 'deviceNotReady'; detail: string } | null {
    if (!this.line.started) return { completion: 'deviceNotReady', detail: 'card printer not started' };
    if (this.lineGone())
      return {
        completion: 'deviceNotReady',
        detail: this.current.detail ?? `card printer ${this.current.device}`,
      };
    return null;
  }

  pickToContact(signal?: AbortSignal): Promise<CardPrinterResult> {
    return this.operation('pick', signal, async () => {
      const status = await this.readStatus(signal);
      if (status.card !== 'none')
        throw new CardPrinterError(
          'mediaPresent',
          'deviceNotReady',
          `a card is already in the printer (${status.card})`,
        );
      if (status.feeder === 'empty')
        throw new CardPrinterError('feederEmpty', 'deviceNotReady', 'feeder empty: load blank cards');
      if (status.ribbon === 'out')
        throw new CardPrinterError('ribbonOut', 'deviceNotReady', 'ribbon out: replace the ribbon');
      if (status.rejectBox === 'full')
        throw new CardPrinterError('rejectBoxFull', 'deviceNotReady', 'reject box full: empty it');
      signal?.throwIfAborted();
      this.presented = false;
      await this.act('inputFromFeeder', signal);
      await this.act('toContact');
      return 'contact';
    });
  }

  toContact(signal?: AbortSignal): Promise<CardPrinterResult> {
    return this.operation('move to contact', signal, async () => {
      await this.requireCardInside(signal);
      await this.act('toContact');
      return 'contact';
    });
  }

  retract(signal?: AbortSignal): Promise<CardPrinterResult> {
    return this.operation('retract', signal, async () => {
      const status = await this.readStatus(signal);
      if (status.card !== 'exit')
        throw new CardPrinterError(
          'noMedia',
          'deviceNotReady',
          `no card presented in the output slot (card ${status.card})`,
        );
      if (status.rejectBox === 'full')
        throw new CardPrinterError('rejectBoxFull', 'deviceNotReady', 'reject box full: empty it');
      signal?.throwIfAborted();
      await this.act('retract');
      this.presented = false;
      return 'none';
    });
  }

  moveToPrint(signal?: AbortSignal): Promise<CardPrinterResult> {
    return this.operation('move to print', signal, async () => {
      await this.requireCardInside(signal);
      await this.act('toPrint');
      return 'print';
    });
  }

  printImage(png: Uint8Array, signal?: AbortSignal): Promise<CardPrinterResult> {
    try {
      checkCardImage(png);
    } catch (error) {
      return Promise.resolve(failed(describeFailure(error)));
    }
    return this.operation('print', signal, async () => {
      const status = await this.requireCardInside(signal);
      if (status.ribbon === 'out')
        throw new CardPrinterError('ribbonOut', 'deviceNotReady', 'ribbon out: replace the ribbon');
      await this.act('keepAfterPrint', signal);
      signal?.throwIfAborted();
      const reply = await this.channel.exchange(
        PRINT_JOB.name,
        encodePrintJob(png),
        this.options.timeoutsMs.print,
      );
      expectOk(PRINT_JOB.name, reply);
      this.log.info({ bytes: png.length }, 'card printed');
      return 'print';
    });
  }

  eject(signal?: AbortSignal): Promise<CardPrinterResult> {
    return this.operation('eject', signal, async () => {
      await this.requireCardInside(signal);
      await this.act('outputToSlot', signal);
      await this.act('eject');
      this.presented = true;
      // A quick hand may have taken it before the status is read.
      return ['exit', 'none'] as const;
    });
  }

  reject(signal?: AbortSignal): Promise<CardPrinterResult> {
    return this.operation('reject', signal, async () => {
      const status = await this.requireCardInside(signal);
      if (status.rejectBox === 'full')
        throw new CardPrinterError('rejectBoxFull', 'deviceNotReady', 'reject box full: empty it');
      await this.act('outputToReject', signal);
      await this.act('eject');
      return 'none';
    });
  }

  /** Success at once when no card is presented (already taken); noMedia when the card is still inside. */
  waitForCardTaken(request: { timeoutMs: number }, signal?: AbortSignal): Promise<CardPrinterResult> {
    return this.operation('wait for card taken', signal, async () => {
      const deadline = Date.now() + request.timeoutMs;
      for (;;) {
        const position = await this.readPosition(signal);
        if (position === 'none') return 'none';
        if (position !== 'exit')
          throw new CardPrinterError('noMedia', 'deviceNotReady', `no card presented (card ${position})`);
        if (Date.now() >= deadline)
          throw new CardPrinterError(
            'cardNotTaken',
            'timeout',
            `card not taken within ${request.timeoutMs} ms`,
          );
        await sleep(Math.min(this.options.takePollMs ?? 200, Math.max(0, deadline - Date.now())), signal);
        signal?.throwIfAborted();
      }
    });
  }

  /**
   * Runs one card operation after the ones before it: marks the device busy, turns the outcome into a result,
   * reads the status again afterwards (status is state, STYLE.md rule 5), and checks the card got where it should.
   */
  private operation(
    label: string,
    signal: AbortSignal | undefined,
    body: () => Promise<CardPosition | readonly CardPosition[]>,
  ): Promise<CardPrinterResult> {
    return this.serialized(async () => {
      if (signal?.aborted) return failed({ completion: 'canceled', errorCode: null, detail: 'canceled' });
      // Refused before any byte while the line is down: the printer may be unplugged or still powering up.
      const refused = this.refusal();
      if (refused) return failed({ ...refused, errorCode: 'noDevice' });
      this.busy = true;
      this.setStatus({ ...this.current, device: 'busy' });
      let result: CardPrinterResult;
      let expected: readonly CardPosition[] | null = null;
      try {
        const reached = await body();
        expected = Array.isArray(reached) ? reached : [reached];
        result = { completion: 'success', warnings: [] };
      } catch (error) {
        const failure = describeFailure(error);
        this.log.warn(
          { operation: label, errorCode: failure.errorCode, detail: failure.detail },
          'card operation failed',
        );
        result = failed(failure);
      } finally {
        this.busy = false;
      }
      // The line went away under the operation: the status already says noDevice, the card is where it is.
      if (this.lineGone()) {
        if (result.completion !== 'success') return result;
        return failed({
          completion: 'hardwareError',
          errorCode: 'noDevice',
          detail: `${label}: line lost afterwards (${this.current.detail ?? 'no status'})`,
        });
      }
      const after = await this.readStatus().catch((error: unknown) => {
        this.statusUnreadable(error);
        return null;
      });
      if (result.completion !== 'success') return result;
      if (!after)
        return failed({
          completion: 'hardwareError',
          errorCode: 'noDevice',
          detail: `${label}: no status afterwards`,
        });
      if (expected !== null && !expected.includes(after.card)) {
        return failed({
          completion: 'hardwareError',
          errorCode: 'protocolError',
          detail: `${label}: card is at ${after.card}, expected ${expected.join(' or ')}`,
        });
      }
      const warnings: CardPrinterWarning[] = [];
      if (after.feeder === 'low') warnings.push('feederNearEmpty');
      if (after.ribbon === 'low') warnings.push('ribbonLow');
      this.log.info({ operation: label, warnings }, 'card operation done');
      return { completion: 'success', warnings };
    });
  }

  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const result = this.operations.then(step, step);
    this.operations = result.catch(() => undefined);
    return result;
  }

  private async requireCardInside(signal?: AbortSignal): Promise<CardPrinterStatus> {
    const status = await this.readStatus(signal);
    if (!INSIDE.has(status.card))
      throw new CardPrinterError(
        'noMedia',
        'deviceNotReady',
        `no card inside the printer (card ${status.card})`,
      );
    return status;
  }

  /** Sends one command of the table and resolves with its reply line. */
  private command(name: CommandName, signal?: AbortSignal): Promise<string> {
    const definition = COMMANDS[name];
    return this.channel.exchange(
      definition.text,
      encodeCommand(name),
      this.options.timeoutsMs[definition.duration],
      signal,
    );
  }

  /** A command whose only good reply is OK. */
  private async act(name: CommandName, signal?: AbortSignal): Promise<void> {
    expectOk(COMMANDS[name].text, await this.command(name, signal));
  }

  private async readPosition(signal?: AbortSignal): Promise<CardPosition> {
    const position = parsePosition(await this.command('cardPosition', signal));
    if (position === 'card') return this.presented ? 'exit' : 'print';
    if (position === 'none') this.presented = false;
    return position;
  }

  /** Every sensor, in one pass; publishes and returns the status. */
  private async readStatus(signal?: AbortSignal): Promise<CardPrinterStatus> {
    const word = parseStatusWord(await this.command('statusWord', signal));
    // The printer says whether the card is in the output slot: a restarted agent learns it here.
    this.presented = word.cardInSlot;
    const feeder = parseVolts(COMMANDS.feeder.text, await this.command('feeder', signal));
    const nearEmpty = parseVolts(
      COMMANDS.feederNearEmpty.text,
      await this.command('feederNearEmpty', signal),
    );
    const rejectFull = parseRejectBoxFull(await this.command('rejectBox', signal));
    const panels = parseCount(COMMANDS.ribbonPanels.text, await this.command('ribbonPanels', signal));
    const card = await this.readPosition(signal);
    const feederState =
      feeder < SENSOR_THRESHOLD_VOLTS ? 'empty' : nearEmpty < SENSOR_THRESHOLD_VOLTS ? 'low' : 'ok';
    const ribbon = panels === 0 ? 'out' : panels <= (this.options.ribbonLowAt ?? 10) ? 'low' : 'ok';
    const detail = word.jam
      ? 'card jam: reject the card or clear the printer'
      : word.coverOpen
        ? 'cover open'
        : ribbon === 'out'
          ? 'ribbon out'
          : feederState === 'empty'
            ? 'feeder empty'
            : rejectFull
              ? 'reject box full'
              : card === 'exit'
                ? 'card waiting to be taken'
                : null;
    const device = this.busy
      ? 'busy'
      : word.jam
        ? 'hardwareError'
        : word.coverOpen || ribbon === 'out' || feederState === 'empty'
          ? 'offline'
          : 'online';
    const status: CardPrinterStatus = {
      device,
      feeder: feederState,
      rejectBox: rejectFull ? 'full' : 'ok',
      ribbon,
      ribbonPanels: panels,
      cover: word.coverOpen ? 'open' : 'closed',
      jam: word.jam,
      card,
      detail,
    };
    this.setStatus(status);
    return status;
  }

  /** Unplugged, switched off, or not (re)opened yet: the status says noDevice and why. */
  private lineGone(): boolean {
    return !this.transport.isOpen || this.current.device === 'noDevice';
  }

  /**
   * A freshly opened line (in turn with the operations): host error handling, then the whole status; false when
   * the printer does not answer.
   */
  private async check(signal: AbortSignal): Promise<boolean> {
    this.channel.reset();
    try {
      await this.act('hostHandlesErrors', signal);
      await this.readStatus(signal);
      this.log.info({ transport: this.transport.description }, 'card printer answering');
      return true;
    } catch (error) {
      // Stopping, or the line went again (lost() said so): nothing to add.
      if (signal.aborted || !this.transport.isOpen) return false;
      this.setStatus({
        device: 'offline',
        ...UNKNOWN_STATUS,
        detail: `printer check failed: ${describeFailure(error).detail}`,
      });
      return false;
    }
  }

  private async poll(signal: AbortSignal): Promise<void> {
    // An operation reads the status itself, before and after.
    if (this.busy) return;
    await this.serialized(() => this.readStatus(signal)).catch((error: unknown) => {
      if (!signal.aborted) this.statusUnreadable(error);
    });
  }

  /**
   * The status could not be read on a line that is up: the printer is not answering sensibly, so it counts as
   * offline and the line is reopened (after the backoff) rather than trusted again. A cancel is not a failure.
   */
  private statusUnreadable(error: unknown): void {
    const failure = describeFailure(error);
    if (failure.completion === 'canceled' || this.lineGone()) return;
    this.log.warn({ errorCode: failure.errorCode, detail: failure.detail }, 'status read failed');
    this.setStatus({ ...this.current, ...UNKNOWN_STATUS, device: 'offline', detail: failure.detail });
    this.line.markDown();
  }

  /** The line went away (USB unplugged, printer switched off): the exchange in flight fails now, not at its timeout. */
  private lost(reason: string): void {
    this.channel.fail(new TransportError('disconnected', reason));
    this.log.warn({ reason }, 'line lost');
    this.setStatus({
      ...this.current,
      ...UNKNOWN_STATUS,
      device: 'noDevice',
      detail: `line lost: ${reason}`,
    });
  }

  private setStatus(status: CardPrinterStatus): void {
    if (sameStatus(this.current, status)) return;
    this.current = status;
    for (const listener of this.listeners) listener({ type: 'status', status });
  }
}

export function createCardPrinterDriver(
  transport: Transport,
  options: CardPrinterDriverOptions,
): CardPrinter {
  return new CardPrinterDriver(transport, options);
}
