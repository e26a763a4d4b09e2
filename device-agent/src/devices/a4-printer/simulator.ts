import { createLogger, type Logger } from '../../log.ts';
import { IppTransportError } from '../../transport/ipp.ts';
import type { A4PrinterFault } from './a4-printer.ts';
import {
  attr,
  decodeMessage,
  encodeMessage,
  firstValue,
  GROUP_TAGS,
  type IppAttribute,
  IppDecodeError,
  type IppMessage,
} from './protocol/ipp.ts';
import {
  JOB_STATES,
  type JobState,
  OPERATIONS,
  PRINTER_STATES,
  type PrinterState,
} from './protocol/operations.ts';
import { PDF } from './protocol/requests.ts';

export interface A4PrinterSimulatorTiming {
  /** From accepted to processing. */
  startMs: number;
  /** From processing to completed (or aborted). */
  printMs: number;
}

/** A page or two on an office laser printer; UNCONFIRMED, and short enough for the demo. */
export const REALISTIC_TIMING: A4PrinterSimulatorTiming = { startMs: 300, printMs: 3000 };
export const INSTANT_TIMING: A4PrinterSimulatorTiming = { startMs: 0, printMs: 0 };

export interface A4PrinterSimulatorOptions {
  timing?: Partial<A4PrinterSimulatorTiming>;
  /** The printer's name in printer-info (default 'SIK A4 simulator'). */
  name?: string;
  logger?: Logger;
}

export interface SimulatedJob {
  id: number;
  name: string;
  copies: number;
  state: JobState;
  reasons: string[];
  document: Uint8Array;
}

/** A job as the control channel shows it: the document as its size and a base64 copy. */
export interface SimulatedJobView {
  id: number;
  name: string;
  copies: number;
  state: JobState;
  reasons: string[];
  bytes: number;
  documentBase64: string;
}

const STATUS = {
  ok: 0x0000,
  badRequest: 0x0400,
  notFound: 0x0406,
  formatNotSupported: 0x040a,
  operationNotSupported: 0x0501,
  versionNotSupported: 0x0503,
  notAcceptingJobs: 0x0506,
} as const;

const stateCode = (state: JobState): number =>
  Number(Object.entries(JOB_STATES).find(([, name]) => name === state)?.[0] ?? 3);
const printerStateCode = (state: PrinterState): number =>
  Number(Object.entries(PRINTER_STATES).find(([, name]) => name === state)?.[0] ?? 3);

/** printer-state-reasons each fault shows. */
const FAULT_REASONS: Readonly<Record<A4PrinterFault, string[]>> = {
  none: [],
  mediaEmpty: ['media-empty-error'],
  mediaLow: ['media-low-warning'],
  tonerEmpty: ['toner-empty-error'],
  mediaJam: ['media-jam-error'],
  coverOpen: ['cover-open-error'],
  stopped: ['paused'],
  notAcceptingJobs: [],
  jobAborted: [],
  jobStuck: [],
  unreachable: [],
};

/**
 * The A4 printer's peer: an IPP printer that answers the operations the driver uses (Get-Printer-Attributes,
 * Print-Job, Get-Job-Attributes, Cancel-Job) from the same encoder and decoder, keeps every document it was
 * sent, moves jobs through pending, processing and completed, and fails on request (STYLE.md rule 9). Runs in
 * this process behind a memory IPP transport, or behind an HTTP server (simulator-server.ts).
 */
