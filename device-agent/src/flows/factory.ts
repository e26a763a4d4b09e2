import type { Journal } from '../journal/journal.ts';
import type { FlowRequest } from '../session/kiosk-session.ts';
import { BundleFlow } from './bundle.ts';
import { CardIssuanceFlow, type CardIssuing } from './card-issuance.ts';
import { EnrollmentFlow } from './enrollment.ts';
import type { Flow, FlowCitizen, FlowContext } from './flow.ts';
import { PaymentFlow } from './payment.ts';
import type { Peripherals } from './peripherals.ts';
import { type FaceCheckDeps, QualificationAuthFlow } from './qualification-auth.ts';
import { RecordsQueryFlow } from './records-query.ts';
import { RightsRecordFlow } from './rights-record.ts';
import type { FlowServices } from './services.ts';

export interface FlowDeps {
  services: FlowServices;
  peripherals: Peripherals;
  journal: Journal;
  /** Keys on the PIN pad keep the session alive. */
  activity(): void;
  /** The face check's engine, camera and liveness module; null when the kiosk has no camera. */
  faceCheck: FaceCheckDeps | null;
  /** The card printer, chip encoder, card routes and settings for instant card issuance; null without a printer. */
  cardIssuing: CardIssuing | null;
}

/** What a flow can send the screen besides its view: camera preview frames (JPEG) while a capture shows. */
export type FlowFrames = (jpeg: Uint8Array) => void;

/** The flow for a service or a bundle the citizen opened. */
export function createFlowFactory(deps: FlowDeps) {
  return (request: FlowRequest, citizen: FlowCitizen, changed: () => void, frames: FlowFrames): Flow => {
    const ctx: FlowContext = {
      citizen,
      peripherals: deps.peripherals,
      journal: deps.journal,
      changed,
      activity: deps.activity,
    };
    if (request.kind === 'bundle') return new BundleFlow(ctx, deps.services, request.bundleId);
    switch (request.serviceId) {
      case 'recordsQuery':
        return new RecordsQueryFlow(ctx, deps.services);
      case 'rightsRecordPrint':
        return new RightsRecordFlow(ctx, deps.services);
      case 'enrollment':
        return new EnrollmentFlow(ctx, deps.services);
      case 'contributionPayment':
        return new PaymentFlow(ctx, deps.services);
      case 'qualificationAuth':
        return new QualificationAuthFlow(ctx, deps.services, deps.faceCheck, frames);
      case 'socialSecurityCard':
        return new CardIssuanceFlow(ctx, deps.cardIssuing, {
          services: deps.services,
          face: deps.faceCheck,
          frames,
        });
      default:
        throw new RangeError(`${request.serviceId} has no flow yet`);
    }
  };
}
