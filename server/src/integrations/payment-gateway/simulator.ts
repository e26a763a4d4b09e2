import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { type GatewayNotification, GatewaySignatureHeaders, maskAccountNumber } from '@sik/contract';
import { chinaDate, ISO_DATE } from '../china-time.ts';
import {
  closeServer,
  createSimServer,
  listen,
  parseJson,
  SimHttpError,
  type SimRoute,
  sendJson,
  sendText,
  sleep,
} from '../http-kit.ts';
import { formatSettlementFile, type SettlementLine } from '../settlement-file.ts';
import {
  CreateOrderRequest,
  GatewayFault,
  GatewayPaths,
  type OrderView,
  PayOrderRequest,
  SetGatewayFaultsRequest,
} from './protocol.ts';
import { signNotification } from './signature.ts';

/**
 * The QR payment gateway simulator: its own ledger of orders (a JSON file when given a data dir). The demo's
 * shared secret is DEMO_GATEWAY_SECRET (the server's default `payments.gatewaySecret`). "The citizen scanned and
 * paid" is POST /control/orders/{merchantOrderId}/pay (or the pay button on the QR's cashier page).
 */

export const DEMO_GATEWAY_SECRET = 'demo-gateway-secret-change-me';
/** Delays before each delivery attempt of a notification, as gateways back off. */
const DEFAULT_RETRY_DELAYS_MS = [0, 200, 1000, 3000];

interface OrderState extends OrderView {
  notifyUrl: string;
  subject: string;
  payer: string | null;
  notifyId: string | null;
}

interface Delivery {
  notifyId: string;
  merchantOrderId: string;
  attempts: number;
  delivered: number;
}

interface GatewayLedgerFile {
  version: 1;
  sequence: number;
  orders: OrderState[];
}

export interface PaymentGatewaySimulatorOptions {
  secret?: string;
  dataDir?: string | null;
  now?: () => number;
  retryDelaysMs?: readonly number[];
}

export class PaymentGatewaySimulator {
  private readonly orders = new Map<string, OrderState>();
  private readonly deliveries: Delivery[] = [];
  private faults: { spec: ReturnType<typeof GatewayFault.parse>; remaining: number | null }[] = [];
  private sequence = 0;
  private server: Server | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly secret: string;
  private readonly file: string | null;
  private readonly now: () => number;
  private readonly retryDelaysMs: readonly number[];
  url = '';

  constructor(options: PaymentGatewaySimulatorOptions = {}) {
    this.secret = options.secret ?? DEMO_GATEWAY_SECRET;
    this.now = options.now ?? Date.now;
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.file = options.dataDir ? join(options.dataDir, 'payment-gateway-ledger.json') : null;
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    if (this.file && existsSync(this.file)) {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as GatewayLedgerFile;
      this.sequence = saved.sequence;
      for (const o of saved.orders) this.orders.set(o.merchantOrderId, o);
    }
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createSimServer(this.routes(), (request, route) => {
      if (!route.path.startsWith('/v1/')) return false;
      if (!this.take((f) => f.fault === 'down')) return false;
      sendJson(request.res, 503, { error: 'UNAVAILABLE', message: 'gateway unavailable' });
      return true;
    });
    this.url = await listen(this.server, port, host);
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
    this.server = null;
  }

  /** Resolves when every notification started so far has been delivered or given up. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  setFaults(faults: readonly GatewayFault[]): void {
    this.faults = faults.map((f) => {
      const spec = GatewayFault.parse(f);
      return { spec, remaining: 'count' in spec && spec.count !== undefined ? spec.count : null };
    });
  }

  reset(): void {
    this.faults = [];
  }

  snapshot(): { orders: OrderView[]; deliveries: Delivery[] } {
    return { orders: [...this.orders.keys()].map((id) => this.view(id)), deliveries: [...this.deliveries] };
  }

  settlement(date: string): SettlementLine[] {
    const missing = new Set(
      this.faults.flatMap((f) => (f.spec.fault === 'settlementMissing' ? [f.spec.merchantOrderId] : [])),
    );
    return [...this.orders.values()]
      .filter((o) => o.status === 'paid' && o.settlementDate === date && !missing.has(o.merchantOrderId))
      .map((o) => ({
        upstreamRef: o.gatewayRef ?? '',
        requestId: o.merchantOrderId,
        account: maskAccountNumber(o.payer ?? ''),
        amountFen: o.amountFen,
        time: o.paidAt ?? '',
      }));
  }

  /** "The citizen scanned and paid." */
  pay(merchantOrderId: string, payer = 'wallet0000demo'): OrderView {
    const order = this.current(merchantOrderId);
    if (order.status === 'paid') return this.view(merchantOrderId);
    if (order.status !== 'created') throw new SimHttpError(409, 'ORDER_CLOSED', `order is ${order.status}`);
    const at = new Date(this.now());
    this.sequence += 1;
    const day = chinaDate(at);
    order.status = 'paid';
    order.paidAt = at.toISOString();
    order.settlementDate = day;
    order.gatewayRef = `GW${day.replaceAll('-', '')}${String(this.sequence).padStart(8, '0')}`;
    order.payer = payer;
    order.notifyId = `N${randomBytes(8).toString('hex')}`;
    this.persist();
    this.notify(order);
    return this.view(merchantOrderId);
  }

