import type { Db } from '../db/db.ts';
import { chinaDate } from '../integrations/china-time.ts';
import type { Logger } from '../log.ts';
import { appendAuditInTransaction } from '../repositories/audit.ts';
import { resumeAuthenticatedPensions, suspendLapsedPensions } from '../repositories/authentication.ts';

/**
 * The daily authentication-status job: pensions whose last authentication is older than the validity period are
 * suspended (payment stops); suspended pensions with a valid authentication are resumed (an authentication
 * resumes at once, this catches any other path, e.g. a record corrected by the bureau). Idempotent: a second run
 * on the same day changes nothing, so several servers may run it. Each run that changes something is audited
 * with its counts.
 */

export interface AuthenticationJobDeps {
  db: Db;
  config: { authentication: { validityMonths: number; jobEveryMs: number } };
  log: Logger;
  now?: () => number;
}

export interface AuthenticationJobRun {
  /** China date the run judged validity on. */
  today: string;
  suspended: string[];
  resumed: string[];
}

export async function runAuthenticationStatusJob(deps: AuthenticationJobDeps): Promise<AuthenticationJobRun> {
  const at = new Date((deps.now ?? Date.now)());
  const today = chinaDate(at);
  const months = deps.config.authentication.validityMonths;
  return deps.db.transaction(async (tx) => {
    const suspended = await suspendLapsedPensions(tx, today, months);
    const resumed = await resumeAuthenticatedPensions(tx, today, months);
    if (suspended.length > 0 || resumed.length > 0) {
      await appendAuditInTransaction(
        tx,
        {
          actor: 'job:authentication-status',
          kioskId: null,
          action: 'authentication.statusJob',
          result: 'ok',
          details: { today, validityMonths: months, suspended: suspended.length, resumed: resumed.length },
        },
        at,
      );
    }
    return { today, suspended, resumed };
  });
}

/** Runs the job now and then every config.authentication.jobEveryMs; the timer is unref'd. */
export function startAuthenticationStatusJob(deps: AuthenticationJobDeps): {
  stop(): void;
  ran: Promise<void>;
} {
  let stopped = false;
  const run = () =>
    runAuthenticationStatusJob(deps).then(
      (r) => {
        if (r.suspended.length > 0 || r.resumed.length > 0) {
          deps.log.info(
            { job: 'authentication-status', suspended: r.suspended.length, resumed: r.resumed.length },
            'pension payment status updated from authentications',
          );
        }
      },
      (error: Error) => {
        if (!stopped) deps.log.warn({ job: 'authentication-status', reason: error.message }, 'job failed');
      },
    );
  const ran = run();
  const timer = setInterval(run, deps.config.authentication.jobEveryMs);
  timer.unref();
  return {
    ran,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
