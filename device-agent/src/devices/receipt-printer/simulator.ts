import { createLogger, type Logger } from '../../log.ts';
import type { Transport } from '../../transport/transport.ts';
import { EscPosParser } from './protocol/parser.ts';
import { type PrintedReceipt, ReceiptRenderer } from './protocol/render.ts';
import { encodeStatus, STATUS_KINDS, type StatusKind } from './protocol/status.ts';
import type { PaperState, ReceiptPrinterFault } from './receipt-printer.ts';

export interface ReceiptPrinterSimulatorTiming {
  /** Before a real-time status byte goes out. */
  statusMs: number;
}

/** Guesses, UNCONFIRMED: real-time status answers within a few ms on the printers we know of. */
export const REALISTIC_TIMING: ReceiptPrinterSimulatorTiming = { statusMs: 2 };
export const INSTANT_TIMING: ReceiptPrinterSimulatorTiming = { statusMs: 0 };

/** How the simulator pulls its own plug for the unplugged fault, and pushes it back in. */
export interface SimulatorLine {
  unplug(): void | Promise<void>;
  plug(): void | Promise<void>;
}

export interface ReceiptPrinterSimulatorOptions {
  timing?: Partial<ReceiptPrinterSimulatorTiming>;
  /** Default: close and reopen the transport (a serial line: the host then just hears nothing). */
  line?: SimulatorLine;
  /** Paper width in half-width columns for the rendered text (default 32, 58 mm paper). */
  columns?: number;
  reopenMs?: number;
  logger?: Logger;
}

export interface ReceiptPrinterSimulatorState {
  fault: ReceiptPrinterFault;
  paper: PaperState;
  online: boolean;
  receiptsPrinted: number;
  /** Bytes that arrived while the printer could not print (offline, no paper, cover open) and were dropped. */
  droppedBytes: number;
  /** ESC/POS sequences it did not know. */
  unknownCommands: number;
}

/**
 * The receipt printer's peer: reads the ESC/POS stream like a printer, renders what it would print as text,
 * keeps the printed receipts, answers DLE EOT, and fails on request (STYLE.md rule 9).
 *
 * Simplification: a real printer keeps data that arrives while it cannot print and prints it once the cause is
 * cleared; this one drops it and counts the bytes (the driver checks status before printing anyway).
 */
export class ReceiptPrinterSimulator {
  private readonly parser = new EscPosParser();
  private readonly renderer: ReceiptRenderer;
  private readonly printed: PrintedReceipt[] = [];
  private currentFault: ReceiptPrinterFault = 'none';
  private dropped = 0;
  private readonly timing: ReceiptPrinterSimulatorTiming;
  private readonly line: SimulatorLine;
  private readonly log: Logger;
  private readonly reopenMs: number;
  private replies: Promise<void> = Promise.resolve();
  private running = false;
  private unpluggedByFault = false;
  private reopenTimer: NodeJS.Timeout | null = null;
  private readonly receiptListeners = new Set<(receipt: PrintedReceipt) => void>();

  constructor(
    private readonly transport: Transport,
    options: ReceiptPrinterSimulatorOptions = {},
  ) {
    this.timing = { ...REALISTIC_TIMING, ...options.timing };
    this.line = options.line ?? { unplug: () => transport.close(), plug: () => undefined };
    this.renderer = new ReceiptRenderer(options.columns);
    this.log = options.logger ?? createLogger('receipt-printer-simulator');
    this.reopenMs = options.reopenMs ?? 50;
    transport.onData((chunk) => this.onData(chunk));
    transport.onDisconnect(() => this.scheduleReopen());
  }

  get fault(): ReceiptPrinterFault {
    return this.currentFault;
  }

  /** The receipts printed so far, oldest first. */
  get receipts(): PrintedReceipt[] {
    return [...this.printed];
  }

