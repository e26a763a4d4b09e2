import { createLogger, type Logger } from '../../log.ts';
import { type IppTransport, IppTransportError } from '../../transport/ipp.ts';
import type {
  A4Printer,
  A4PrinterErrorCode,
  A4PrinterEvent,
  A4PrinterStatus,
  PdfPrintRequest,
  PdfPrintResult,
} from './a4-printer.ts';
import { A4PrinterError, type FailureCompletion } from './protocol/errors.ts';
import { decodeMessage, encodeMessage, IppDecodeError, type IppMessage } from './protocol/ipp.ts';
import { describeStatusCode, judgeReasons, TERMINAL_JOB_STATES } from './protocol/operations.ts';
import {
  cancelJob,
  getJobAttributes,
  getPrinterAttributes,
  type JobDescription,
  type PrinterDescription,
  printJob,
  readJobDescription,
  readPrinterDescription,
  statusMessage,
  type Target,
} from './protocol/requests.ts';

export interface A4PrinterDriverOptions {
  /** Time between two Get-Printer-Attributes polls for the published status. */
  pollIntervalMs: number;
  /** Time between two Get-Job-Attributes polls while a job runs. */
  jobPollMs: number;
  /** How long a job may take to complete when the request gives no timeout. */
  jobTimeoutMs: number;
  /** requesting-user-name in every request (default 'sik-kiosk'): the kiosk, never a citizen. */
  requestingUserName?: string;
  /** Largest PDF accepted (default 50 MB). */
  maxPdfBytes?: number;
  logger?: Logger;
}

export interface Failure {
  completion: FailureCompletion;
  errorCode: A4PrinterErrorCode | null;
  detail: string;
}

/**
 * The one place where an exception becomes a completion code and an error code (STYLE.md rule 4). A printer
 * that cannot be reached is not ready before it took the job (deviceNotReady), and a hardware problem after
 * (the job's fate is then unknown).
 */
