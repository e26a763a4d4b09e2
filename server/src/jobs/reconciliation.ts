import type { AppDeps } from '../app.ts';
import { chinaDate, previousDate } from '../integrations/china-time.ts';
import type { SettlementLine } from '../integrations/settlement-file.ts';
import {
  hasReconciliationRun,
  insertReconciliationRun,
  type PaymentRow,
  paymentsByUpstreamIds,
  postedPaymentsOn,
  type ReconciliationDifference,
  type ReconciliationRunRecord,
} from '../repositories/payments.ts';
import { resolveOpenPayments } from '../services/payments/resolver.ts';
import { createPaymentDeps, type PaymentDeps } from '../services/payments.ts';

/**
 * The daily reconciliation (对账): our posted payments of a business day against the bank host's settlement file
 * (bank-account payments, by payment id = the bank's request id) and the QR gateway's (QR payments, by merchant
 * order id = idempotency key). Every difference is listed with its ids and stored with the run.
 */

export type ReconciliationSource = 'bankHost' | 'gateway';

export interface ReconciliationRunReport extends ReconciliationRunRecord {
  runId: number;
}

function compare(
  ours: readonly PaymentRow[],
  theirs: readonly SettlementLine[],
  idOf: (row: PaymentRow) => string,
  known: ReadonlyMap<string, PaymentRow>,
): { matched: number; differences: ReconciliationDifference[] } {
  const byRequest = new Map(theirs.map((line) => [line.requestId, line]));
  const differences: ReconciliationDifference[] = [];
  let matched = 0;
  for (const row of ours) {
    const id = idOf(row);
    const line = byRequest.get(id);
    byRequest.delete(id);
    const base = {
      requestId: id,
      paymentId: row.payment_id,
      ourStatus: row.status,
      ourAmountCents: row.amount_cents,
    };
    if (!line)
      differences.push({
        kind: 'missingAtUpstream',
        ...base,
        upstreamRef: row.upstream_ref,
        theirAmountCents: null,
      });
    else if (line.amountFen !== row.amount_cents)
      differences.push({
        kind: 'amountDiffers',
        ...base,
        upstreamRef: line.upstreamRef,
        theirAmountCents: line.amountFen,
      });
    else matched += 1;
  }
  for (const line of byRequest.values()) {
    const row = known.get(line.requestId);
    differences.push({
      kind: 'missingHere',
      requestId: line.requestId,
      paymentId: row?.payment_id ?? null,
      upstreamRef: line.upstreamRef,
      ourStatus: row ? `${row.status}${row.refund_due ? ' (refund due)' : ''}` : null,
      ourAmountCents: row?.amount_cents ?? null,
      theirAmountCents: line.amountFen,
    });
  }
  return { matched, differences };
}

