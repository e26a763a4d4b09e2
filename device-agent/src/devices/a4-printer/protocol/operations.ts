import type { CompletionCode } from '@sik/contract';
import type { A4PrinterErrorCode } from '../a4-printer.ts';

/**
 * The IPP vocabulary we use (RFC 8011), in tables (STYLE.md rule 7): operations, status codes, job and printer
 * states, and what each printer-state-reason means for printing. The one place where an IPP answer becomes a
 * completion code and an error code.
 */

/** Operation ids (RFC 8011 section 5.4.15). */
export const OPERATIONS = {
  printJob: 0x0002,
  validateJob: 0x0004,
  cancelJob: 0x0008,
  getJobAttributes: 0x0009,
  getJobs: 0x000a,
  getPrinterAttributes: 0x000b,
} as const;
export type OperationName = keyof typeof OPERATIONS;

export interface StatusCodeDefinition {
  readonly name: string;
  readonly completion: CompletionCode;
  readonly errorCode: A4PrinterErrorCode | null;
}

/** Status codes (RFC 8011 section B): 0x0000-0x00FF success, 0x0400 client errors, 0x0500 server errors. */
export const STATUS_CODES: ReadonlyMap<number, StatusCodeDefinition> = new Map<number, StatusCodeDefinition>([
  [0x0000, { name: 'successful-ok', completion: 'success', errorCode: null }],
  [
    0x0001,
    { name: 'successful-ok-ignored-or-substituted-attributes', completion: 'success', errorCode: null },
  ],
  [0x0002, { name: 'successful-ok-conflicting-attributes', completion: 'success', errorCode: null }],
  // We validate every request: a printer refusing one means we do not speak its dialect.
  [0x0400, { name: 'client-error-bad-request', completion: 'hardwareError', errorCode: 'protocolError' }],
  [0x0401, { name: 'client-error-forbidden', completion: 'deviceNotReady', errorCode: 'notAcceptingJobs' }],
  [
    0x0402,
    { name: 'client-error-not-authenticated', completion: 'deviceNotReady', errorCode: 'notAcceptingJobs' },
  ],
  [
    0x0403,
    { name: 'client-error-not-authorized', completion: 'deviceNotReady', errorCode: 'notAcceptingJobs' },
  ],
  [0x0404, { name: 'client-error-not-possible', completion: 'hardwareError', errorCode: 'protocolError' }],
  [0x0406, { name: 'client-error-not-found', completion: 'hardwareError', errorCode: 'protocolError' }],
  [
    0x0409,
    {
      name: 'client-error-request-entity-too-large',
      completion: 'invalidData',
      errorCode: 'documentRejected',
    },
  ],
  [
    0x040a,
    {
      name: 'client-error-document-format-not-supported',
      completion: 'invalidData',
      errorCode: 'documentRejected',
    },
  ],
  [
    0x040b,
    {
      name: 'client-error-attributes-or-values-not-supported',
      completion: 'invalidData',
      errorCode: 'documentRejected',
    },
  ],
  [0x0500, { name: 'server-error-internal-error', completion: 'hardwareError', errorCode: 'protocolError' }],
  [
    0x0501,
    { name: 'server-error-operation-not-supported', completion: 'hardwareError', errorCode: 'protocolError' },
  ],
  [0x0502, { name: 'server-error-service-unavailable', completion: 'deviceNotReady', errorCode: 'offline' }],
  [
    0x0503,
    { name: 'server-error-version-not-supported', completion: 'hardwareError', errorCode: 'protocolError' },
  ],
  [
    0x0506,
    { name: 'server-error-not-accepting-jobs', completion: 'deviceNotReady', errorCode: 'notAcceptingJobs' },
  ],
  [0x0507, { name: 'server-error-busy', completion: 'deviceNotReady', errorCode: 'offline' }],
]);

export function describeStatusCode(code: number): StatusCodeDefinition {
  const known = STATUS_CODES.get(code);
  if (known) return known;
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  if (code <= 0x00ff) return { name: `successful (${hex})`, completion: 'success', errorCode: null };
  if (code >= 0x0400 && code <= 0x04ff) {
    return { name: `client-error (${hex})`, completion: 'hardwareError', errorCode: 'protocolError' };
  }
  return { name: `server-error (${hex})`, completion: 'hardwareError', errorCode: 'protocolError' };
}

/** job-state (RFC 8011 section 5.3.7). */
export const JOB_STATES = {
  3: 'pending',
  4: 'pending-held',
  5: 'processing',
  6: 'processing-stopped',
  7: 'canceled',
  8: 'aborted',
  9: 'completed',
} as const;
export type JobState = (typeof JOB_STATES)[keyof typeof JOB_STATES];
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set(['canceled', 'aborted', 'completed']);

/** printer-state (RFC 8011 section 5.4.11). */
export const PRINTER_STATES = { 3: 'idle', 4: 'processing', 5: 'stopped' } as const;
export type PrinterState = (typeof PRINTER_STATES)[keyof typeof PRINTER_STATES];

export interface ReasonDefinition {
  /** What it means for a print when the reason has error severity. */
  readonly errorCode: A4PrinterErrorCode;
  readonly completion: Exclude<CompletionCode, 'success'>;
  /** What it says about paper or toner, whatever the severity. */
  readonly media?: 'out' | 'low';
  readonly toner?: 'out' | 'low';
  /** Only ever a warning: printing goes on. */
  readonly warningOnly?: boolean;
  readonly meaning: string;
}

