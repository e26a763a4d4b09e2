import { z } from 'zod';
import { API_PREFIX } from './core.ts';
import type { RouteTable } from './route.ts';

/**
 * Benefit qualification authentication (待遇领取资格认证): a pensioner proves once per validity period (12 months by
 * default) that they are alive and entitled. The face check runs on the kiosk only: the server hands out the
 * reference photo for one consented check and receives a signed outcome (scores, never an image or a
 * descriptor). Bank staff can confirm a person instead (assisted path), flagged for the bureau's spot check.
 */

const personId = z.string().regex(/^P[0-9]{8}$/, 'personId must be P and 8 digits');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const IsoTimestamp = z.string().datetime({ offset: true });
const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'idempotencyKey must be 16-64 letters, digits, _ or -');
const uuid = z.string().uuid();

export const AuthenticationPersonRequest = z.object({ personId });

export const AuthenticationStatus = z.object({
  /** Whether the person draws a pension (only pensioners authenticate). */
  pensioner: z.boolean(),
  pensionStatus: z.enum(['active', 'suspended', 'terminated']).nullable(),
  lastAuthenticatedAt: IsoTimestamp.nullable(),
  /** The last day the current authentication is valid; the next one is due by then. */
  validUntil: IsoDate.nullable(),
  /** Days from today (China time) to validUntil; negative when overdue. */
  daysLeft: z.number().int().nullable(),
  /** Set while the face check is locked for this person after repeated mismatches. */
  lockedUntil: IsoTimestamp.nullable(),
  /** Mismatches the face check still allows before the lockout. */
  mismatchesLeft: z.number().int().min(0),
  /** Whether the photo registry holds a reference photo for this person. */
  referencePhoto: z.boolean(),
  /** The consent text the kiosk shows before any capture, in the version the server records. */
  consent: z.object({ version: z.string(), text: z.string() }),
});
export type AuthenticationStatus = z.infer<typeof AuthenticationStatus>;

export const ConsentRequest = z.object({
  personId,
  version: z.string().min(1).max(32),
  /** Declining is recorded too: the citizen is then served by the assisted path. */
  granted: z.boolean(),
});
export const ConsentResponse = z.object({
  consentId: uuid,
  /** A reference photo can be fetched and an outcome recorded under this consent until then. */
  expiresAt: IsoTimestamp,
});

export const ReferencePhotoRequest = z.object({ personId, consentId: uuid });
export const ReferencePhotoResponse = z.object({
  /** The JPEG, base64. The kiosk keeps it in memory for the one check and drops it after. */
  jpegBase64: z.string().min(1),
  source: z.enum(['registry', 'idCard']),
});

export const FaceDecision = z.enum([
  'match',
  'mismatch',
  'livenessFailed',
  'noFace',
  'severalFaces',
  'poorQuality',
  'cameraUnavailable',
  'timeout',
]);
export type FaceDecision = z.infer<typeof FaceDecision>;

export const LivenessMethod = z.enum(['binocular', 'headTurn']);
export type LivenessMethod = z.infer<typeof LivenessMethod>;

/** What the kiosk decided, signed by the kiosk's key over its canonical JSON (keys sorted). */
export const FaceOutcome = z.object({
  personId,
  consentId: uuid,
  decision: FaceDecision,
  /** Median face-descriptor distance over the frames used (lower is closer); null when no frame was usable. */
  distance: z.number().min(0).max(2).nullable(),
  /** The configured largest distance that counts as the same person. */
  threshold: z.number().min(0).max(2),
  framesUsed: z.number().int().min(0),
  liveness: z.object({
    method: LivenessMethod,
    result: z.enum(['live', 'notLive', 'noFace', 'notChecked']),
  }),
  modelVersion: z.string().min(1).max(64),
  decidedAt: IsoTimestamp,
});
export type FaceOutcome = z.infer<typeof FaceOutcome>;

export const FaceOutcomeRequest = z.object({
  idempotencyKey,
  outcome: FaceOutcome,
  /** Ed25519 signature (base64) by the kiosk's key over canonicalJson(outcome). */
  signature: z.string().min(1).max(200),
});

