import { createHash, randomBytes } from 'node:crypto';
import {
  type GatewayNotification,
  GatewaySignatureHeaders,
  maskAccountNumber,
  type PaymentOptionsResponse,
  type PaymentReceipt,
  Routes,
} from '@sik/contract';
import type { AppDeps } from '../app.ts';
import type { Db } from '../db/db.ts';
import { AuthError, ConflictError, InvalidInputError, NotEligibleError, NotFoundError } from '../errors.ts';
import { BankHostClient } from '../integrations/bank-host/adapter.ts';
import { chinaYear } from '../integrations/china-time.ts';
import { PaymentGatewayClient } from '../integrations/payment-gateway/adapter.ts';
import { verifyNotification } from '../integrations/payment-gateway/signature.ts';
import type { Logger } from '../log.ts';
import { appendAudit, appendAuditInTransaction } from '../repositories/audit.ts';
import {
  findPaymentById,
  findPaymentByKey,
  insertPayment,
  markAwaitingQr,
  openPaymentOf,
  type PaymentPersonFacts,
  type PaymentRow,
  paymentPersonFacts,
} from '../repositories/payments.ts';
import { DECLINE_REASONS, QR_CHANNEL, REASONS, toOutcome } from './payments/outcome.ts';
import {
  type Actor,
  auditDetails,
  bankDebit,
  endPayment,
  gatewayDebit,
  postPayment,
  resolveOpenPayment,
  SYSTEM,
} from './payments/settle.ts';

/**
 * Contribution payment (社保缴费) of the urban-rural residents' pension: from the linked bank account with the
 * PIN (through the bank host) or by QR (through the payment gateway), exactly once.
 *
 * - The payment row is written, 'pending', before the bank or gateway is called; its unique idempotency key makes
 *   the same request answer the same outcome (a different request with the key is a CONFLICT).
 * - A timeout, a dropped reply or an answer we cannot read leaves it pending; it is resolved by querying the bank
 *   by request id (at once, a few times with backoff, then by the background resolver), never by debiting again.
 * - Posting is one transaction: the payment becomes 'posted' and the year's contribution row is written, guarded
 *   by unique constraints so that it can happen once.
 */

export type PaymentMethod = { kind: 'bankAccount'; pinBlockHex: string } | { kind: 'qr' };

export interface ContributionPaymentRequest {
  kioskId: string;
  personId: string;
  /** The contribution year paid for. */
  year: number;
  /** The chosen yearly grade, in fen. */
  amountCents: number;
  method: PaymentMethod;
  /** Chosen by the agent and journaled before the request: the same key never pays twice. */
  idempotencyKey: string;
  /** Set when the payment is an item of a bundle. */
  bundleId?: string;
}

export type PaymentStatus = 'posted' | 'declined' | 'awaitingQr' | 'pending' | 'failed';

