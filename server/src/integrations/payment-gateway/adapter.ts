import { parseSettlementFile, type SettlementLine } from '../settlement-file.ts';
import { callUpstream, parseAnswer } from '../upstream-http.ts';
import { type CreateOrderRequest, OrderQueryAnswer, OrderView } from './protocol.ts';

/** Our server's client of the QR payment gateway; every call waits at most `timeoutMs`. */

export type CreateOrderOutcome =
  | { kind: 'created'; order: OrderView }
  | { kind: 'notSent'; reason: string }
  | { kind: 'unknown'; reason: string };
export type OrderQueryOutcome =
  | { kind: 'found'; order: OrderView }
  | { kind: 'notFound' }
  | { kind: 'unknown'; reason: string };

export class PaymentGatewayError extends Error {
  override readonly name = 'PaymentGatewayError';
  readonly code = 'UPSTREAM_UNAVAILABLE';
}

export class PaymentGatewayClient {
  constructor(private readonly options: { baseUrl: string; timeoutMs: number }) {}

  private url(path: string): string {
    return new URL(path, this.options.baseUrl).toString();
  }

  /** Idempotent on the merchant order id: asking again gives the same order. */
  async createOrder(request: CreateOrderRequest): Promise<CreateOrderOutcome> {
    const reply = await callUpstream(this.url('/v1/orders'), {
      method: 'POST',
      body: request,
      timeoutMs: this.options.timeoutMs,
    });
    if (reply.kind !== 'answer') return reply;
    if (reply.status === 503) return { kind: 'notSent', reason: 'gateway answered 503' };
    const order = reply.status === 200 ? parseAnswer(reply.text, OrderView) : undefined;
    if (!order || order.merchantOrderId !== request.merchantOrderId)
      return { kind: 'unknown', reason: `gateway answered ${reply.status}` };
    return { kind: 'created', order };
  }

  async queryOrder(merchantOrderId: string): Promise<OrderQueryOutcome> {
    return this.orderCall('GET', `/v1/orders/${encodeURIComponent(merchantOrderId)}`, merchantOrderId);
  }

  /** Closes an unpaid order so it can no longer be paid; a paid order stays paid (and is answered as such). */
  async closeOrder(merchantOrderId: string): Promise<OrderQueryOutcome> {
    return this.orderCall('POST', `/v1/orders/${encodeURIComponent(merchantOrderId)}/close`, merchantOrderId);
  }

  private async orderCall(
    method: 'GET' | 'POST',
    path: string,
    merchantOrderId: string,
  ): Promise<OrderQueryOutcome> {
    const reply = await callUpstream(this.url(path), { method, timeoutMs: this.options.timeoutMs });
    if (reply.kind !== 'answer') return { kind: 'unknown', reason: reply.reason };
    if (reply.status !== 200) return { kind: 'unknown', reason: `gateway answered ${reply.status}` };
    const answer = parseAnswer(reply.text, OrderQueryAnswer);
    if (!answer || answer.merchantOrderId !== merchantOrderId)
      return { kind: 'unknown', reason: 'gateway answer not understood' };
    if (answer.status === 'notFound') return { kind: 'notFound' };
    return { kind: 'found', order: answer as OrderView };
  }

  async settlement(date: string): Promise<SettlementLine[]> {
    const reply = await callUpstream(this.url(`/v1/settlements/${date}`), {
      method: 'GET',
      timeoutMs: this.options.timeoutMs,
    });
    if (reply.kind !== 'answer' || reply.status !== 200)
      throw new PaymentGatewayError(
        `gateway settlement file for ${date} not available: ${reply.kind === 'answer' ? reply.status : reply.reason}`,
      );
    return parseSettlementFile(reply.text);
  }
}