export const AuthenticationRecord = z.object({
  authenticationId: uuid,
  method: z.enum(['face', 'assisted']),
  authenticatedAt: IsoTimestamp,
  validUntil: IsoDate,
  /** True when this authentication lifted a suspension of the pension payment. */
  pensionResumed: z.boolean(),
  /** Assisted authentications are checked by the bureau afterwards. */
  spotCheck: z.boolean(),
});
export type AuthenticationRecord = z.infer<typeof AuthenticationRecord>;

export const FaceOutcomeResponse = z.object({
  /** Set when the outcome was a match and the authentication is recorded. */
  authentication: AuthenticationRecord.nullable(),
  lockedUntil: IsoTimestamp.nullable(),
  mismatchesLeft: z.number().int().min(0),
});
export type FaceOutcomeResponse = z.infer<typeof FaceOutcomeResponse>;

export const StaffRole = z.enum(['bankStaff', 'bankSupervisor', 'bureauOperator', 'auditor']);

export const StaffSignInRequest = z.object({
  staffNumber: z.string().regex(/^[0-9]{6}$/, 'staffNumber must be 6 digits'),
  password: z.string().min(1).max(128),
  /** Second factor: the 6-digit TOTP code (RFC 6238) from the staff member's authenticator. */
  otp: z.string().regex(/^[0-9]{6}$/, 'otp must be 6 digits'),
});
export const StaffSession = z.object({
  /** Opaque bearer token for assisted actions at this kiosk; short-lived. */
  staffToken: z.string().min(32).max(128),
  staffName: z.string(),
  role: StaffRole,
  expiresAt: IsoTimestamp,
});
export type StaffSession = z.infer<typeof StaffSession>;

export const AssistReason = z.enum([
  'cannotUseCamera',
  'declinedFaceCheck',
  'faceCheckFailed',
  'noReferencePhoto',
]);
export type AssistReason = z.infer<typeof AssistReason>;

export const AssistedAuthenticationRequest = z.object({
  idempotencyKey,
  personId,
  staffToken: z.string().min(32).max(128),
  reason: AssistReason,
});

export const DueListRequest = z.object({
  staffToken: z.string().min(32).max(128),
  withinDays: z.number().int().min(1).max(90).default(30),
});
export const DueListResponse = z.object({
  asOf: IsoDate,
  pensioners: z.array(
    z.object({
      personId: z.string(),
      maskedName: z.string(),
      maskedIdNumber: z.string(),
      validUntil: IsoDate,
      pensionStatus: z.enum(['active', 'suspended']),
    }),
  ),
});

// --- identity verification for other services (issue 4: the face check before a card application) ----------

/**
 * What a face check or a staff confirmation is for, when it is not a qualification authentication: it records
 * an identity verification of the person at this kiosk, never an authentication, and never resumes a pension.
 * The consent is given for one purpose (its own text and version); mismatches count toward the same lockout.
 */
export const IdentityCheckPurpose = z.enum(['cardIssuance']);
export type IdentityCheckPurpose = z.infer<typeof IdentityCheckPurpose>;

export const IdentityCheckStatusRequest = z.object({ personId, purpose: IdentityCheckPurpose });
export const IdentityCheckStatus = z.object({
  /** Set while the face check is locked for this person after repeated mismatches (whatever they were for). */
  lockedUntil: IsoTimestamp.nullable(),
  mismatchesLeft: z.number().int().min(0),
  /** Whether the photo registry holds a reference photo for this person. */
  referencePhoto: z.boolean(),
  /** The consent text for this purpose, in the version the server records. */
  consent: z.object({ version: z.string(), text: z.string() }),
  /** A verification of this person at this kiosk for this purpose counts until then; null when there is none. */
  verifiedUntil: IsoTimestamp.nullable(),
});
export type IdentityCheckStatus = z.infer<typeof IdentityCheckStatus>;

export const IdentityConsentRequest = ConsentRequest.extend({ purpose: IdentityCheckPurpose });