export interface ContributionPaymentOutcome {
  paymentId: string;
  status: PaymentStatus;
  amountCents: number;
  /** Plain reason when declined, failed or pending (e.g. insufficient funds, wrong PIN). */
  reason?: string;
  /** For QR payments: what the citizen scans, and until when. */
  qr?: { content: string; expiresAt: string };
  idempotencyKey: string;
  personId: string;
  year: number;
  method: PaymentMethod['kind'];
  /** What the receipt printer prints, once posted. */
  receipt?: PaymentReceipt;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentDeps {
  deps: AppDeps;
  db: Db;
  log: Logger;
  bankHost: BankHostClient;
  gateway: PaymentGatewayClient;
  clock: () => Date;
  /** Waits before each query after a debit with an unknown outcome, before answering 'pending'. */
  queryBackoffMs: readonly number[];
  /** How long a QR stays payable. */
  qrTtlSec: number;
}

export function createPaymentDeps(
  deps: AppDeps,
  overrides: Partial<Omit<PaymentDeps, 'deps'>> = {},
): PaymentDeps {
  const { payments } = deps.config;
  return {
    deps,
    db: deps.db,
    log: deps.log.child({ ns: 'payments' }),
    bankHost: new BankHostClient({ baseUrl: payments.bankHostUrl, timeoutMs: payments.timeoutMs }),
    gateway: new PaymentGatewayClient({ baseUrl: payments.gatewayUrl, timeoutMs: payments.timeoutMs }),
    clock: () => new Date(deps.now?.() ?? Date.now()),
    queryBackoffMs: payments.queryBackoffMs,
    qrTtlSec: 900,
    ...overrides,
  };
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,64}$/;
const PIN_BLOCK = /^[0-9A-Fa-f]{32}$/;
const PERSON_ID = /^P[0-9]{8}$/;

function newPaymentId(): string {
  // 16 characters of Crockford-like base32 (no I, L, O, U): 80 random bits.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(16);
  let id = 'PAY';
  for (const byte of bytes) id += alphabet[byte % 32];
  return id;
}

/** What was asked, without the PIN block (a credential, not part of the request's meaning, never stored). */
function requestHash(request: ContributionPaymentRequest): string {
  const canonical = JSON.stringify([
    request.kioskId,
    request.personId,
    request.year,
    request.amountCents,
    request.method.kind,
    request.bundleId ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function gradesCents(p: PaymentDeps): number[] {
  return p.deps.config.residentPension.gradesYuan.map((yuan) => yuan * 100);
}

function validate(p: PaymentDeps, request: ContributionPaymentRequest): void {
  if (!IDEMPOTENCY_KEY.test(request.idempotencyKey))
    throw new InvalidInputError('idempotencyKey must be 16 to 64 letters, digits, - or _', 'idempotencyKey');
  if (!PERSON_ID.test(request.personId))
    throw new InvalidInputError('personId must be P and 8 digits', 'personId');
  if (!gradesCents(p).includes(request.amountCents))
    throw new InvalidInputError(
      `amountCents must be one of the grades: ${p.deps.config.residentPension.gradesYuan.join(' / ')} 元`,
      'amountCents',
    );
  if (request.method.kind === 'bankAccount' && !PIN_BLOCK.test(request.method.pinBlockHex))
    throw new InvalidInputError('pinBlockHex must be 32 hex digits from the PIN pad', 'method.pinBlockHex');
}

/** Why the person cannot pay for the year now, in words to tell them; null when they can. */
function refusal(facts: PaymentPersonFacts, year: number): string | null {
  if (!facts.residentPension) {
    return facts.employeePension
      ? '您已参加城镇职工基本养老保险，不能缴纳城乡居民养老保险费'
      : '您尚未参加城乡居民基本养老保险，请先办理参保登记';
  }
  if (facts.residentPension.status === 'terminated')
    return '您的城乡居民养老保险已终止，请到社保经办机构咨询';
  if (facts.receivingPension) return '您已按月领取养老待遇，无需再缴费';
  if (facts.paidCents !== null) return `${year}年度已缴费，无需重复缴纳（already paid for ${year}）`;
  return null;
}

async function factsOrNotFound(p: PaymentDeps, personId: string, year: number): Promise<PaymentPersonFacts> {
  const facts = await paymentPersonFacts(p.db, personId, year);
  if (!facts.exists) throw new NotFoundError('PERSON_NOT_FOUND', 'no such person');
  return facts;
}

/** What the kiosk shows before the citizen chooses: the year, the grades, the account, and whether they may pay. */
export async function paymentOptions(p: PaymentDeps, personId: string): Promise<PaymentOptionsResponse> {
  const year = chinaYear(p.clock());
  const facts = await factsOrNotFound(p, personId, year);
  const open = await openPaymentOf(p.db, personId, year);
  let reason = refusal(facts, year);
  if (!reason && open) reason = '该年度有一笔缴费正在处理中，请稍后查询结果';
  const account = facts.linkedAccount;
  return {
    personId,
    year,
    gradesCents: gradesCents(p),
    enrolled: facts.residentPension !== null && facts.residentPension.status !== 'terminated',
    alreadyPaid: facts.paidCents !== null,
    paidAmountCents: facts.paidCents,
    openPaymentId: open?.payment_id ?? null,
    linkedAccount: account
      ? {
          bankId: account.bankId,
          bankName: account.bankName,
          maskedAccount: maskAccountNumber(account.accountNumber),
          accountNumber: account.accountNumber,
        }
      : null,
    methods: reason ? [] : account ? ['bankAccount', 'qr'] : ['qr'],
    eligible: reason === null,
    reason,
  };
}

function settleWaitMs(p: PaymentDeps): number {
  const { timeoutMs } = p.deps.config.payments;
  return timeoutMs * (1 + p.queryBackoffMs.length) + p.queryBackoffMs.reduce((a, b) => a + b, 0) + 1000;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The same key again (a retry, a double tap, two servers): the same request gets the first request's outcome,
 * waiting while that one is still at the bank; a different request is a conflict.
 */
async function replay(p: PaymentDeps, row: PaymentRow, hash: string): Promise<ContributionPaymentOutcome> {
  if (row.request_hash !== hash)
    throw new ConflictError('this idempotencyKey was used for a different payment', 'idempotencyKey');
  let current = row;
  const deadline = row.updated_at.getTime() + settleWaitMs(p);
  while (current.status === 'pending' && p.clock().getTime() < deadline) {
    await sleep(50);
    current = (await findPaymentById(p.db, row.payment_id)) ?? current;
  }
  // Still pending long after its request should have ended: that request died; find out from the bank.
  if (current.status === 'pending') current = await resolveOpenPayment(p, current, SYSTEM);
  return toOutcome(current);
}

export async function payContribution(
  p: PaymentDeps,
  request: ContributionPaymentRequest,
): Promise<ContributionPaymentOutcome> {
  validate(p, request);
  const hash = requestHash(request);
  const existing = await findPaymentByKey(p.db, request.idempotencyKey);
  if (existing) return replay(p, existing, hash);

  const now = p.clock();
  const currentYear = chinaYear(now);
  if (request.year !== currentYear) throw new NotEligibleError(`只能缴纳${currentYear}年度的保费`, 'year');
  const facts = await factsOrNotFound(p, request.personId, request.year);
  const reason = refusal(facts, request.year);
  if (reason) throw new NotEligibleError(reason);
  const account = facts.linkedAccount;
  if (request.method.kind === 'bankAccount' && !account)
    throw new NotEligibleError('您没有绑定的银行账户，请选择扫码缴费', 'method');

  const who: Actor = { actor: `kiosk:${request.kioskId}`, kioskId: request.kioskId };
  if (facts.openPayment?.method === 'qr' && facts.openPayment.status === 'awaitingQr')
    await closeAbandonedQr(p, request.personId, request.year, who);

  const paymentId = newPaymentId();
  const bank = request.method.kind === 'bankAccount' ? account : null;
  const inserted = await p.db.transaction(async (tx) => {
    const result = await insertPayment(tx, {
      paymentId,
      idempotencyKey: request.idempotencyKey,
      requestHash: hash,
      kioskId: request.kioskId,
      bundleId: request.bundleId ?? null,
      personId: request.personId,
      year: request.year,
      amountCents: request.amountCents,
      method: request.method.kind,
      accountId: bank?.accountId ?? null,
      maskedAccount: bank ? maskAccountNumber(bank.accountNumber) : null,
      paidThrough: bank?.bankName ?? QR_CHANNEL,
      at: now,
    });
    if (typeof result === 'object') {
      await appendAuditInTransaction(
        tx,
        {
          ...who,
          action: 'payment.accepted',
          result: 'pending',
          details: {
            paymentId,
            personId: request.personId,
            year: request.year,
            amountCents: request.amountCents,
            method: request.method.kind,
            maskedAccount: bank ? maskAccountNumber(bank.accountNumber) : null,
            ...(request.bundleId ? { bundleId: request.bundleId } : {}),
          },
        },
        now,
      );
    }
    return result;
  });
  if (inserted === 'keyTaken') {
    const raced = await findPaymentByKey(p.db, request.idempotencyKey);
    if (raced) return replay(p, raced, hash);
  }
  if (typeof inserted !== 'object')
    throw new NotEligibleError('该年度有一笔缴费正在处理中或已缴费，请稍后查询结果');
  const row = inserted;
  p.log.info({ paymentId, method: row.method, kioskId: request.kioskId }, 'payment accepted');
  if (request.method.kind === 'bankAccount' && bank)
    return toOutcome(await debit(p, row, bank.accountNumber, request.method.pinBlockHex, who));
  return toOutcome(await openQr(p, row, who));
}

/**
 * A citizen who turned away from a QR and now pays another way: the open QR order is closed at the gateway
 * first (or found paid), so two payments for one year cannot both go through.
 */
async function closeAbandonedQr(p: PaymentDeps, personId: string, year: number, who: Actor): Promise<void> {
  const open = await openPaymentOf(p.db, personId, year);
  if (open?.method !== 'qr' || open.status !== 'awaitingQr') return;
  const answer = await p.gateway.closeOrder(open.idempotency_key);
  if (answer.kind === 'found') {
    const paid = gatewayDebit(answer.order);
    if (paid) await postPayment(p, open, paid, who, 'payment.qr.queried');
    else await endPayment(p, open, { status: 'failed', reason: REASONS.qrClosed }, who, 'payment.qr.closed');
  }
}

async function debit(
  p: PaymentDeps,
  row: PaymentRow,
  accountNumber: string,
  pinBlockHex: string,
  who: Actor,
): Promise<PaymentRow> {
  const answer = await p.bankHost.debit({
    requestId: row.payment_id,
    accountNumber,
    amountFen: row.amount_cents,
    pinBlockHex,
    memo: `城乡居民养老保险${row.year}`,
  });
  switch (answer.kind) {
    case 'approved':
      return postPayment(p, row, bankDebit(answer), who, 'payment.debit.approved');
    case 'declined':
      return endPayment(
        p,
        row,
        { status: 'declined', reason: DECLINE_REASONS[answer.code], declineCode: answer.code },
        who,
        'payment.debit.declined',
      );
    case 'notSent':
      p.log.warn({ paymentId: row.payment_id, reason: answer.reason }, 'bank host unreachable');
      return endPayment(
        p,
        row,
        { status: 'failed', reason: REASONS.bankUnreachable },
        who,
        'payment.debit.notSent',
      );
    case 'unknown': {
      p.log.warn({ paymentId: row.payment_id, reason: answer.reason }, 'debit outcome unknown: querying');
      await appendAudit(p.db, {
        ...who,
        action: 'payment.debit.unknown',
        result: 'pending',
        details: auditDetails(row, { cause: answer.reason }),
      });
      let current = row;
      for (const wait of p.queryBackoffMs) {
        await sleep(wait);
        current = await resolveOpenPayment(p, current, who);
        if (current.status !== 'pending') break;
      }
      return current;
    }
  }
}

async function openQr(p: PaymentDeps, row: PaymentRow, who: Actor): Promise<PaymentRow> {
  const notifyUrl = new URL(Routes.paymentGatewayNotify.path, p.deps.config.publicBaseUrl).toString();
  const order = {
    merchantOrderId: row.idempotency_key,
    amountFen: row.amount_cents,
    subject: `城乡居民养老保险${row.year}年度`,
    notifyUrl,
    ttlSec: p.qrTtlSec,
  };
  let answer = await p.gateway.createOrder(order);
  // Creating an order is idempotent on the merchant order id (and pays nothing): asking again is safe.
  if (answer.kind === 'unknown') answer = await p.gateway.createOrder(order);
  if (answer.kind === 'created') {
    const paid = gatewayDebit(answer.order);
    if (paid) return postPayment(p, row, paid, who, 'payment.qr.queried');
    const at = p.clock();
    await p.db.transaction(async (tx) => {
      if (
        !(await markAwaitingQr(tx, row.payment_id, {
          content: answer.order.qrContent,
          expiresAt: answer.order.expiresAt,
          at,
        }))
      )
        return;
      await appendAuditInTransaction(
        tx,
        { ...who, action: 'payment.qr.created', result: 'awaitingQr', details: auditDetails(row) },
        at,
      );
    });
    return (await findPaymentById(p.db, row.payment_id)) ?? row;
  }
  p.log.warn({ paymentId: row.payment_id, reason: answer.reason }, 'gateway unreachable');
  if (answer.kind === 'unknown') {
    // The order may exist without the citizen ever seeing its QR: close it when the gateway can be reached.
    const closed = await resolveOpenPayment(p, row, who);
    if (closed.status !== 'pending') return closed;
  }
  return endPayment(
    p,
    row,
    { status: 'failed', reason: REASONS.gatewayUnreachable },
    who,
    'payment.qr.notCreated',
  );
}

export type PaymentLookup = { paymentId: string } | { idempotencyKey: string };

/**
 * The outcome of a payment, by id or by idempotency key (the agent after a restart). An open payment nobody has
 * asked the bank or gateway about for `recheckAfterMs` is checked now (a lost notification, a crash mid-payment).
 */
export async function paymentStatus(
  p: PaymentDeps,
  lookup: PaymentLookup,
): Promise<ContributionPaymentOutcome> {
  const row =
    'paymentId' in lookup
      ? await findPaymentById(p.db, lookup.paymentId)
      : await findPaymentByKey(p.db, lookup.idempotencyKey);
  if (!row) throw new NotFoundError('NOT_FOUND', 'no such payment');
  if (row.status !== 'pending' && row.status !== 'awaitingQr') return toOutcome(row);
  const { recheckAfterMs, timeoutMs } = p.deps.config.payments;
  // A pending debit may still be on its way to the bank: give its own request time to end first.
  const after = row.status === 'pending' ? Math.max(recheckAfterMs, 2 * timeoutMs) : recheckAfterMs;
  const lastLook = (row.checked_at ?? row.updated_at).getTime();
  if (p.clock().getTime() - lastLook < after) return toOutcome(row);
  return toOutcome(await resolveOpenPayment(p, row, SYSTEM));
}

/** How far the gateway's clock may be from ours before a notification is refused as stale. */
const NOTIFICATION_SKEW_MS = 5 * 60 * 1000;
const GATEWAY: Actor = { actor: 'gateway', kioskId: null };

/**
 * The gateway's "paid" notification: checked against its HMAC signature, then posted once however many times it
 * comes (duplicates find the payment posted and are answered the same).
 */
export async function handleGatewayNotification(
  p: PaymentDeps,
  notification: GatewayNotification,
  rawBody: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
): Promise<{ received: true; paymentId: string; status: PaymentStatus }> {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const verdict = verifyNotification(
    p.deps.config.payments.gatewaySecret,
    {
      timestamp: header(GatewaySignatureHeaders.timestamp),
      signature: header(GatewaySignatureHeaders.signature),
    },
    rawBody,
    p.clock().getTime(),
    NOTIFICATION_SKEW_MS,
  );
  if (verdict !== 'ok') {
    p.log.warn({ verdict }, 'gateway notification refused');
    throw new AuthError(
      verdict === 'missing' ? 'SIGNATURE_MISSING' : 'SIGNATURE_INVALID',
      `gateway signature ${verdict}`,
    );
  }
  const row = await findPaymentByKey(p.db, notification.merchantOrderId);
  if (row?.method !== 'qr') throw new NotFoundError('NOT_FOUND', 'no such QR payment');
  if (notification.amountFen !== row.amount_cents)
    throw new InvalidInputError('amount differs from the order', 'amountFen');
  const posted = await postPayment(
    p,
    row,
    {
      upstreamRef: notification.gatewayRef,
      upstreamAt: notification.paidAt,
      settlementDate: notification.settlementDate,
    },
    GATEWAY,
    'payment.qr.notified',
  );
  return { received: true, paymentId: posted.payment_id, status: posted.status };
}
