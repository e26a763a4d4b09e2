import { attr, findAttribute, firstValue, GROUP_TAGS, type IppMessage, stringValues } from './ipp.ts';
import { JOB_STATES, type JobState, OPERATIONS, PRINTER_STATES, type PrinterState } from './operations.ts';

/**
 * The four requests the driver sends (RFC 8011 sections 4.2.1, 4.2.8, 4.3.3, 4.3.4) and the readers of their
 * answers. Every request starts with attributes-charset, attributes-natural-language and the target
 * (RFC 8011 section 4.1.4), in that order.
 */

export const IPP_VERSION = { major: 1, minor: 1 } as const;
export const PDF = 'application/pdf';
/** Requested from Get-Printer-Attributes: only what the driver reads, so no collections come back. */
export const PRINTER_ATTRIBUTES = [
  'printer-state',
  'printer-state-reasons',
  'printer-state-message',
  'printer-is-accepting-jobs',
] as const;
export const JOB_ATTRIBUTES = ['job-id', 'job-state', 'job-state-reasons'] as const;

export interface Target {
  printerUri: string;
  requestingUserName: string;
}

function operationGroup(target: Target, ...more: ReturnType<typeof attr.name>[]) {
  return {
    tag: GROUP_TAGS.operation,
    attributes: [
      attr.charset('attributes-charset', 'utf-8'),
      attr.language('attributes-natural-language', 'en'),
      attr.uri('printer-uri', target.printerUri),
      attr.name('requesting-user-name', target.requestingUserName),
      ...more,
    ],
  };
}

const empty = new Uint8Array(0);

export function getPrinterAttributes(requestId: number, target: Target): IppMessage {
  return {
    version: IPP_VERSION,
    code: OPERATIONS.getPrinterAttributes,
    requestId,
    groups: [operationGroup(target, attr.keywords('requested-attributes', PRINTER_ATTRIBUTES))],
    data: empty,
  };
}

export function printJob(
  requestId: number,
  target: Target,
  job: { jobName: string; copies: number },
  pdf: Uint8Array,
): IppMessage {
  return {
    version: IPP_VERSION,
    code: OPERATIONS.printJob,
    requestId,
    groups: [
      operationGroup(target, attr.name('job-name', job.jobName), attr.mimeType('document-format', PDF)),
      // Only when asked: a printer that does not support copies would refuse the attribute.
      ...(job.copies > 1 ? [{ tag: GROUP_TAGS.job, attributes: [attr.integer('copies', job.copies)] }] : []),
    ],
    data: pdf,
  };
}

export function getJobAttributes(requestId: number, target: Target, jobId: number): IppMessage {
  return {
    version: IPP_VERSION,
    code: OPERATIONS.getJobAttributes,
    requestId,
    groups: [
      operationGroup(
        target,
        attr.integer('job-id', jobId),
        attr.keywords('requested-attributes', JOB_ATTRIBUTES),
      ),
    ],
    data: empty,
  };
}

export function cancelJob(requestId: number, target: Target, jobId: number): IppMessage {
  return {
    version: IPP_VERSION,
    code: OPERATIONS.cancelJob,
    requestId,
    groups: [operationGroup(target, attr.integer('job-id', jobId))],
    data: empty,
  };
}

export interface PrinterDescription {
  state: PrinterState | null;
  reasons: string[];
  message: string | null;
  acceptingJobs: boolean | null;
}

export function readPrinterDescription(response: IppMessage): PrinterDescription {
  const state = firstValue(response, GROUP_TAGS.printer, 'printer-state');
  const accepting = firstValue(response, GROUP_TAGS.printer, 'printer-is-accepting-jobs');
  const message = firstValue(response, GROUP_TAGS.printer, 'printer-state-message');
  return {
    state: typeof state === 'number' ? (PRINTER_STATES[state as keyof typeof PRINTER_STATES] ?? null) : null,
    reasons: stringValues(response, GROUP_TAGS.printer, 'printer-state-reasons').filter((r) => r !== 'none'),
    message: typeof message === 'string' && message.length > 0 ? message : null,
    acceptingJobs: typeof accepting === 'boolean' ? accepting : null,
  };
}

export interface JobDescription {
  jobId: number | null;
  state: JobState | null;
  reasons: string[];
}

/** Job attributes from a Print-Job or Get-Job-Attributes answer. */
export function readJobDescription(response: IppMessage): JobDescription {
  const jobId = firstValue(response, GROUP_TAGS.job, 'job-id');
  const state = firstValue(response, GROUP_TAGS.job, 'job-state');
  return {
    jobId: typeof jobId === 'number' ? jobId : null,
    state: typeof state === 'number' ? (JOB_STATES[state as keyof typeof JOB_STATES] ?? null) : null,
    reasons: stringValues(response, GROUP_TAGS.job, 'job-state-reasons').filter((r) => r !== 'none'),
  };
}

/** status-message of an answer (operation attributes), if the printer gave one. */
export function statusMessage(response: IppMessage): string | null {
  const attribute = findAttribute(response, GROUP_TAGS.operation, 'status-message');
  const value = attribute?.values[0]?.value;
  return typeof value === 'string' ? value : null;
}
