import type { SettlementLine } from '../settlement-file.ts';
import { parseSettlementFile } from '../settlement-file.ts';
import { callUpstream, parseAnswer } from '../upstream-http.ts';
import { DebitAnswer, DebitQueryAnswer, type DebitRequest, type DeclineCode } from './protocol.ts';

/**
 * Our server's client of the bank host. Every call waits at most `timeoutMs`. A debit's outcome is approved,
 * declined, notSent (the bank cannot have debited: connection refused, or 503 "not accepted"), or unknown (it may
 * have: find out with `query`, never by debiting again).
 */

export interface Approved {
  kind: 'approved';
  bankRef: string;
  amountFen: number;
  approvedAt: string;
  settlementDate: string;
}
export type DebitOutcome =
  | Approved
  | { kind: 'declined'; code: DeclineCode }
  | { kind: 'notSent'; reason: string }
  | { kind: 'unknown'; reason: string };
export type DebitQueryOutcome =
  | Approved
  | { kind: 'declined'; code: DeclineCode }
  | { kind: 'notFound' }
  | { kind: 'unknown'; reason: string };

export class BankHostError extends Error {
  override readonly name = 'BankHostError';
  readonly code = 'UPSTREAM_UNAVAILABLE';
}

export interface BankHostClientOptions {
  baseUrl: string;
  timeoutMs: number;
}

function fromAnswer(answer: DebitAnswer): Approved | { kind: 'declined'; code: DeclineCode } {
  if (answer.status === 'declined') return { kind: 'declined', code: answer.code };
  return {
    kind: 'approved',
    bankRef: answer.bankRef,
    amountFen: answer.amountFen,
    approvedAt: answer.approvedAt,
    settlementDate: answer.settlementDate,
  };
}

export class BankHostClient {
  constructor(private readonly options: BankHostClientOptions) {}

  private url(path: string): string {
    return new URL(path, this.options.baseUrl).toString();
  }

  async debit(request: DebitRequest): Promise<DebitOutcome> {
    const reply = await callUpstream(this.url('/v1/debits'), {
      method: 'POST',
      body: request,
      timeoutMs: this.options.timeoutMs,
    });
    if (reply.kind !== 'answer') return reply;
    // 503 is the bank's "not accepted": it answers so before it does anything.
    if (reply.status === 503) return { kind: 'notSent', reason: 'bank host answered 503' };
    if (reply.status !== 200) return { kind: 'unknown', reason: `bank host answered ${reply.status}` };
    const answer = parseAnswer(reply.text, DebitAnswer);
    if (!answer || answer.requestId !== request.requestId)
      return { kind: 'unknown', reason: 'bank host answer not understood' };
    return fromAnswer(answer);
  }

  async query(requestId: string): Promise<DebitQueryOutcome> {
    const reply = await callUpstream(this.url(`/v1/debits/${encodeURIComponent(requestId)}`), {
      method: 'GET',
      timeoutMs: this.options.timeoutMs,
    });
    if (reply.kind !== 'answer') return { kind: 'unknown', reason: reply.reason };
    if (reply.status !== 200) return { kind: 'unknown', reason: `bank host answered ${reply.status}` };
    const answer = parseAnswer(reply.text, DebitQueryAnswer);
    if (!answer || answer.requestId !== requestId)
      return { kind: 'unknown', reason: 'bank host answer not understood' };
    if (answer.status === 'notFound') return { kind: 'notFound' };
    return fromAnswer(answer);
  }

  /** The bank's settlement file for a business day (China date). */
  async settlement(date: string): Promise<SettlementLine[]> {
    const reply = await callUpstream(this.url(`/v1/settlements/${date}`), {
      method: 'GET',
      timeoutMs: this.options.timeoutMs,
    });
    if (reply.kind !== 'answer' || reply.status !== 200)
      throw new BankHostError(
        `bank host settlement file for ${date} not available: ${reply.kind === 'answer' ? reply.status : reply.reason}`,
      );
    return parseSettlementFile(reply.text);
  }
}
