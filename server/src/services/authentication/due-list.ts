import { type DueListResponse, maskIdNumber, maskName } from '@sik/contract';
import type { z } from 'zod';
import { appendAudit } from '../../repositories/audit.ts';
import { duePensioners } from '../../repositories/authentication.ts';
import type { AuthenticationDeps } from '../authentication.ts';
import { businessDay } from '../cases.ts';
import type { AuthenticatedKiosk } from '../kiosk-auth.ts';
import { requireStaff } from '../staff-auth.ts';
import { addDays } from './validity.ts';

/** The due list cannot be longer than this in one answer. */
export const DUE_LIST_LIMIT = 500;

/** Pensioners due within `withinDays` (masked), and every suspended one, for staff at this kiosk. */
export async function dueList(
  deps: AuthenticationDeps,
  kiosk: AuthenticatedKiosk,
  request: { staffToken: string; withinDays: number },
): Promise<z.infer<typeof DueListResponse>> {
  const action = 'authentication.dueList';
  const staff = await requireStaff(deps, kiosk, request.staffToken, action);
  const today = businessDay(deps);
  const rows = await duePensioners(
    deps.db,
    addDays(today, request.withinDays),
    deps.config.authentication.validityMonths,
    DUE_LIST_LIMIT,
  );
  await appendAudit(deps.db, {
    actor: `staff:${staff.staffNumber}`,
    kioskId: kiosk.kioskId,
    action,
    result: 'ok',
    details: { staffNumber: staff.staffNumber, withinDays: request.withinDays, count: rows.length },
  });
  return {
    asOf: today,
    pensioners: rows.map((r) => ({
      personId: r.personId,
      maskedName: maskName(r.name),
      maskedIdNumber: maskIdNumber(r.idNumber),
      validUntil: r.validUntil,
      pensionStatus: r.status,
    })),
  };
}
