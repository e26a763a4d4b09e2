import type { Journal } from '../journal/journal.ts';
import { createLogger } from '../log.ts';
import { isFinal } from './paying-flow.ts';
import type { FlowServices } from './services.ts';

const log = createLogger('recovery');

/**
 * After a crash, a restart or a lost answer: every payment the journal began and never finished is asked
 * about by its key (the server is the record of what happened), and closed once its outcome is final. Nothing
 * is ever sent again: a payment whose outcome is still unknown stays open for the next round.
 */
export async function recoverPayments(
  journal: Journal,
  services: Pick<FlowServices, 'paymentByKey'>,
): Promise<{ settled: number; open: number }> {
  let settled = 0;
  for (const entry of journal.open('payment')) {
    const key = typeof entry.data.paymentKey === 'string' ? entry.data.paymentKey : entry.id;
    const found = await services.paymentByKey(key);
    if (found.ok && isFinal(found.data)) {
      journal.finish(entry.id, `recovered:${found.data.status}`);
      log.info({ status: found.data.status, paymentId: found.data.paymentId }, 'unfinished payment settled');
      settled += 1;
    } else if (!found.ok && found.code === 'NOT_FOUND') {
      // The request never reached the server: nothing was debited, and it will never be sent again.
      journal.finish(entry.id, 'recovered:neverReceived');
      log.info({ entry: entry.id }, 'unfinished payment never reached the server');
      settled += 1;
    } else {
      log.warn(
        { entry: entry.id, code: found.ok ? found.data.status : found.code },
        'payment outcome still unknown',
      );
    }
  }
  return { settled, open: journal.open('payment').length };
}

/**
 * Runs recovery now, again after 5 and 15 s (a slow bank usually answers the server by then), then every
 * `everyMs` while anything is open; returns a stop function.
 */
export function startPaymentRecovery(
  journal: Journal,
  services: Pick<FlowServices, 'paymentByKey'>,
  everyMs = 60_000,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const soon = [5_000, 15_000];
  const round = async () => {
    if (stopped || journal.open('payment').length === 0) return;
    try {
      await recoverPayments(journal, services);
    } catch (error) {
      log.error({ err: (error as Error).message }, 'payment recovery round failed');
    }
    if (!stopped) {
      timer = setTimeout(round, soon.shift() ?? everyMs);
      timer.unref();
    }
  };
  void round();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