async function reconcileOne(
  p: PaymentDeps,
  date: string,
  source: ReconciliationSource,
): Promise<ReconciliationRunReport> {
  const startedAt = p.clock();
  const method = source === 'bankHost' ? 'bankAccount' : 'qr';
  const column = source === 'bankHost' ? 'payment_id' : 'idempotency_key';
  const idOf = (row: PaymentRow) => (source === 'bankHost' ? row.payment_id : row.idempotency_key);
  const ours = await postedPaymentsOn(p.db, date, method);
  const oursTotalCents = ours.reduce((sum, row) => sum + row.amount_cents, 0);
  let record: ReconciliationRunRecord;
  try {
    const theirs =
      source === 'bankHost' ? await p.bankHost.settlement(date) : await p.gateway.settlement(date);
    const oursIds = new Set(ours.map(idOf));
    const others = await paymentsByUpstreamIds(
      p.db,
      column,
      theirs.map((l) => l.requestId).filter((id) => !oursIds.has(id)),
    );
    const known = new Map(others.filter((r) => r.method === method).map((r) => [idOf(r), r]));
    const { matched, differences } = compare(ours, theirs, idOf, known);
    record = {
      businessDate: date,
      source,
      startedAt,
      finishedAt: p.clock(),
      status: differences.length === 0 ? 'matched' : 'differences',
      oursCount: ours.length,
      theirsCount: theirs.length,
      matchedCount: matched,
      oursTotalCents,
      theirsTotalCents: theirs.reduce((sum, l) => sum + l.amountFen, 0),
      error: null,
      differences,
    };
  } catch (error) {
    record = {
      businessDate: date,
      source,
      startedAt,
      finishedAt: p.clock(),
      status: 'failed',
      oursCount: ours.length,
      theirsCount: 0,
      matchedCount: 0,
      oursTotalCents,
      theirsTotalCents: 0,
      error: (error as Error).message,
      differences: [],
    };
  }
  const runId = await p.db.transaction((tx) => insertReconciliationRun(tx, record));
  const log = { runId, date, source, status: record.status, differences: record.differences.length };
  if (record.status === 'matched') p.log.info(log, 'reconciliation matched');
  else p.log.warn({ ...log, error: record.error }, 'reconciliation found differences or failed');
  return { ...record, runId };
}

/** Reconciles one business day (China date, YYYY-MM-DD) against each source's settlement file. */
export async function reconcile(
  p: PaymentDeps,
  date: string,
  sources: readonly ReconciliationSource[] = ['bankHost', 'gateway'],
): Promise<ReconciliationRunReport[]> {
  const reports: ReconciliationRunReport[] = [];
  for (const source of sources) reports.push(await reconcileOne(p, date, source));
  return reports;
}

/** Milliseconds from `now` to the next `hour`:00 in China. */
export function msUntilChinaHour(now: Date, hour: number): number {
  const china = new Date(now.getTime() + 8 * 3600_000);
  const next = Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), china.getUTCDate(), hour) - 8 * 3600_000;
  const at = next > now.getTime() ? next : next + 24 * 3600_000;
  return at - now.getTime();
}

export interface PaymentJobOptions {
  /** When the daily reconciliation of the previous day runs, China time (banks publish files overnight). */
  reconcileAtChinaHour?: number;
  /** Delay of the start-up reconciliation of yesterday (skipped when it already ran). */
  startupDelayMs?: number;
}

/**
 * The payment jobs of a server: the daily reconciliation of yesterday (once soon after start, when not done yet,
 * then every day at 02:00 China time) and the resolver of open payments. Several servers may run them: a day
 * already reconciled is skipped, and resolving is guarded per payment. Timers are unref'd.
 */
export function startPaymentJobs(
  deps: Pick<AppDeps, 'db' | 'config' | 'log'>,
  opts: PaymentJobOptions = {},
): { stop(): void } {
  const p = createPaymentDeps(deps as AppDeps);
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const yesterday = () => previousDate(chinaDate(p.clock()));
  const runDaily = async () => {
    const date = yesterday();
    for (const source of ['bankHost', 'gateway'] as const) {
      if (stopped) return;
      if (await hasReconciliationRun(p.db, date, source)) continue;
      await reconcile(p, date, [source]);
    }
  };
  const guarded = (what: string, run: () => Promise<unknown>) => () => {
    run().catch((error: Error) => {
      if (!stopped) p.log.warn({ job: what, reason: error.message }, 'payment job failed');
    });
  };
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const scheduleDaily = () => {
    later(msUntilChinaHour(p.clock(), opts.reconcileAtChinaHour ?? 2), () => {
      guarded('reconciliation', runDaily)();
      scheduleDaily();
    });
  };
  later(opts.startupDelayMs ?? 60_000, guarded('reconciliation', runDaily));
  scheduleDaily();
  const resolver = setInterval(
    guarded('resolver', () => resolveOpenPayments(p)),
    deps.config.payments.resolverEveryMs,
  );
  resolver.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(resolver);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