export function describeFailure(error: unknown, jobId: number | null = null): Failure {
  if (error instanceof A4PrinterError) {
    return { completion: error.completion, errorCode: error.code, detail: error.message };
  }
  if (error instanceof IppTransportError) {
    if (jobId === null) return { completion: 'deviceNotReady', errorCode: 'noDevice', detail: error.message };
    return {
      completion: 'hardwareError',
      errorCode: 'noDevice',
      detail: `job ${jobId}: lost the printer while printing, the job's outcome is unknown (${error.message})`,
    };
  }
  if (error instanceof IppDecodeError) {
    return {
      completion: 'hardwareError',
      errorCode: 'protocolError',
      detail: `unreadable IPP answer: ${error.message}`,
    };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { completion: 'canceled', errorCode: null, detail: 'canceled' };
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected failure';
  return { completion: 'hardwareError', errorCode: 'protocolError', detail };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

const sameStatus = (a: A4PrinterStatus, b: A4PrinterStatus): boolean =>
  a.device === b.device &&
  a.media === b.media &&
  a.toner === b.toner &&
  a.detail === b.detail &&
  a.reasons.join() === b.reasons.join();

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** Why a print request cannot be sent, or null. */
export function checkPrintRequest(request: PdfPrintRequest, maxPdfBytes: number): string | null {
  if (!(request.pdf instanceof Uint8Array)) return 'pdf: expected bytes';
  if (request.pdf.length < PDF_MAGIC.length || PDF_MAGIC.some((b, i) => request.pdf[i] !== b)) {
    return 'pdf: does not start with %PDF-';
  }
  if (request.pdf.length > maxPdfBytes) return `pdf: larger than ${maxPdfBytes} bytes`;
  if (typeof request.jobName !== 'string' || request.jobName.length === 0 || request.jobName.length > 255) {
    return 'jobName: 1 to 255 characters';
  }
  for (let i = 0; i < request.jobName.length; i++) {
    const code = request.jobName.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return 'jobName: control characters are not allowed';
  }
  const copies = request.copies ?? 1;
  if (!Number.isInteger(copies) || copies < 1 || copies > 99) return 'copies: an integer from 1 to 99';
  if (request.timeoutMs !== undefined && (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0)) {
    return 'timeoutMs must be > 0';
  }
  return null;
}

class A4PrinterDriver implements A4Printer {
  private current: A4PrinterStatus = {
    device: 'offline',
    media: 'unknown',
    toner: 'unknown',
    reasons: [],
    detail: 'not started',
  };
  private readonly listeners = new Set<(event: A4PrinterEvent) => void>();
  private readonly log: Logger;
  private readonly target: Target;
  private readonly maxPdfBytes: number;
  private requestId = 0;
  private printing = false;
  private operations: Promise<unknown> = Promise.resolve();
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly transport: IppTransport,
    private readonly options: A4PrinterDriverOptions,
  ) {
    this.log = options.logger ?? createLogger('a4-printer');
    this.target = {
      printerUri: transport.printerUri,
      requestingUserName: options.requestingUserName ?? 'sik-kiosk',
    };
    this.maxPdfBytes = options.maxPdfBytes ?? 50 * 1024 * 1024;
  }

  get status(): A4PrinterStatus {
    return this.current;
  }

  on(listener: (event: A4PrinterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    await this.refresh(abort.signal);
    this.loop = this.run(abort.signal);
  }

  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    this.abort = null;
    abort.abort();
    await this.loop;
    this.loop = null;
    this.setStatus({ device: 'offline', media: 'unknown', toner: 'unknown', reasons: [], detail: 'stopped' });
  }

  printPdf(request: PdfPrintRequest, signal?: AbortSignal): Promise<PdfPrintResult> {
    const problem = checkPrintRequest(request, this.maxPdfBytes);
    if (problem) return Promise.resolve({ completion: 'invalidData', errorCode: null, detail: problem });
    const run = async (): Promise<PdfPrintResult> => {
      if (!this.abort)
        return { completion: 'deviceNotReady', errorCode: 'noDevice', detail: 'A4 printer not started' };
      if (signal?.aborted) return { completion: 'canceled', errorCode: null, detail: 'canceled' };
      return this.print(request, signal);
    };
    const result = this.operations.then(run, run);
    this.operations = result.catch(() => undefined);
    return result;
  }

  private async print(request: PdfPrintRequest, signal?: AbortSignal): Promise<PdfPrintResult> {
    const deadline = performance.now() + (request.timeoutMs ?? this.options.jobTimeoutMs);
    let jobId: number | null = null;
    try {
      const printer = await this.describePrinter(signal);
      const verdict = this.refuseIfNotReady(printer);
      this.printing = true;
      this.setStatus({ ...this.current, device: 'busy' });
      const answer = await this.call(
        printJob(
          this.nextId(),
          this.target,
          { jobName: request.jobName, copies: request.copies ?? 1 },
          request.pdf,
        ),
        signal,
      );
      const accepted = readJobDescription(answer);
      if (accepted.jobId === null) {
        throw new A4PrinterError('protocolError', 'hardwareError', 'Print-Job: the answer has no job-id');
      }
      jobId = accepted.jobId;
      // The job name is a document type by contract; still, only the id goes to the log.
      this.log.info({ jobId, bytes: request.pdf.length }, 'job accepted');
      this.emit({ type: 'job', jobId, state: accepted.state ?? 'pending' });
      const final = await this.waitForJob(jobId, accepted, deadline, request, signal);
      switch (final.state) {
        case 'completed':
          this.log.info({ jobId }, 'job completed');
          return { completion: 'success', jobId, warnings: verdict.warnings };
        case 'canceled':
          throw new A4PrinterError(
            'jobCanceled',
            'canceled',
            `job ${jobId} was canceled at the printer`,
            jobId,
          );
        default:
          throw await this.abortedJob(jobId, final);
      }
    } catch (error) {
      if (
        jobId !== null &&
        (signal?.aborted || (error instanceof A4PrinterError && error.completion === 'timeout'))
      ) {
        await this.cancelOnPrinter(jobId);
      }
      const failure = describeFailure(error, jobId);
      this.log.warn(
        { jobId, completion: failure.completion, errorCode: failure.errorCode, detail: failure.detail },
        'print failed',
      );
      return jobId === null ? failure : { ...failure, jobId };
    } finally {
      this.printing = false;
      if (this.current.device === 'busy') this.setStatus({ ...this.current, device: 'online' });
    }
  }

  /** Polls the job until it ends, the deadline passes, or the caller gives up. */
  private async waitForJob(
    jobId: number,
    first: JobDescription,
    deadline: number,
    request: PdfPrintRequest,
    signal?: AbortSignal,
  ): Promise<JobDescription> {
    let job = first;
    let lastState = first.state;
    while (!job.state || !TERMINAL_JOB_STATES.has(job.state)) {
      const left = deadline - performance.now();
      if (left <= 0) {
        const timeoutMs = request.timeoutMs ?? this.options.jobTimeoutMs;
        throw new A4PrinterError(
          null,
          'timeout',
          `job ${jobId} not completed within ${timeoutMs} ms (${job.state ?? 'state unknown'})`,
          jobId,
        );
      }
      await sleep(Math.min(this.options.jobPollMs, left), signal);
      signal?.throwIfAborted();
      job = readJobDescription(await this.call(getJobAttributes(this.nextId(), this.target, jobId), signal));
      if (job.state !== lastState) {
        lastState = job.state;
        this.emit({ type: 'job', jobId, state: job.state ?? 'unknown' });
      }
    }
    return job;
  }

  /** Why the printer aborted the job: a blocking printer reason when there is one, else the job's reasons. */
  private async abortedJob(jobId: number, job: JobDescription): Promise<A4PrinterError> {
    const printer = await this.describePrinter().catch(() => null);
    const blocking = printer ? judgeReasons(printer.reasons).blocking : null;
    if (blocking) {
      return new A4PrinterError(
        blocking.errorCode,
        blocking.completion,
        `job ${jobId} aborted: ${blocking.meaning}`,
        jobId,
      );
    }
    const reasons = job.reasons.length > 0 ? ` (${job.reasons.join(', ')})` : '';
    return new A4PrinterError(
      'jobAborted',
      'hardwareError',
      `job ${jobId} aborted by the printer${reasons}`,
      jobId,
    );
  }

  private async cancelOnPrinter(jobId: number): Promise<void> {
    try {
      const answer = await this.call(cancelJob(this.nextId(), this.target, jobId));
      this.log.info({ jobId, status: describeStatusCode(answer.code).name }, 'job canceled on the printer');
    } catch (error) {
      this.log.warn({ jobId, detail: describeFailure(error, jobId).detail }, 'could not cancel the job');
    }
  }

  /** Throws when the printer cannot take a job now; returns the verdict on its reasons otherwise. */
  private refuseIfNotReady(printer: PrinterDescription) {
    const verdict = judgeReasons(printer.reasons);
    if (verdict.blocking) {
      throw new A4PrinterError(
        verdict.blocking.errorCode,
        verdict.blocking.completion,
        `printer: ${verdict.blocking.meaning}`,
      );
    }
    if (printer.acceptingJobs === false) {
      throw new A4PrinterError('notAcceptingJobs', 'deviceNotReady', 'printer is not accepting jobs');
    }
    if (printer.state === 'stopped') {
      throw new A4PrinterError(
        'offline',
        'deviceNotReady',
        `printer stopped${printer.message ? `: ${printer.message}` : ''}`,
      );
    }
    return verdict;
  }

  /** Get-Printer-Attributes, published as status. */
  private async describePrinter(signal?: AbortSignal): Promise<PrinterDescription> {
    try {
      const printer = readPrinterDescription(
        await this.call(getPrinterAttributes(this.nextId(), this.target), signal),
      );
      this.applyDescription(printer);
      return printer;
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.errorCode === 'noDevice') {
        this.setStatus({
          device: 'noDevice',
          media: 'unknown',
          toner: 'unknown',
          reasons: [],
          detail: failure.detail,
        });
      } else if (failure.completion !== 'canceled') {
        this.setStatus({ ...this.current, device: 'offline', detail: failure.detail });
      }
      throw error;
    }
  }

  /** One IPP exchange: the answer decoded, its request-id checked and its status code judged. */
  private async call(message: IppMessage, signal?: AbortSignal): Promise<IppMessage> {
    const bytes = await this.transport.request(encodeMessage(message), signal);
    const answer = decodeMessage(bytes);
    if (answer.requestId !== message.requestId) {
      throw new A4PrinterError(
        'protocolError',
        'hardwareError',
        `answer to request ${answer.requestId}, not ${message.requestId}`,
      );
    }
    const status = describeStatusCode(answer.code);
    if (status.completion !== 'success') {
      const said = statusMessage(answer);
      throw new A4PrinterError(
        status.errorCode ?? 'protocolError',
        status.completion,
        `${status.name}${said ? `: ${said}` : ''}`,
      );
    }
    return answer;
  }

  private applyDescription(printer: PrinterDescription): void {
    const verdict = judgeReasons(printer.reasons);
    const notReady =
      printer.state === 'stopped' || verdict.blocking !== null || printer.acceptingJobs === false;
    const detail = verdict.blocking
      ? verdict.blocking.meaning
      : printer.acceptingJobs === false
        ? 'not accepting jobs'
        : printer.state === 'stopped'
          ? (printer.message ?? 'stopped')
          : verdict.warnings.length > 0
            ? verdict.warnings.join(', ')
            : null;
    this.setStatus({
      device: this.printing ? 'busy' : notReady ? 'offline' : 'online',
      media: verdict.media,
      toner: verdict.toner,
      reasons: printer.reasons,
      detail,
    });
  }

  private async refresh(signal: AbortSignal): Promise<void> {
    await this.describePrinter(signal).catch(() => undefined);
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.options.pollIntervalMs, signal);
      if (signal.aborted) break;
      // A print in progress publishes status itself; polls wait their turn behind it.
      const poll = () => this.refresh(signal);
      const turn = this.operations.then(poll, poll);
      this.operations = turn;
      await turn;
    }
  }

  private nextId(): number {
    this.requestId = (this.requestId % 0x7fffffff) + 1;
    return this.requestId;
  }

  private setStatus(next: A4PrinterStatus): void {
    if (sameStatus(this.current, next)) return;
    this.current = next;
    this.log.info(
      { device: next.device, media: next.media, toner: next.toner, detail: next.detail },
      'status',
    );
    this.emit({ type: 'status', status: next });
  }

  private emit(event: A4PrinterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: error, event: event.type }, 'listener threw');
      }
    }
  }
}

/** The A4 printer over an IPP transport (HTTP to a printer, or the simulator in this process). */
export function createA4PrinterDriver(transport: IppTransport, options: A4PrinterDriverOptions): A4Printer {
  return new A4PrinterDriver(transport, options);
}
