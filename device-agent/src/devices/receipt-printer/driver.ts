import { createLogger, type Logger } from '../../log.ts';
import { DEFAULT_RECONNECT_MS, LineKeeper } from '../../transport/line-keeper.ts';
import { type Transport, TransportError } from '../../transport/transport.ts';
import { PrinterChannel } from './channel.ts';
import { type FailureCompletion, ReceiptPrinterError } from './protocol/errors.ts';
import { buildReceipt, type Receipt } from './protocol/receipt.ts';
import { parseStatus, type StatusKind } from './protocol/status.ts';
import type {
  ReceiptPrinter,
  ReceiptPrinterErrorCode,
  ReceiptPrinterEvent,
  ReceiptPrinterStatus,
  ReceiptPrinterWarning,
  ReceiptPrintResult,
} from './receipt-printer.ts';

export interface ReceiptPrinterDriverOptions {
  /** Time between two status polls (paper, cover, and a printer that went silent). */
  pollIntervalMs: number;
  /** How long a status request waits for its byte. */
  commandTimeoutMs: number;
  /** Unanswered status requests in a row before the printer counts as offline and the line is reopened. */
  offlineAfterFailures?: number;
  /** Reopening a lost line: first wait and cap, doubling in between. */
  reconnectMs?: { initial: number; max: number };
  logger?: Logger;
}

/** line: no sensible answer (count, then offline and reopen); request: this call could not be done. */
type FailureScope = 'line' | 'request' | 'canceled';

export interface Failure {
  completion: FailureCompletion;
  errorCode: ReceiptPrinterErrorCode | null;
  detail: string;
  scope: FailureScope;
}