  get state(): ReceiptPrinterSimulatorState {
    return {
      fault: this.currentFault,
      paper: this.paper,
      online: this.canPrint,
      receiptsPrinted: this.printed.length,
      droppedBytes: this.dropped,
      unknownCommands: this.renderer.unknownCommands,
    };
  }

  /** Called with each receipt as it is cut. */
  onReceipt(listener: (receipt: PrintedReceipt) => void): () => void {
    this.receiptListeners.add(listener);
    return () => this.receiptListeners.delete(listener);
  }

  clearReceipts(): void {
    this.printed.length = 0;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.transport.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    await this.replies;
    await this.transport.close();
  }

  async setFault(fault: ReceiptPrinterFault): Promise<void> {
    const previous = this.currentFault;
    this.currentFault = fault;
    this.log.info({ fault }, 'fault set');
    if (fault === 'unplugged' && previous !== 'unplugged') {
      this.unpluggedByFault = true;
      await this.line.unplug();
    } else if (fault !== 'unplugged' && this.unpluggedByFault) {
      this.unpluggedByFault = false;
      await this.line.plug();
      await this.reopen();
    }
  }

  private get paper(): PaperState {
    return this.currentFault === 'paperOut' ? 'out' : this.currentFault === 'paperNearEnd' ? 'low' : 'ok';
  }

  private get canPrint(): boolean {
    return this.currentFault === 'none' || this.currentFault === 'paperNearEnd';
  }

  private onData(chunk: Uint8Array): void {
    for (const event of this.parser.push(chunk)) {
      if (event.kind === 'command' && event.name === 'realtimeStatus') {
        // Real-time: answered whatever state the printer is in, before anything queued after it prints.
        this.answerStatus(event.params[0] ?? 0);
        continue;
      }
      if (!this.canPrint) {
        this.dropped += event.kind === 'command' ? event.params.length + 1 : event.bytes.length;
        continue;
      }
      const receipt = this.renderer.consume(event);
      if (receipt) {
        this.printed.push(receipt);
        this.log.info({ lines: receipt.lines.length, qrCodes: receipt.qrCodes.length }, 'receipt cut');
        for (const listener of this.receiptListeners) listener(receipt);
      }
    }
  }

  private answerStatus(n: number): void {
    const kind = (Object.keys(STATUS_KINDS) as StatusKind[]).find((k) => STATUS_KINDS[k] === n);
    if (!kind) return;
    const fault = this.currentFault;
    const offline = !this.canPrint;
    let byte: number;
    switch (kind) {
      case 'printer':
        byte = encodeStatus('printer', { offline });
        break;
      case 'offlineCause':
        byte = encodeStatus('offlineCause', {
          coverOpen: fault === 'coverOpen',
          paperEndStop: fault === 'paperOut',
          error: fault === 'offline',
        });
        break;
      case 'errorCause':
        byte = encodeStatus('errorCause', { autoRecoverable: fault === 'offline' });
        break;
      case 'paper':
        // Paper out as PROTOCOLS.md gives it (0x72); some printers also set the near-end bits (0x7E).
        byte = encodeStatus('paper', { nearEnd: fault === 'paperNearEnd', out: fault === 'paperOut' });
        break;
    }
    this.replies = this.replies
      .then(async () => {
        if (this.timing.statusMs > 0)
          await new Promise((resolve) => setTimeout(resolve, this.timing.statusMs));
        if (!this.transport.isOpen || this.unpluggedByFault) return;
        await this.transport.write(Uint8Array.of(byte));
      })
      .catch((error: unknown) => this.log.debug({ err: error }, 'status not delivered'));
  }

  private scheduleReopen(): void {
    if (!this.running || this.unpluggedByFault || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      void this.reopen();
    }, this.reopenMs);
  }

  private async reopen(): Promise<void> {
    if (!this.running || this.unpluggedByFault || this.transport.isOpen) return;
    // Power came back: whatever was half received is gone.
    this.parser.reset();
    try {
      await this.transport.open();
      this.log.info('line open again');
    } catch {
      this.scheduleReopen();
    }
  }
}
