import type {
  AssistReason,
  AuthenticationRecord,
  AuthenticationStatus,
  ContributionYearView,
  FaceOutcome,
  FaceOutcomeResponse,
  IdentityCheckPurpose,
  IdentityCheckStatus,
  IdentityFaceOutcomeResponse,
  IdentityVerification,
  PensionMonthView,
  RecordsSummaryView,
  Result,
  ResultItem,
} from '@sik/contract';
import type { z } from 'zod';

/**
 * The server calls the flows make, in the flows' own terms. server-services.ts binds them to the contract's
 * routes; keeping the mapping there lets a flow read as the citizen's steps, not as HTTP.
 */

export type DocumentKind = 'enrollmentCertificate' | 'contributionDetails' | 'pensionPayments';

export interface IssuedDocument {
  documentId: string;
  pdf: Uint8Array;
  preview: { title: string; lines: string[]; pages: number; verificationCode: string };
}

export interface EnrollmentCheck {
  eligible: boolean;
  reasons: string[];
  gradesYuan: number[];
  phone: string | null;
  /** The notification-and-commitment text (告知承诺) in the version the server records. */
  commitmentText: string;
}

export interface EnrollmentAnswers {
  gradeYuan: number;
  phone: string;
  householdType: 'urban' | 'rural';
  residenceProof: 'provided' | 'commitment';
}

export interface LinkedAccount {
  bankName: string;
  accountMasked: string;
  /** For the PIN block only (ISO 9564 format 0 binds the PIN to it); never published. */
  accountNumber: string;
}

export interface PaymentChoices {
  eligible: boolean;
  reasons: string[];
  year: number;
  gradesYuan: number[];
  account: LinkedAccount | null;
}

export type PaymentMethodInput = { kind: 'bankAccount'; pinBlockHex: string } | { kind: 'qr' };

export interface PaymentResult {
  paymentId: string;
  status: 'posted' | 'declined' | 'awaitingQr' | 'pending' | 'failed';
  amountCents: number;
  reason: string | null;
  qr: { content: string; expiresAt: string } | null;
  receipt: { lines: { label: string; value: string }[]; reference: string } | null;
}

export interface BundleForm {
  eligible: boolean;
  reasons: string[];
  /** The union of the items' fields, in order, without repeats. */
  fields: string[];
  gradesYuan: number[];
  phone: string | null;
  account: LinkedAccount | null;
  year: number;
}

export interface BundleAnswer {
  items: ResultItem[];
  payment: PaymentResult | null;
}

/** A consent to the face check as the server recorded it (declines are recorded too). */
export interface FaceConsent {
  consentId: string;
  /** The reference photo can be fetched and an outcome recorded under this consent until then. */
  expiresAt: string;
}

/** The registry photo for one check: JPEG bytes the flow overwrites when the check ends. */
export interface ReferencePhoto {
  jpeg: Uint8Array;
  source: 'registry' | 'idCard';
}

/** A bank staff member signed in at the kiosk for the assisted path; the token is kept only by the flow. */
export interface StaffSignedIn {
  staffToken: string;
  staffName: string;
  role: string;
  expiresAt: string;
}

export interface FlowServices {
  recordsSummary(personId: string): Promise<Result<RecordsSummaryView>>;
  recordsContributions(personId: string): Promise<Result<z.infer<typeof ContributionYearView>[]>>;
  recordsPensionPayments(personId: string): Promise<Result<z.infer<typeof PensionMonthView>[]>>;
  issueDocument(request: {
    personId: string;
    kind: DocumentKind;
    fromYear?: number;
    toYear?: number;
    fromMonth?: string;
    toMonth?: string;
  }): Promise<Result<IssuedDocument>>;
  enrollmentCheck(personId: string): Promise<Result<EnrollmentCheck>>;
  enrollmentSubmit(
    personId: string,
    answers: EnrollmentAnswers,
    idempotencyKey: string,
  ): Promise<Result<{ caseNumber: string; status: string; message: string }>>;
  paymentChoices(personId: string): Promise<Result<PaymentChoices>>;
  pay(request: {
    personId: string;
    year: number;
    amountCents: number;
    method: PaymentMethodInput;
    idempotencyKey: string;
  }): Promise<Result<PaymentResult>>;
  paymentByKey(idempotencyKey: string): Promise<Result<PaymentResult>>;
  bundleForm(bundleId: string, personId: string): Promise<Result<BundleForm>>;
  bundleSubmit(request: {
    bundleId: string;
    personId: string;
    idempotencyKey: string;
    answers: EnrollmentAnswers;
    payment: PaymentMethodInput;
  }): Promise<Result<BundleAnswer>>;
  // --- qualification authentication (待遇领取资格认证) ---
  authenticationStatus(personId: string): Promise<Result<AuthenticationStatus>>;
  authenticationConsent(request: {
    personId: string;
    version: string;
    granted: boolean;
  }): Promise<Result<FaceConsent>>;
  referencePhoto(personId: string, consentId: string): Promise<Result<ReferencePhoto>>;
  /** Signs the outcome with the kiosk key and sends it; the same key sends the same outcome once. */
  faceOutcome(outcome: FaceOutcome, idempotencyKey: string): Promise<Result<FaceOutcomeResponse>>;
  staffSignIn(credentials: {
    staffNumber: string;
    password: string;
    otp: string;
  }): Promise<Result<StaffSignedIn>>;
  authenticationAssisted(request: {
    personId: string;
    staffToken: string;
    reason: AssistReason;
    idempotencyKey: string;
  }): Promise<Result<AuthenticationRecord>>;
  // --- identity verification for another service (the face check before a card application) ---
  identityCheckStatus(personId: string, purpose: IdentityCheckPurpose): Promise<Result<IdentityCheckStatus>>;
  identityCheckConsent(request: {
    personId: string;
    purpose: IdentityCheckPurpose;
    version: string;
    granted: boolean;
  }): Promise<Result<FaceConsent>>;
  identityReferencePhoto(personId: string, consentId: string): Promise<Result<ReferencePhoto>>;
  /** Signs the outcome with the kiosk key and sends it for `purpose`; the same key sends the same outcome once. */
  identityFaceOutcome(
    purpose: IdentityCheckPurpose,
    outcome: FaceOutcome,
    idempotencyKey: string,
  ): Promise<Result<IdentityFaceOutcomeResponse>>;
  identityAssisted(request: {
    personId: string;
    purpose: IdentityCheckPurpose;
    staffToken: string;
    reason: AssistReason;
    idempotencyKey: string;
  }): Promise<Result<IdentityVerification>>;
}
