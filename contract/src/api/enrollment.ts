import { z } from 'zod';
import { API_PREFIX } from './core.ts';
import type { RouteTable } from './route.ts';

/**
 * Enrollment in the urban-rural residents' pension (参保登记) and the cases that track it.
 * Signed kiosk routes carry `service: 'enrollment'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 *
 * Rules come from the records (age, employees' scheme, full-time study, existing enrollment); a violated rule is
 * refused NOT_ELIGIBLE with the rule named, nothing written. A missing residence proof may be replaced by a signed
 * commitment (告知承诺), checked afterwards. Every submission becomes a case the citizen can follow.
 */

export const EnrollmentPersonId = z.string().regex(/^P[0-9]{8}$/, 'personId must be P and 8 digits');

/**
 * Chosen by the agent and journaled before the request; the same key with the same body gets the same answer,
 * with another body CONFLICT. At most 48 characters so that keys derived from it (`<key>-contribution`) stay
 * within the payment service's 64.
 */
export const SubmissionKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,48}$/, 'idempotencyKey must be 16 to 48 letters, digits, - or _');

/** A mainland mobile number: 11 digits starting 13-19. */
export const MobilePhone = z.string().regex(/^1[3-9][0-9]{9}$/, '手机号码应为11位数字，以1开头');

export const HouseholdType = z.enum(['urban', 'rural']);
export type HouseholdType = z.infer<typeof HouseholdType>;

/** The residence proof was shown, or replaced by the applicant's signed commitment (告知承诺). */
export const ResidenceProof = z.enum(['provided', 'commitment']);
export type ResidenceProof = z.infer<typeof ResidenceProof>;

/** The rules of enrollment, each checked against the records. */
export const EnrollmentRule = z.enum([
  /** Age at least the configured minimum (16) today. */
  'minAge',
  /** Not paying into the employees' pension (城镇职工养老保险). */
  'notInEmployeeScheme',
  /** An interrupted employees' pension must be carried over at a counter (制度衔接), not at a kiosk. */
  'noEmployeeSchemeRecord',
  /** Not a full-time student today. */
  'notFullTimeStudent',
  /** Not enrolled in the residents' pension already. */
  'notAlreadyEnrolled',
]);
export type EnrollmentRule = z.infer<typeof EnrollmentRule>;

export const FailedRule = z.object({
  rule: z.string(),
  /** Plain Chinese, to show and read aloud. */
  message: z.string(),
});
export type FailedRule = z.infer<typeof FailedRule>;

export const EnrollmentPrefillQuery = z.object({ personId: EnrollmentPersonId });

export const CommitmentText = z.object({
  /** Recorded with the commitment, so the words signed can always be found again. */
  version: z.string(),
  text: z.string(),
  /** Days after signing within which the bureau checks it. */
  checkWithinDays: z.number().int(),
});
export type CommitmentText = z.infer<typeof CommitmentText>;

export const EnrollmentPrefillResponse = z.object({
  personId: z.string(),
  eligible: z.boolean(),
  /** Every rule the person fails, in plain Chinese; empty when eligible. */
  failedRules: z.array(FailedRule),
  form: z.object({
    maskedName: z.string(),
    /** As the ID card says. */
    address: z.string().nullable(),
    /** The phone of an earlier submission, when one is on file; the kiosk shows it masked. */
    phone: z.string().nullable(),
    /** Suggested from the address (a village address suggests rural); the citizen confirms. */
    householdType: HouseholdType,
    gradesYuan: z.array(z.number().int()),
    minAge: z.number().int(),
  }),
  commitment: CommitmentText,
});
export type EnrollmentPrefillResponse = z.infer<typeof EnrollmentPrefillResponse>;

export const EnrollmentSubmitRequest = z
  .object({
    personId: EnrollmentPersonId,
    /** One of the configured grades (residentPension.gradesYuan). */
    gradeYuan: z.number().int().positive(),
    phone: MobilePhone,
    householdType: HouseholdType,
    residenceProof: ResidenceProof,
    /** Required, and true, when residenceProof is 'commitment'. */
    commitmentSigned: z.literal(true).optional(),
    idempotencyKey: SubmissionKey,
  })
  .superRefine((value, ctx) => {
    if (value.residenceProof === 'commitment' && value.commitmentSigned !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['commitmentSigned'],
        message: '以告知承诺代替居住证明时，须签署承诺书',
      });
    }
  });
export type EnrollmentSubmitRequest = z.infer<typeof EnrollmentSubmitRequest>;

export const CaseStatus = z.enum(['received', 'accepted', 'approved', 'rejected']);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const CaseEventKind = z.enum(['received', 'accepted', 'approved', 'flaggedForSpotCheck', 'rejected']);
export type CaseEventKind = z.infer<typeof CaseEventKind>;

export const CaseEvent = z.object({
  at: z.string(),
  kind: CaseEventKind,
  /** Plain Chinese, shown to the citizen as it is. */
  note: z.string(),
});
export type CaseEvent = z.infer<typeof CaseEvent>;

export const EnrollmentSubmitResponse = z.object({
  caseNumber: z.string(),
  status: CaseStatus,
  /** Approved on a commitment: a person checks it afterwards. */
  spotCheck: z.boolean(),
  personId: z.string(),
  gradeYuan: z.number().int(),
  insurance: z.object({
    type: z.literal('pension'),
    scheme: z.literal('resident'),
    status: z.literal('active'),
    since: z.string(),
  }),
  commitment: z.object({ version: z.string(), checkDue: z.string() }).nullable(),
  events: z.array(CaseEvent),
});
export type EnrollmentSubmitResponse = z.infer<typeof EnrollmentSubmitResponse>;

export const CaseProgressQuery = z.object({
  /** The citizen at the kiosk sees their own cases only. */
  personId: EnrollmentPersonId,
});

export const CaseProgressResponse = z.object({
  caseNumber: z.string(),
  kind: z.enum(['residentPensionEnrollment']),
  status: CaseStatus,
  spotCheck: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  events: z.array(CaseEvent),
});
export type CaseProgressResponse = z.infer<typeof CaseProgressResponse>;

export const EnrollmentRoutes = {
  /** Eligibility with every failed rule named, and the form prefilled from what the records hold. */
  enrollmentPrefill: {
    method: 'get',
    path: `${API_PREFIX}/kiosk/enrollment/prefill`,
    signed: true,
    service: 'enrollment',
    query: EnrollmentPrefillQuery,
    response: EnrollmentPrefillResponse,
  },
  /**
   * Enrolls: a case is received, accepted and approved automatically (秒批) when every rule holds; flagged for a
   * spot check when a commitment replaced the residence proof. NOT_ELIGIBLE names the rule; CONFLICT for a
   * reused idempotency key with another body.
   */
  enrollmentSubmit: {
    method: 'post',
    path: `${API_PREFIX}/kiosk/enrollment`,
    signed: true,
    service: 'enrollment',
    request: EnrollmentSubmitRequest,
    response: EnrollmentSubmitResponse,
  },
  /** A case's status and events (办件进度), for the person it belongs to. */
  caseProgress: {
    method: 'get',
    path: `${API_PREFIX}/kiosk/cases/{caseNumber}`,
    signed: true,
    service: 'enrollment',
    query: CaseProgressQuery,
    response: CaseProgressResponse,
  },
} as const satisfies RouteTable;