export class A4PrinterSimulator {
  private readonly jobs: SimulatedJob[] = [];
  private nextJobId = 1;
  private currentFault: A4PrinterFault = 'none';
  private readonly timing: A4PrinterSimulatorTiming;
  private readonly name: string;
  private readonly log: Logger;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: A4PrinterSimulatorOptions = {}) {
    this.timing = { ...REALISTIC_TIMING, ...options.timing };
    this.name = options.name ?? 'SIK A4 simulator';
    this.log = options.logger ?? createLogger('a4-printer-simulator');
  }

  get fault(): A4PrinterFault {
    return this.currentFault;
  }

  setFault(fault: A4PrinterFault): void {
    this.currentFault = fault;
    this.log.info({ fault }, 'fault set');
  }

  /** Every job received, oldest first (documents included). */
  get receivedJobs(): SimulatedJob[] {
    return this.jobs.map((job) => ({ ...job, reasons: [...job.reasons] }));
  }

  jobViews(): SimulatedJobView[] {
    return this.jobs.map((job) => ({
      id: job.id,
      name: job.name,
      copies: job.copies,
      state: job.state,
      reasons: [...job.reasons],
      bytes: job.document.length,
      documentBase64: Buffer.from(job.document).toString('base64'),
    }));
  }

  clearJobs(): void {
    this.jobs.length = 0;
  }

  /** Stops the job clocks (jobs in progress stay where they are). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** One IPP request in, one answer out; throws IppTransportError when the fault is unreachable. */
  async handle(body: Uint8Array): Promise<Uint8Array> {
    if (this.currentFault === 'unreachable') {
      throw new IppTransportError('unreachable', 'ipp:memory: unreachable (simulated)');
    }
    let request: IppMessage;
    try {
      request = decodeMessage(body);
    } catch (error) {
      if (!(error instanceof IppDecodeError)) throw error;
      return encodeMessage(
        this.answer(
          { version: { major: 1, minor: 1 }, code: 0, requestId: 0, groups: [], data: new Uint8Array() },
          STATUS.badRequest,
          [],
          error.message,
        ),
      );
    }
    return encodeMessage(this.dispatch(request));
  }

  private dispatch(request: IppMessage): IppMessage {
    if (request.version.major !== 1 && request.version.major !== 2) {
      return this.answer(request, STATUS.versionNotSupported);
    }
    const charset = firstValue(request, GROUP_TAGS.operation, 'attributes-charset');
    const uri = firstValue(request, GROUP_TAGS.operation, 'printer-uri');
    if (charset === undefined || uri === undefined) {
      return this.answer(request, STATUS.badRequest, [], 'missing attributes-charset or printer-uri');
    }
    switch (request.code) {
      case OPERATIONS.getPrinterAttributes:
        // requested-attributes is honoured loosely: the simulator always answers its whole small set.
        return this.answer(request, STATUS.ok, [
          { tag: GROUP_TAGS.printer, attributes: this.printerAttributes() },
        ]);
      case OPERATIONS.printJob:
        return this.printJob(request);
      case OPERATIONS.getJobAttributes: {
        const job = this.jobOf(request);
        if (!job) return this.answer(request, STATUS.notFound, [], 'no such job');
        return this.answer(request, STATUS.ok, [
          { tag: GROUP_TAGS.job, attributes: this.jobAttributes(job) },
        ]);
      }
      case OPERATIONS.cancelJob: {
        const job = this.jobOf(request);
        if (!job) return this.answer(request, STATUS.notFound, [], 'no such job');
        if (job.state === 'completed' || job.state === 'aborted' || job.state === 'canceled') {
          return this.answer(request, 0x0404, [], 'job already finished');
        }
        job.state = 'canceled';
        job.reasons = ['job-canceled-by-user'];
        this.log.info({ jobId: job.id }, 'job canceled');
        return this.answer(request, STATUS.ok);
      }
      default:
        return this.answer(request, STATUS.operationNotSupported);
    }
  }

  private printJob(request: IppMessage): IppMessage {
    const format = firstValue(request, GROUP_TAGS.operation, 'document-format');
    if (format !== undefined && format !== PDF && format !== 'application/octet-stream') {
      return this.answer(request, STATUS.formatNotSupported, [], `only ${PDF}`);
    }
    if (this.currentFault === 'notAcceptingJobs' || this.currentFault === 'stopped') {
      return this.answer(request, STATUS.notAcceptingJobs);
    }
    const copies = firstValue(request, GROUP_TAGS.job, 'copies');
    const name = firstValue(request, GROUP_TAGS.operation, 'job-name');
    const job: SimulatedJob = {
      id: this.nextJobId++,
      name: typeof name === 'string' ? name : 'untitled',
      copies: typeof copies === 'number' ? copies : 1,
      state: 'pending',
      reasons: [],
      document: request.data.slice(),
    };
    this.jobs.push(job);
    this.log.info({ jobId: job.id, bytes: job.document.length }, 'job received');
    this.later(this.timing.startMs, () => this.advance(job));
    return this.answer(request, STATUS.ok, [{ tag: GROUP_TAGS.job, attributes: this.jobAttributes(job) }]);
  }

  /** pending -> processing -> completed, unless a fault says otherwise. */
  private advance(job: SimulatedJob): void {
    if (job.state !== 'pending') return;
    job.state = 'processing';
    job.reasons = ['job-printing'];
    this.later(this.timing.printMs, () => {
      if (job.state !== 'processing') return;
      const fault = this.currentFault;
      if (fault === 'jobStuck') return;
      if (fault === 'jobAborted' || FAULT_REASONS[fault].some((r) => r.endsWith('-error'))) {
        job.state = 'aborted';
        job.reasons = ['aborted-by-system'];
        this.log.info({ jobId: job.id, fault }, 'job aborted');
        return;
      }
      job.state = 'completed';
      job.reasons = ['job-completed-successfully'];
      this.log.info({ jobId: job.id }, 'job completed');
    });
  }

  private later(ms: number, step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      step();
    }, ms);
    this.timers.add(timer);
  }

  private jobOf(request: IppMessage): SimulatedJob | undefined {
    const id = firstValue(request, GROUP_TAGS.operation, 'job-id');
    return this.jobs.find((job) => job.id === id);
  }

  private printerAttributes(): IppAttribute[] {
    const reasons = FAULT_REASONS[this.currentFault];
    const busy = this.jobs.some((job) => job.state === 'processing');
    const stopped = this.currentFault === 'stopped' || reasons.some((r) => r.endsWith('-error'));
    const state: PrinterState = stopped ? 'stopped' : busy ? 'processing' : 'idle';
    return [
      attr.enumeration('printer-state', printerStateCode(state)),
      attr.keywords('printer-state-reasons', reasons.length > 0 ? reasons : ['none']),
      attr.text('printer-state-message', stopped ? 'stopped' : ''),
      attr.boolean('printer-is-accepting-jobs', this.currentFault !== 'notAcceptingJobs'),
      attr.text('printer-info', this.name),
      attr.keywords('document-format-supported', [PDF]),
    ];
  }

  private jobAttributes(job: SimulatedJob): IppAttribute[] {
    return [
      attr.integer('job-id', job.id),
      attr.uri('job-uri', `ipp://simulator/ipp/print/${job.id}`),
      attr.enumeration('job-state', stateCode(job.state)),
      attr.keywords('job-state-reasons', job.reasons.length > 0 ? job.reasons : ['none']),
    ];
  }

  private answer(
    request: IppMessage,
    status: number,
    groups: IppMessage['groups'] = [],
    message?: string,
  ): IppMessage {
    const operation = [
      attr.charset('attributes-charset', 'utf-8'),
      attr.language('attributes-natural-language', 'en'),
      ...(message ? [attr.text('status-message', message)] : []),
    ];
    return {
      version: request.version,
      code: status,
      requestId: request.requestId,
      groups: [{ tag: GROUP_TAGS.operation, attributes: operation }, ...groups],
      data: new Uint8Array(0),
    };
  }
}