export const IdentityFaceOutcomeRequest = FaceOutcomeRequest.extend({ purpose: IdentityCheckPurpose });

export const IdentityVerification = z.object({
  verificationId: uuid,
  purpose: IdentityCheckPurpose,
  method: z.enum(['face', 'staff']),
  verifiedAt: IsoTimestamp,
  /** Staff confirmations are checked by the bureau afterwards. */
  spotCheck: z.boolean(),
});
export type IdentityVerification = z.infer<typeof IdentityVerification>;

export const IdentityFaceOutcomeResponse = z.object({
  /** Set when the outcome was a match and the verification is recorded. */
  verification: IdentityVerification.nullable(),
  lockedUntil: IsoTimestamp.nullable(),
  mismatchesLeft: z.number().int().min(0),
});
export type IdentityFaceOutcomeResponse = z.infer<typeof IdentityFaceOutcomeResponse>;

export const IdentityAssistedRequest = AssistedAuthenticationRequest.extend({
  purpose: IdentityCheckPurpose,
});

const A = `${API_PREFIX}/authentication`;
const I = `${API_PREFIX}/identity-checks`;

export const AuthenticationRoutes = {
  authenticationStatus: {
    method: 'post',
    path: `${A}/status`,
    signed: true,
    service: 'qualificationAuth',
    request: AuthenticationPersonRequest,
    response: AuthenticationStatus,
  },
  authenticationConsent: {
    method: 'post',
    path: `${A}/consents`,
    signed: true,
    service: 'qualificationAuth',
    request: ConsentRequest,
    response: ConsentResponse,
  },
  authenticationReferencePhoto: {
    method: 'post',
    path: `${A}/reference-photo`,
    signed: true,
    service: 'qualificationAuth',
    request: ReferencePhotoRequest,
    response: ReferencePhotoResponse,
  },
  authenticationFaceOutcome: {
    method: 'post',
    path: `${A}/face-outcomes`,
    signed: true,
    service: 'qualificationAuth',
    request: FaceOutcomeRequest,
    response: FaceOutcomeResponse,
  },
  staffSignIn: {
    method: 'post',
    path: `${API_PREFIX}/staff/sessions`,
    signed: true,
    service: null,
    request: StaffSignInRequest,
    response: StaffSession,
  },
  authenticationAssisted: {
    method: 'post',
    path: `${A}/assisted`,
    signed: true,
    service: 'qualificationAuth',
    request: AssistedAuthenticationRequest,
    response: AuthenticationRecord,
  },
  authenticationDueList: {
    method: 'post',
    path: `${A}/due`,
    signed: true,
    service: 'qualificationAuth',
    request: DueListRequest,
    response: DueListResponse,
  },
  // The face check for a card application: the card service's kiosks, the same consent, photo and lockout rules.
  identityCheckStatus: {
    method: 'post',
    path: `${I}/status`,
    signed: true,
    service: 'socialSecurityCard',
    request: IdentityCheckStatusRequest,
    response: IdentityCheckStatus,
  },
  identityCheckConsent: {
    method: 'post',
    path: `${I}/consents`,
    signed: true,
    service: 'socialSecurityCard',
    request: IdentityConsentRequest,
    response: ConsentResponse,
  },
  identityCheckReferencePhoto: {
    method: 'post',
    path: `${I}/reference-photo`,
    signed: true,
    service: 'socialSecurityCard',
    request: ReferencePhotoRequest,
    response: ReferencePhotoResponse,
  },
  identityCheckFaceOutcome: {
    method: 'post',
    path: `${I}/face-outcomes`,
    signed: true,
    service: 'socialSecurityCard',
    request: IdentityFaceOutcomeRequest,
    response: IdentityFaceOutcomeResponse,
  },
  identityCheckAssisted: {
    method: 'post',
    path: `${I}/assisted`,
    signed: true,
    service: 'socialSecurityCard',
    request: IdentityAssistedRequest,
    response: IdentityVerification,
  },
} as const satisfies RouteTable;
