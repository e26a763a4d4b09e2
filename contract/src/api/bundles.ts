import { z } from 'zod';
import { ServiceId } from '../services.ts';
import { API_PREFIX } from './core.ts';
import { EnrollmentPersonId, FailedRule, SubmissionKey } from './enrollment.ts';
import type { RouteTable } from './route.ts';

/**
 * Bundled matters (一件事): one form, one submission split into items, one combined answer.
 * Signed kiosk routes carry `service: 'enrollment'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`. The bundle routes also check that the
 * bank is authorised for the service of every item of the bundle.
 *
 * 打包受理 -> 拆包分办 -> 综合反馈: every item's fields and rules are checked before anything is written (a problem
 * is answered 400 naming the field, or 422 naming the rule); the items that belong together are written in one
 * transaction; the payment follows; the answer lists every item's result.
 */

/** What handles an item; bundles are made of these in config (config/src/bundles.ts). */
export const BundleItemKind = z.enum(['enrollment', 'contribution', 'cardApplication']);
export type BundleItemKind = z.infer<typeof BundleItemKind>;

/**
 * personId: the person at the kiosk (from the identity lookup); phone: a mainland mobile number; grade: one of
 * the configured yearly grades in yuan (options come from residentPension.gradesYuan); choice: one of `options`;
 * consent: a box the citizen ticks (true).
 */
export const BundleFieldType = z.enum(['personId', 'phone', 'grade', 'choice', 'consent']);
export type BundleFieldType = z.infer<typeof BundleFieldType>;

export const BundleFieldOption = z.object({ value: z.string(), label: z.string() });

export const BundleField = z.object({
  id: z.string(),
  type: BundleFieldType,
  /** Plain Chinese. */
  label: z.string(),
  required: z.boolean(),
  /** Required only when another field has this value (e.g. the commitment when no proof is provided). */
  requiredWhen: z.object({ field: z.string(), equals: z.string() }).optional(),
  /** For choice fields; for grade fields the configured grades (value in yuan as text). */
  options: z.array(BundleFieldOption).optional(),
});
export type BundleField = z.infer<typeof BundleField>;

export const BundleDefinitionQuery = z.object({
  bundleId: z.string().regex(/^[A-Za-z][A-Za-z0-9]{1,39}$/, 'bundleId must be letters and digits'),
  personId: EnrollmentPersonId,
});

export const BundleItemEligibility = z.object({
  item: z.string(),
  kind: BundleItemKind,
  service: ServiceId,
  title: z.string(),
  eligible: z.boolean(),
  failedRules: z.array(FailedRule),
});
export type BundleItemEligibility = z.infer<typeof BundleItemEligibility>;

export const BundleDefinitionResponse = z.object({
  bundleId: z.string(),
  title: z.string(),
  personId: z.string(),
  maskedName: z.string(),
  /** True when every item is eligible. */
  eligible: z.boolean(),
  items: z.array(BundleItemEligibility),
  /** The one form: the union of the items' fields, each once, in the order they first appear. */
  fields: z.array(BundleField.extend({ items: z.array(z.string()) })),
  /** What the records already hold, by field id (the kiosk fills the form with it). */
  prefill: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** How the contribution can be paid: from the linked account with the PIN, or by QR. */
  payment: z.object({
    amountYear: z.number().int(),
    linkedAccount: z.object({ bankName: z.string(), maskedAccount: z.string() }).nullable(),
    methods: z.array(z.enum(['bankAccount', 'qr'])),
  }),
});
export type BundleDefinitionResponse = z.infer<typeof BundleDefinitionResponse>;

export const BundlePayment = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('bankAccount'),
    /** The SM4 PIN block from the PIN pad (ISO 9564 format 0); only the bank host can open it. */
    pinBlockHex: z.string().regex(/^[0-9A-Fa-f]{32}$/, 'pinBlockHex must be 32 hex digits from the PIN pad'),
  }),
  z.object({ kind: z.literal('qr') }),
]);
export type BundlePayment = z.infer<typeof BundlePayment>;

export const BundleSubmitRequest = z.object({
  bundleId: z.string().regex(/^[A-Za-z][A-Za-z0-9]{1,39}$/, 'bundleId must be letters and digits'),
  personId: EnrollmentPersonId,
  idempotencyKey: SubmissionKey,
  /** Values of the form's fields by id; checked on the server against each field's type. */
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  payment: BundlePayment,
});
export type BundleSubmitRequest = z.infer<typeof BundleSubmitRequest>;

/**
 * done: finished; queued: accepted and waiting (a card to be made, a payment whose outcome the bank has not given
 * yet); awaitingPayment: the QR is shown; failed: not done (message says why, and that the rest stands);
 * notAttempted: not tried because an item it needs did not finish.
 */
export const BundleItemStatus = z.enum(['done', 'queued', 'failed', 'notAttempted', 'awaitingPayment']);
export type BundleItemStatus = z.infer<typeof BundleItemStatus>;

export const BundleItemResult = z.object({
  item: z.string(),
  kind: BundleItemKind,
  status: BundleItemStatus,
  /** Plain Chinese, to show and read aloud. */
  message: z.string(),
  /** Case number, payment id or application id; null when nothing was created. */
  reference: z.string().nullable(),
  /** QR payments: what the citizen scans, and until when. */
  qr: z.object({ content: z.string(), expiresAt: z.string() }).optional(),
});
export type BundleItemResult = z.infer<typeof BundleItemResult>;

export const BundleSubmitResponse = z.object({
  submissionId: z.string(),
  bundleId: z.string(),
  personId: z.string(),
  items: z.array(BundleItemResult),
  answeredAt: z.string(),
});
export type BundleSubmitResponse = z.infer<typeof BundleSubmitResponse>;

export const BundleRoutes = {
  /** The bundle's one form (union of the items' fields), prefilled, with each item's eligibility. */
  bundleDefinition: {
    method: 'get',
    path: `${API_PREFIX}/kiosk/bundles/definition`,
    signed: true,
    service: 'enrollment',
    query: BundleDefinitionQuery,
    response: BundleDefinitionResponse,
  },
  /** One submission, split into items, answered once with every item's result. */
  bundleSubmit: {
    method: 'post',
    path: `${API_PREFIX}/kiosk/bundles/submissions`,
    signed: true,
    service: 'enrollment',
    request: BundleSubmitRequest,
    response: BundleSubmitResponse,
  },
} as const satisfies RouteTable;