/**
 * printer-state-reasons keywords (RFC 8011 section 5.4.12, PWG 5100.9) and what each means to a kiosk. Paper out
 * is the staff's to fix (userError, as for the receipt printer); a jam is hardware; toner, cover and pause keep
 * the printer from being ready.
 */
export const PRINTER_STATE_REASONS: ReadonlyMap<string, ReasonDefinition> = new Map<string, ReasonDefinition>(
  [
    ['media-empty', { errorCode: 'mediaEmpty', completion: 'userError', media: 'out', meaning: 'paper out' }],
    [
      'media-needed',
      { errorCode: 'mediaEmpty', completion: 'userError', media: 'out', meaning: 'paper needed' },
    ],
    [
      'input-tray-missing',
      { errorCode: 'mediaEmpty', completion: 'userError', meaning: 'paper tray missing' },
    ],
    [
      'media-low',
      {
        errorCode: 'mediaEmpty',
        completion: 'userError',
        media: 'low',
        warningOnly: true,
        meaning: 'paper low',
      },
    ],
    ['media-jam', { errorCode: 'mediaJam', completion: 'hardwareError', meaning: 'paper jam' }],
    [
      'toner-empty',
      { errorCode: 'tonerEmpty', completion: 'deviceNotReady', toner: 'out', meaning: 'toner empty' },
    ],
    [
      'marker-supply-empty',
      { errorCode: 'tonerEmpty', completion: 'deviceNotReady', toner: 'out', meaning: 'ink or toner empty' },
    ],
    [
      'toner-low',
      {
        errorCode: 'tonerEmpty',
        completion: 'deviceNotReady',
        toner: 'low',
        warningOnly: true,
        meaning: 'toner low',
      },
    ],
    [
      'marker-supply-low',
      {
        errorCode: 'tonerEmpty',
        completion: 'deviceNotReady',
        toner: 'low',
        warningOnly: true,
        meaning: 'ink or toner low',
      },
    ],
    ['door-open', { errorCode: 'coverOpen', completion: 'deviceNotReady', meaning: 'door open' }],
    ['cover-open', { errorCode: 'coverOpen', completion: 'deviceNotReady', meaning: 'cover open' }],
    ['paused', { errorCode: 'offline', completion: 'deviceNotReady', meaning: 'paused' }],
    ['moving-to-paused', { errorCode: 'offline', completion: 'deviceNotReady', meaning: 'pausing' }],
    ['shutdown', { errorCode: 'offline', completion: 'deviceNotReady', meaning: 'shutting down' }],
    ['offline-report', { errorCode: 'offline', completion: 'deviceNotReady', meaning: 'offline' }],
    [
      'spool-area-full',
      { errorCode: 'notAcceptingJobs', completion: 'deviceNotReady', meaning: 'spool area full' },
    ],
  ],
);

export type Severity = 'error' | 'warning' | 'report';

/**
 * A reason keyword split into its name and severity: '-error', '-warning' or '-report' suffixes, and no suffix
 * meaning error (RFC 8011 section 5.4.12). 'none' is no reason.
 */
export function parseReason(keyword: string): { reason: string; severity: Severity } | null {
  if (keyword === 'none') return null;
  for (const severity of ['error', 'warning', 'report'] as const) {
    const suffix = `-${severity}`;
    if (keyword.endsWith(suffix) && !PRINTER_STATE_REASONS.has(keyword)) {
      return { reason: keyword.slice(0, -suffix.length), severity };
    }
  }
  return { reason: keyword, severity: 'error' };
}

export interface ReasonsVerdict {
  /** The first reason that stops printing, with its code; null when none does. */
  blocking: (ReasonDefinition & { reason: string }) | null;
  media: 'ok' | 'low' | 'out';
  toner: 'ok' | 'low' | 'out';
  /** Reasons that do not stop printing, for the result's warnings. */
  warnings: string[];
}

/** What a set of printer-state-reasons means for printing. Unknown reasons are reported as warnings. */
export function judgeReasons(keywords: readonly string[]): ReasonsVerdict {
  const verdict: ReasonsVerdict = { blocking: null, media: 'ok', toner: 'ok', warnings: [] };
  const worse = (a: 'ok' | 'low' | 'out', b: 'low' | 'out' | undefined) =>
    b === 'out' || a === 'out' ? 'out' : b === 'low' || a === 'low' ? 'low' : 'ok';
  for (const keyword of keywords) {
    const parsed = parseReason(keyword);
    if (!parsed || parsed.severity === 'report') continue;
    const definition = PRINTER_STATE_REASONS.get(parsed.reason);
    if (!definition) {
      verdict.warnings.push(parsed.reason);
      continue;
    }
    const blocks = parsed.severity === 'error' && !definition.warningOnly;
    // A warning-level 'media-empty' still says something about the paper, but only 'low'.
    verdict.media = worse(verdict.media, blocks ? definition.media : definition.media && 'low');
    verdict.toner = worse(verdict.toner, blocks ? definition.toner : definition.toner && 'low');
    if (blocks) verdict.blocking ??= { ...definition, reason: parsed.reason };
    else verdict.warnings.push(parsed.reason);
  }
  return verdict;
}