  expire(merchantOrderId: string): OrderView {
    const order = this.current(merchantOrderId);
    if (order.status === 'created') {
      order.status = 'expired';
      order.expiresAt = new Date(this.now()).toISOString();
      this.persist();
    }
    return this.view(merchantOrderId);
  }

  private take(
    matches: (f: ReturnType<typeof GatewayFault.parse>) => boolean,
  ): ReturnType<typeof GatewayFault.parse> | null {
    for (const entry of this.faults) {
      if (!matches(entry.spec)) continue;
      if (entry.remaining !== null) {
        entry.remaining -= 1;
        if (entry.remaining <= 0) this.faults = this.faults.filter((f) => f !== entry);
      }
      return entry.spec;
    }
    return null;
  }

  /** The order, expired first when its time has passed. */
  private current(merchantOrderId: string): OrderState {
    const order = this.orders.get(merchantOrderId);
    if (!order) throw new SimHttpError(404, 'NOT_FOUND', 'no such order');
    if (order.status === 'created' && Date.parse(order.expiresAt) <= this.now()) {
      order.status = 'expired';
      this.persist();
    }
    return order;
  }

  private view(merchantOrderId: string): OrderView {
    const o = this.current(merchantOrderId);
    return {
      merchantOrderId: o.merchantOrderId,
      gatewayOrderId: o.gatewayOrderId,
      amountFen: o.amountFen,
      status: o.status,
      qrContent: o.qrContent,
      expiresAt: o.expiresAt,
      paidAt: o.paidAt,
      gatewayRef: o.gatewayRef,
      settlementDate: o.settlementDate,
    };
  }

