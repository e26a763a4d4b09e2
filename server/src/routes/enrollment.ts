import { caseProgress } from '../services/cases.ts';
import { enrollmentPrefill, submitEnrollment } from '../services/enrollment.ts';
import type { RouteModuleContext } from './route-module.ts';

/** Enrollment in the residents' pension (参保登记) and case progress; all signed, service enrollment. */
export function enrollmentRoutes({ mount, deps }: RouteModuleContext): void {
  mount('enrollmentPrefill', ({ kiosk, query }) => enrollmentPrefill(deps, kiosk, query.personId));
  mount('enrollmentSubmit', ({ kiosk, body }) => submitEnrollment(deps, kiosk, body));
  mount('caseProgress', ({ kiosk, query, req }) =>
    caseProgress(deps.db, kiosk, String(req.params.caseNumber ?? ''), query.personId),
  );
}