/** The one place where an exception becomes a completion code and an error code (STYLE.md rule 4). */
export function describeFailure(error: unknown): Failure {
  if (error instanceof ReceiptPrinterError) {
    const scope: FailureScope =
      error.code === 'noDevice' || error.code === 'protocolError' ? 'line' : 'request';
    return { completion: error.completion, errorCode: error.code, detail: error.message, scope };
  }
  if (error instanceof TransportError) {
    return { completion: 'hardwareError', errorCode: 'noDevice', detail: error.message, scope: 'line' };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { completion: 'canceled', errorCode: null, detail: 'canceled', scope: 'canceled' };
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected failure';
  return { completion: 'hardwareError', errorCode: 'protocolError', detail, scope: 'line' };
}

/** What the printer said about itself in one round of status requests. */
export interface PrinterCondition {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
}

/** The refusal a condition means, before printing or after; null when printing can go on. */
export function refusal(condition: PrinterCondition, when: 'before' | 'after'): ReceiptPrinterError | null {
  if (when === 'before') {
    if (condition.paperOut)
      return new ReceiptPrinterError('paperOut', 'userError', 'paper out: load a new roll');
    if (condition.coverOpen)
      return new ReceiptPrinterError('coverOpen', 'deviceNotReady', 'printer cover open');
    if (condition.offline)
      return new ReceiptPrinterError('offline', 'deviceNotReady', 'printer reports offline');
    return null;
  }
  if (condition.paperOut) {
    return new ReceiptPrinterError(
      'paperOut',
      'userError',
      'paper ran out while printing: the receipt may be incomplete',
    );
  }
  if (condition.coverOpen) {
    return new ReceiptPrinterError(
      'coverOpen',
      'hardwareError',
      'cover opened while printing: the receipt may be incomplete',
    );
  }
  if (condition.offline) {
    return new ReceiptPrinterError(
      'offline',
      'hardwareError',
      'printer went offline while printing: the receipt may be incomplete',
    );
  }
  return null;
}

const sameStatus = (a: ReceiptPrinterStatus, b: ReceiptPrinterStatus): boolean =>
  a.device === b.device && a.media === b.media && a.detail === b.detail;

type Failed = Extract<ReceiptPrintResult, { errorCode: unknown }>;
const failed = (
  completion: FailureCompletion,
  errorCode: ReceiptPrinterErrorCode | null,
  detail: string,
): Failed => ({
  completion,
  errorCode,
  detail,
});

class ReceiptPrinterDriver implements ReceiptPrinter {
  private current: ReceiptPrinterStatus = { device: 'offline', media: 'unknown', detail: 'not started' };
  private readonly listeners = new Set<(event: ReceiptPrinterEvent) => void>();
  private readonly channel: PrinterChannel;
  private readonly log: Logger;
  private readonly offlineAfterFailures: number;
  /** Opens the line, reopens it with backoff after it went away, polls the status while it is up. */
  private readonly line: LineKeeper;
  private lineFailures = 0;
  private printing = false;
  private operations: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly transport: Transport,
    options: ReceiptPrinterDriverOptions,
  ) {
    this.log = options.logger ?? createLogger('receipt-printer');
    this.offlineAfterFailures = options.offlineAfterFailures ?? 3;
    this.channel = new PrinterChannel(transport, options.commandTimeoutMs, this.log);
    this.line = new LineKeeper(
      transport,
      { pollIntervalMs: options.pollIntervalMs, reconnectMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS },
      {
        openFailed: (error) =>
          this.setStatus({ device: 'noDevice', media: 'unknown', detail: describeFailure(error).detail }),
        check: (signal) => this.check(signal),
        poll: (signal) => this.poll(signal),
        lost: (reason) => this.lost(reason),
      },
    );
  }

  get status(): ReceiptPrinterStatus {
    return this.current;
  }

  on(listener: (event: ReceiptPrinterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    await this.line.start();
  }

  async stop(): Promise<void> {
    if (!this.line.started) return;
    const stopped = this.line.stop();
    this.channel.fail(new DOMException('receipt printer stopped', 'AbortError'));
    await stopped;
    this.setStatus({ device: 'offline', media: 'unknown', detail: 'stopped' });
  }

  printReceipt(receipt: Receipt, signal?: AbortSignal): Promise<ReceiptPrintResult> {
    // Built, and so checked, before anything goes to the printer (STYLE.md rule 3).
    let bytes: Uint8Array;
    try {
      bytes = buildReceipt(receipt);
    } catch (error) {
      const failure = describeFailure(error);
      return Promise.resolve(failed(failure.completion, failure.errorCode, failure.detail));
    }
    const run = async (): Promise<ReceiptPrintResult> => {
      if (!this.line.started) return failed('deviceNotReady', 'noDevice', 'receipt printer not started');
      if (signal?.aborted) return failed('canceled', null, 'canceled');
      if (!this.line.up) {
        return failed(
          'deviceNotReady',
          'noDevice',
          this.current.detail ?? `receipt printer ${this.current.device}`,
        );
      }
      return this.print(bytes, signal);
    };
    const result = this.operations.then(run, run);
    this.operations = result.catch(() => undefined);
    return result;
  }

  private async print(bytes: Uint8Array, signal?: AbortSignal): Promise<ReceiptPrintResult> {
    try {
      const before = await this.readCondition(signal);
      this.applyCondition(before);
      const refused = refusal(before, 'before');
      if (refused) throw refused;
      // The last moment a cancel is honoured: once the bytes go, the paper moves.
      signal?.throwIfAborted();
      this.printing = true;
      this.setStatus({ ...this.current, device: 'busy' });
      await this.channel.write(bytes);
      const after = await this.readCondition();
      this.printing = false;
      this.applyCondition(after);
      const problem = refusal(after, 'after');
      if (problem) throw problem;
      const warnings: ReceiptPrinterWarning[] = after.paperNearEnd ? ['paperNearEnd'] : [];
      this.log.info({ bytes: bytes.length, warnings }, 'receipt printed');
      return { completion: 'success', warnings };
    } catch (error) {
      const failure = describeFailure(error);
      this.handleFailure(failure);
      this.log.warn({ errorCode: failure.errorCode, detail: failure.detail }, 'receipt not printed');
      return failed(failure.completion, failure.errorCode, failure.detail);
    } finally {
      this.printing = false;
      if (this.current.device === 'busy') this.setStatus({ ...this.current, device: 'online' });
    }
  }

  /** Printer (n=1), paper (n=4), and the offline cause (n=2) when offline. */
  private async readCondition(signal?: AbortSignal): Promise<PrinterCondition> {
    const printer = await this.ask('printer', signal);
    const paper = await this.ask('paper', signal);
    const cause = printer.offline ? await this.ask('offlineCause', signal) : null;
    return {
      offline: printer.offline,
      coverOpen: cause?.coverOpen ?? false,
      paperOut: paper.out || (cause?.paperEndStop ?? false),
      paperNearEnd: paper.nearEnd,
    };
  }

  private async ask<K extends StatusKind>(kind: K, signal?: AbortSignal) {
    const byte = await this.channel.query(kind, signal);
    this.lineFailures = 0;
    const flags = parseStatus(kind, byte);
    // The channel already checked the fixed bits.
    if (!flags)
      throw new ReceiptPrinterError('protocolError', 'hardwareError', `status (${kind}): not a status byte`);
    return flags;
  }

  private applyCondition(condition: PrinterCondition): void {
    const media = condition.paperOut ? 'out' : condition.paperNearEnd ? 'low' : 'ok';
    const detail = condition.paperOut
      ? 'paper out'
      : condition.coverOpen
        ? 'cover open'
        : condition.offline
          ? 'printer reports offline'
          : condition.paperNearEnd
            ? 'paper near end'
            : null;
    const device = condition.offline || condition.paperOut ? 'offline' : this.printing ? 'busy' : 'online';
    this.setStatus({ device, media, detail });
  }

  /** A freshly opened line: the printer answers its status, or it counts as offline and is reopened later. */
  private async check(signal: AbortSignal): Promise<boolean> {
    this.lineFailures = 0;
    try {
      const condition = await this.readCondition(signal);
      this.log.info({ transport: this.transport.description }, 'receipt printer answering');
      this.applyCondition(condition);
      return true;
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.scope === 'canceled') return true;
      this.setStatus({
        device: 'offline',
        media: 'unknown',
        detail: `printer check failed: ${failure.detail}`,
      });
      this.lineFailures = this.offlineAfterFailures;
      return false;
    }
  }

  private async poll(signal: AbortSignal): Promise<void> {
    try {
      this.applyCondition(await this.readCondition(signal));
    } catch (error) {
      this.handleFailure(describeFailure(error));
    }
  }

  private handleFailure(failure: Failure): void {
    if (failure.scope !== 'line') return;
    this.lineFailures += 1;
    this.log.warn(
      { errorCode: failure.errorCode, inARow: this.lineFailures, detail: failure.detail },
      'status failed',
    );
    if (this.lineFailures >= this.offlineAfterFailures && this.line.up) {
      this.line.markDown();
      this.setStatus({
        device: 'offline',
        media: 'unknown',
        detail: `no valid answer from the printer (${this.lineFailures} in a row): ${failure.detail}`,
      });
    }
  }

  private lost(reason: string): void {
    this.channel.fail(new TransportError('disconnected', reason));
    this.log.warn({ reason }, 'line lost');
    this.setStatus({ device: 'noDevice', media: 'unknown', detail: reason });
  }

  private setStatus(next: ReceiptPrinterStatus): void {
    if (sameStatus(this.current, next)) return;
    this.current = next;
    this.log.info({ device: next.device, media: next.media, detail: next.detail }, 'status');
    this.emit({ type: 'status', status: next });
  }

  private emit(event: ReceiptPrinterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: error, event: event.type }, 'listener threw');
      }
    }
  }
}

/** The receipt printer over a Transport (memory pair, serial line): one step at a time, status polled. */
export function createReceiptPrinterDriver(
  transport: Transport,
  options: ReceiptPrinterDriverOptions,
): ReceiptPrinter {
  return new ReceiptPrinterDriver(transport, options);
}
