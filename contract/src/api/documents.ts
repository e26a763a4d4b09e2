import { z } from 'zod';
import { API_PREFIX, InsuranceStatus, InsuranceType } from './core.ts';
import type { RouteTable } from './route.ts';

/**
 * Rights-record documents (权益证明): issued by a kiosk, verified by anyone through the public routes.
 * Signed kiosk routes carry `service: 'rightsRecordPrint'` (or another ServiceId) so the server checks the kiosk's bank is
 * authorised for it; public routes have `signed: false, service: null`.
 *
 * A document is an A4 PDF with a verification code and a QR code. The QR holds a link to the public
 * verification page plus the document's key facts (masked) signed with the server's Ed25519 key:
 * `<publicBaseUrl>/verify/<code>?d=<base64url(canonical JSON of DocumentFacts)>&s=<base64url(signature)>&k=<keyId>`,
 * so that it verifies offline with a key from `documentKeys`. The PDF itself is not kept on the server.
 */

/** 参保证明, 缴费明细, 养老金发放记录. */
export const DocumentKind = z.enum(['enrollmentCertificate', 'contributionDetails', 'pensionPayments']);
export type DocumentKind = z.infer<typeof DocumentKind>;

/**
 * 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L); printed in groups of four
 * (ABCD-EFGH-JKMN-PQRS). Lookups accept it grouped or not, in either case.
 */
export const VERIFICATION_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const VerificationCode = z
  .string()
  .regex(/^[2-9A-HJKMNP-Z]{16}$/, 'verification code must be 16 characters of 2-9 and A-Z without I, L, O');

/** YYYY-MM */
export const YearMonth = z
  .string()
  .regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM, e.g. 2024-01');

const Year = z.number().int('must be a whole year').min(1950, 'must be 1950 or later').max(2200);

export const DocumentIssueRequest = z.object({
  personId: z.string().regex(/^P[0-9]{8}$/, 'personId must be P and 8 digits'),
  kind: DocumentKind,
  /** contributionDetails: the years covered (default: the last 30 years up to this year, as far as recorded). */
  fromYear: Year.optional(),
  toYear: Year.optional(),
  /** pensionPayments: the months covered (default: the last 12 months up to this month). */
  fromMonth: YearMonth.optional(),
  toMonth: YearMonth.optional(),
});
export type DocumentIssueRequest = z.infer<typeof DocumentIssueRequest>;

export const DocumentIssueResponse = z.object({
  documentId: z.string(),
  /** Ungrouped; print or show it grouped. */
  verificationCode: VerificationCode,
  kind: DocumentKind,
  pages: z.number().int().min(1),
  /** Hex SHA-256 of the PDF bytes, as recorded. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  pdfBase64: z.string(),
  /** What the kiosk shows before printing; masked, as a bystander may see the screen. */
  preview: z.object({
    title: z.string(),
    holderMasked: z.string(),
    idNumberMasked: z.string(),
    lines: z.array(z.string()),
  }),
});
export type DocumentIssueResponse = z.infer<typeof DocumentIssueResponse>;

/** Per insurance type as the enrollment certificate states it. */
export const CertifiedInsurance = z.object({
  type: InsuranceType,
  scheme: z.enum(['employee', 'resident']),
  status: InsuranceStatus,
  /** YYYY-MM-DD */
  since: z.string(),
  /** Months contributed over the whole record. */
  months: z.number().int().min(0),
});

const TypeTotal = z.object({ months: z.number().int().min(0), amountCents: z.number().int().min(0) });

/**
 * The key facts of a document, signed into its QR and kept with its record. Names and ID numbers are masked:
 * anyone can read a QR code. Money in fen.
 */
const FactsCommon = {
  /** Format version of these facts. */
  v: z.literal(1),
  code: VerificationCode,
  holderMasked: z.string(),
  idNumberMasked: z.string(),
  /** ISO 8601 with the +08:00 offset, to the second. */
  issuedAt: z.string(),
  kioskId: z.string(),
};

export const DocumentFacts = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('enrollmentCertificate'),
    ...FactsCommon,
    insurances: z.array(CertifiedInsurance),
    /** Months of pension contributions over the whole record (累计缴费月数). */
    pensionMonths: z.number().int().min(0),
  }),
  z.object({
    kind: z.literal('contributionDetails'),
    ...FactsCommon,
    fromYear: z.number().int(),
    toYear: z.number().int(),
    /** Per insurance type over the years covered. */
    totals: z.partialRecord(InsuranceType, TypeTotal),
    totalCents: z.number().int().min(0),
  }),
  z.object({
    kind: z.literal('pensionPayments'),
    ...FactsCommon,
    fromMonth: YearMonth,
    toMonth: YearMonth,
    paidMonths: z.number().int().min(0),
    paidCents: z.number().int().min(0),
    withheldMonths: z.number().int().min(0),
    withheldCents: z.number().int().min(0),
  }),
]);
export type DocumentFacts = z.infer<typeof DocumentFacts>;

export const DocumentKey = z.object({
  /** First 16 hex digits of the SHA-256 of the public key's DER (SPKI). */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  algorithm: z.literal('Ed25519'),
  publicKeyPem: z.string().startsWith('-----BEGIN PUBLIC KEY-----'),
  /** Whether the server signs new documents with it; older keys stay published so old documents verify. */
  current: z.boolean(),
});
export type DocumentKey = z.infer<typeof DocumentKey>;

export const DocumentKeysResponse = z.object({ keys: z.array(DocumentKey) });
export type DocumentKeysResponse = z.infer<typeof DocumentKeysResponse>;

export const PublicDocumentResponse = z.object({
  verificationCode: VerificationCode,
  kind: DocumentKind,
  /** The stored facts verify with a published key. */
  valid: z.boolean(),
  facts: DocumentFacts,
  pages: z.number().int(),
  keyId: z.string(),
  /** base64url Ed25519 signature over the canonical JSON of `facts`, as in the QR. */
  signature: z.string(),
});
export type PublicDocumentResponse = z.infer<typeof PublicDocumentResponse>;

export const DocumentRoutes = {
  /** Generates a document for the person at the kiosk; the PDF is answered, not kept. */
  documentIssue: {
    method: 'post',
    path: `${API_PREFIX}/documents`,
    signed: true,
    service: 'rightsRecordPrint',
    request: DocumentIssueRequest,
    response: DocumentIssueResponse,
  },
  /** The public keys that verify document QR codes offline. */
  documentKeys: {
    method: 'get',
    path: `${API_PREFIX}/public/document-keys`,
    signed: false,
    service: null,
    response: DocumentKeysResponse,
  },
  /** What a document states, by its verification code (masked); 404 for an unknown code. */
  publicDocument: {
    method: 'get',
    path: `${API_PREFIX}/public/documents/{code}`,
    signed: false,
    service: null,
    response: PublicDocumentResponse,
  },
} as const satisfies RouteTable;
