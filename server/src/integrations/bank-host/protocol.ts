import { z } from 'zod';

/**
 * The bank host's debit API as our server (the adapter) and its simulator both see it: JSON over HTTP. The
 * request id is the caller's: a debit with an id the bank has seen is never made twice, the first answer is
 * given again. A query of an id the bank has never seen answers notFound and voids the id, so a debit that
 * arrives late with it is refused: after a notFound, nothing can be debited under that id.
 */

export const BankHostPaths = {
  debit: '/v1/debits',
  debitById: '/v1/debits/:requestId',
  settlement: '/v1/settlements/:date',
  controlFaults: '/control/faults',
  controlReset: '/control/reset',
  controlLedger: '/control/ledger',
  controlBalance: '/control/accounts/:accountNumber/balance',
} as const;

export const RequestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export const DebitRequest = z.object({
  requestId: RequestId,
  accountNumber: z.string().regex(/^[0-9]{16,19}$/),
  amountFen: z.number().int().positive().max(100_000_000),
  /** SM4 PIN block, ISO 9564 format 0, from the kiosk's PIN pad. */
  pinBlockHex: z.string().regex(/^[0-9A-Fa-f]{32}$/),
  /** What the statement shows, e.g. 城乡居民养老保险 2026. */
  memo: z.string().max(60).default(''),
});
export type DebitRequest = z.input<typeof DebitRequest>;

export const DeclineCode = z.enum([
  'INSUFFICIENT_FUNDS',
  'WRONG_PIN',
  'PIN_LOCKED',
  'NO_SUCH_ACCOUNT',
  'INVALID_PIN_BLOCK',
  /** A fault injected by the test: refused for no reason the bank gives. */
  'DECLINED',
  /** The id was queried and found nothing, so it can no longer debit. */
  'REQUEST_VOIDED',
]);
export type DeclineCode = z.infer<typeof DeclineCode>;

export const ApprovedDebit = z.object({
  status: z.literal('approved'),
  requestId: z.string(),
  bankRef: z.string(),
  amountFen: z.number().int(),
  approvedAt: z.string(),
  /** The business day (China) whose settlement file lists the debit. */
  settlementDate: z.string(),
});
export const DeclinedDebit = z.object({
  status: z.literal('declined'),
  requestId: z.string(),
  code: DeclineCode,
  message: z.string(),
});
export const DebitAnswer = z.discriminatedUnion('status', [ApprovedDebit, DeclinedDebit]);
export type DebitAnswer = z.infer<typeof DebitAnswer>;

export const DebitQueryAnswer = z.discriminatedUnion('status', [
  ApprovedDebit,
  DeclinedDebit,
  z.object({ status: z.literal('notFound'), requestId: z.string() }),
]);
export type DebitQueryAnswer = z.infer<typeof DebitQueryAnswer>;

/** Faults a test injects; each applies to `count` matching requests (all while set, when omitted). */
export const BankFault = z.discriminatedUnion('fault', [
  /** Debits, then answers only after delayMs (longer than the caller waits). */
  z.object({
    fault: z.literal('timeout'),
    delayMs: z.number().int().min(0).max(600_000),
    on: z.enum(['debit', 'query']).default('debit'),
    count: z.number().int().positive().optional(),
  }),
  /** Debits, then drops the connection without a word. */
  z.object({ fault: z.literal('dropReply'), count: z.number().int().positive().optional() }),
  /** Refuses the debit (nothing debited). */
  z.object({
    fault: z.literal('decline'),
    code: DeclineCode.default('DECLINED'),
    count: z.number().int().positive().optional(),
  }),
  /** Answers 503 and does nothing. */
  z.object({
    fault: z.literal('down'),
    on: z.enum(['debit', 'query', 'all']).default('all'),
    count: z.number().int().positive().optional(),
  }),
  /** The settlement file lists a debit the bank never made. */
  z.object({
    fault: z.literal('settlementExtra'),
    date: z.string(),
    requestId: z.string(),
    amountFen: z.number().int().positive(),
    account: z.string().default('6200********0000'),
  }),
  /** The settlement file leaves out a debit the bank made. */
  z.object({ fault: z.literal('settlementMissing'), requestId: z.string() }),
  /** The settlement file shows another amount for a debit. */
  z.object({
    fault: z.literal('settlementAmount'),
    requestId: z.string(),
    amountFen: z.number().int().positive(),
  }),
]);
export type BankFault = z.input<typeof BankFault>;

export const SetFaultsRequest = z.object({ faults: z.array(BankFault) });

export const LedgerSnapshot = z.object({
  accounts: z.array(
    z.object({
      accountNumber: z.string(),
      accountId: z.string(),
      balanceFen: z.number().int(),
      locked: z.boolean(),
    }),
  ),
  debits: z.array(
    z.object({
      requestId: z.string(),
      accountNumber: z.string(),
      amountFen: z.number().int(),
      status: z.enum(['approved', 'declined']),
      bankRef: z.string().nullable(),
      at: z.string(),
    }),
  ),
});
export type LedgerSnapshot = z.infer<typeof LedgerSnapshot>;
