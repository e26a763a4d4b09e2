import { recordsContributions, recordsPensionPayments, recordsSummary } from '../services/records.ts';
import type { RouteModuleContext } from './route-module.ts';

/** Records query (参保查询): the summary first, the details on request; all signed, service recordsQuery. */
export function recordsRoutes({ mount, deps }: RouteModuleContext): void {
  mount('recordsSummary', ({ kiosk, query }) => recordsSummary(deps, kiosk, query.personId));
  mount('recordsContributions', ({ kiosk, query }) => recordsContributions(deps, kiosk, query));
  mount('recordsPensionPayments', ({ kiosk, query }) => recordsPensionPayments(deps, kiosk, query));
}