  private persist(): void {
    if (!this.file) return;
    const ledger: GatewayLedgerFile = {
      version: 1,
      sequence: this.sequence,
      orders: [...this.orders.values()],
    };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(ledger));
    renameSync(tmp, this.file);
  }

  private notify(order: OrderState): void {
    const fault = this.take((f) => f.fault === 'notificationLost' || f.fault === 'duplicateNotifications');
    if (fault?.fault === 'notificationLost') return;
    const copies = fault?.fault === 'duplicateNotifications' ? fault.copies : 1;
    const notification: GatewayNotification = {
      notifyId: order.notifyId ?? '',
      merchantOrderId: order.merchantOrderId,
      gatewayOrderId: order.gatewayOrderId,
      gatewayRef: order.gatewayRef ?? '',
      status: 'paid',
      amountFen: order.amountFen,
      paidAt: order.paidAt ?? '',
      settlementDate: order.settlementDate ?? '',
    };
    const delivery: Delivery = {
      notifyId: notification.notifyId,
      merchantOrderId: order.merchantOrderId,
      attempts: 0,
      delivered: 0,
    };
    this.deliveries.push(delivery);
    for (let i = 0; i < copies; i += 1) {
      const sending = this.deliver(order.notifyUrl, notification, delivery).finally(() =>
        this.inFlight.delete(sending),
      );
      this.inFlight.add(sending);
    }
  }

  private async deliver(url: string, notification: GatewayNotification, delivery: Delivery): Promise<void> {
    const body = JSON.stringify(notification);
    for (const delay of this.retryDelaysMs) {
      if (delay > 0) await sleep(delay);
      delivery.attempts += 1;
      const timestamp = String(this.now());
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [GatewaySignatureHeaders.timestamp]: timestamp,
            [GatewaySignatureHeaders.signature]: signNotification(this.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(5000),
        });
        await response.text();
        if (response.ok) {
          delivery.delivered += 1;
          return;
        }
      } catch {
        // the merchant is unreachable: try again after the next delay
      }
    }
  }

  private routes(): SimRoute[] {
    return [
      {
        method: 'POST',
        path: GatewayPaths.orders,
        handle: ({ res, text }) => {
          const request = parseJson(text, CreateOrderRequest);
          const existing = this.orders.get(request.merchantOrderId);
          if (existing) {
            if (existing.amountFen !== request.amountFen || existing.notifyUrl !== request.notifyUrl)
              throw new SimHttpError(409, 'CONFLICT', 'merchant order id already used for another order');
            sendJson(res, 200, this.view(request.merchantOrderId));
            return;
          }
          const gatewayOrderId = `GO${randomBytes(9).toString('hex').toUpperCase()}`;
          this.orders.set(request.merchantOrderId, {
            merchantOrderId: request.merchantOrderId,
            gatewayOrderId,
            amountFen: request.amountFen,
            status: 'created',
            qrContent: `${this.url}/qr/${gatewayOrderId}`,
            expiresAt: new Date(this.now() + request.ttlSec * 1000).toISOString(),
            paidAt: null,
            gatewayRef: null,
            settlementDate: null,
            notifyUrl: request.notifyUrl,
            subject: request.subject,
            payer: null,
            notifyId: null,
          });
          this.persist();
          sendJson(res, 200, this.view(request.merchantOrderId));
        },
      },
      {
        method: 'GET',
        path: GatewayPaths.order,
        handle: ({ res, params }) => {
          const id = params.merchantOrderId ?? '';
          if (!this.orders.has(id)) sendJson(res, 200, { status: 'notFound', merchantOrderId: id });
          else sendJson(res, 200, this.view(id));
        },
      },
      {
        method: 'POST',
        path: GatewayPaths.close,
        handle: ({ res, params }) => {
          const order = this.current(params.merchantOrderId ?? '');
          if (order.status === 'created') {
            order.status = 'closed';
            this.persist();
          }
          sendJson(res, 200, this.view(order.merchantOrderId));
        },
      },
      {
        method: 'GET',
        path: GatewayPaths.settlement,
        handle: ({ res, params }) => {
          const date = params.date ?? '';
          if (!ISO_DATE.test(date)) throw new SimHttpError(400, 'BAD_REQUEST', 'date must be YYYY-MM-DD');
          sendText(res, 200, 'text/csv; charset=utf-8', formatSettlementFile(this.settlement(date)));
        },
      },
      {
        method: 'GET',
        path: GatewayPaths.qrPage,
        handle: ({ res, params }) => {
          const order = [...this.orders.values()].find((o) => o.gatewayOrderId === params.gatewayOrderId);
          if (!order) throw new SimHttpError(404, 'NOT_FOUND', 'no such order');
          const view = this.view(order.merchantOrderId);
          const yuan = (view.amountFen / 100).toFixed(2);
          const action = GatewayPaths.controlPay.replace(
            ':merchantOrderId',
            encodeURIComponent(view.merchantOrderId),
          );
          sendText(
            res,
            200,
            'text/html; charset=utf-8',
            `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>收银台（模拟）</title>
<h1>${order.subject}</h1><p>金额：${yuan} 元</p><p>状态：${view.status}</p>
${view.status === 'created' ? `<button onclick="fetch('${action}',{method:'POST',headers:{'content-type':'application/json'},body:'{}'}).then(()=>location.reload())">确认付款</button>` : ''}</html>`,
          );
        },
      },
      {
        method: 'POST',
        path: GatewayPaths.controlPay,
        handle: ({ res, params, text }) => {
          const { payer } = parseJson(text, PayOrderRequest);
          sendJson(res, 200, this.pay(params.merchantOrderId ?? '', payer));
        },
      },
      {
        method: 'POST',
        path: GatewayPaths.controlExpire,
        handle: ({ res, params }) => sendJson(res, 200, this.expire(params.merchantOrderId ?? '')),
      },
      {
        method: 'POST',
        path: GatewayPaths.controlFaults,
        handle: ({ res, text }) => {
          this.setFaults(parseJson(text, SetGatewayFaultsRequest).faults);
          sendJson(res, 200, { faults: this.faults.map((f) => f.spec) });
        },
      },
      {
        method: 'POST',
        path: GatewayPaths.controlReset,
        handle: ({ res }) => {
          this.reset();
          sendJson(res, 200, { faults: [] });
        },
      },
      {
        method: 'GET',
        path: GatewayPaths.controlLedger,
        handle: ({ res }) => sendJson(res, 200, this.snapshot()),
      },
    ];
  }
}
