import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
} from 'node:crypto';
import type { ServerConfig } from '@sik/config';
import {
  canonicalJson,
  type DocumentFacts,
  type DocumentIssueRequest,
  type DocumentIssueResponse,
  type DocumentKeysResponse,
  maskIdNumber,
  type PublicDocumentResponse,
} from '@sik/contract';
import type { Db } from '../db/db.ts';
import { buildDocumentContent, chinaClock, type DocumentRecords, type Holder } from '../documents/content.ts';
import { renderDocumentPdf } from '../documents/render.ts';
import {
  type DocumentSigner,
  documentQrText,
  factsSignatureValid,
  keyIdOf,
  signFacts,
  verificationPageUrl,
  verifyDocumentQr,
} from '../documents/signed-qr.ts';
import { newVerificationCode, normalizeVerificationCode } from '../documents/verification-code.ts';
import { type QrComparison, renderVerifyPage } from '../documents/verify-page.ts';
import { InvalidInputError, NotEligibleError, NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { appendAudit, appendAuditInTransaction } from '../repositories/audit.ts';
import {
  contributionRecordsFor,
  earliestContributionYear,
  findDocumentByCode,
  findGeneratedKey,
  findHolder,
  hasPension,
  insertDocument,
  insuranceRecordsFor,
  listDocumentKeys,
  pensionPaymentRecordsFor,
  recordPublicKey,
  storeGeneratedKey,
} from '../repositories/documents.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';

/**
 * Rights-record documents (权益证明): a kiosk asks for one, the server reads the records, signs the key facts,
 * renders the A4 PDF with the verification code and the signed QR, records what the document states (not the
 * PDF) and audits the issue; anyone can then check a document by its code or its QR.
 */

/** The longest period one document covers. */
export const MAX_DOCUMENT_YEARS = 30;

/** Who issues the documents, printed under the title. */
export const DEFAULT_ISSUER = '成都市人力资源和社会保障局';

export interface DocumentServiceDeps {
  db: Db;
  config: Pick<ServerConfig, 'publicBaseUrl' | 'documents'>;
  log: Logger;
  now?: (() => number) | undefined;
  issuer?: string;
}

export interface DocumentService {
  issue(kiosk: AuthenticatedKiosk, request: DocumentIssueRequest): Promise<DocumentIssueResponse>;
  publicDocument(code: string): Promise<PublicDocumentResponse>;
  documentKeys(): Promise<DocumentKeysResponse>;
  /** The HTML verification page; `qr` holds the d, s and k of the QR link when it was opened from one. */
  verificationPage(code: string, qr: Record<string, unknown>): Promise<{ status: number; html: string }>;
  /** The page with the form to type a code. */
  verificationForm(message?: string): string;
}

/** The validated request with its ranges filled in: what the document covers. */
export type DocumentParams =
  | { kind: 'enrollmentCertificate' }
  | { kind: 'contributionDetails'; fromYear: number; toYear: number }
  | { kind: 'pensionPayments'; fromMonth: string; toMonth: string };

const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOfIndex = (index: number): string =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/**
 * Checks the ranges against each other and the clock (China's calendar) and fills in the defaults:
 * contributions from up to 30 years back (not before the first recorded year) to this year, pension payments
 * of the last 12 months. Throws InvalidInputError naming the field.
 */
export function resolveDocumentParams(
  request: DocumentIssueRequest,
  today: { year: number; month: string },
  earliestYear: number | null,
): DocumentParams {
  const unused = (fields: Array<keyof DocumentIssueRequest>, what: string) => {
    for (const field of fields) {
      if (request[field] !== undefined) {
        throw new InvalidInputError(`${field}: not used for ${request.kind} (${what})`, field);
      }
    }
  };
  switch (request.kind) {
    case 'enrollmentCertificate':
      unused(['fromYear', 'toYear', 'fromMonth', 'toMonth'], 'it covers the whole record up to today');
      return { kind: 'enrollmentCertificate' };
    case 'contributionDetails': {
      unused(['fromMonth', 'toMonth'], 'it takes fromYear and toYear');
      const toYear = request.toYear ?? today.year;
      if (toYear > today.year) {
        throw new InvalidInputError(
          `toYear: ${toYear} is in the future (this year is ${today.year})`,
          'toYear',
        );
      }
      const fromYear =
        request.fromYear ??
        Math.min(toYear, Math.max(toYear - MAX_DOCUMENT_YEARS + 1, earliestYear ?? toYear));
      if (fromYear > toYear) {
        throw new InvalidInputError(`fromYear: ${fromYear} is after toYear ${toYear}`, 'fromYear');
      }
      if (toYear - fromYear + 1 > MAX_DOCUMENT_YEARS) {
        throw new InvalidInputError(
          `fromYear: at most ${MAX_DOCUMENT_YEARS} years in one document (${fromYear}-${toYear} is ${toYear - fromYear + 1})`,
          'fromYear',
        );
      }
      return { kind: 'contributionDetails', fromYear, toYear };
    }
    case 'pensionPayments': {
      unused(['fromYear', 'toYear'], 'it takes fromMonth and toMonth');
      const toMonth = request.toMonth ?? today.month;
      if (toMonth > today.month) {
        throw new InvalidInputError(
          `toMonth: ${toMonth} is in the future (this month is ${today.month})`,
          'toMonth',
        );
      }
      const fromMonth = request.fromMonth ?? monthOfIndex(monthIndex(toMonth) - 11);
      if (fromMonth > toMonth) {
        throw new InvalidInputError(`fromMonth: ${fromMonth} is after toMonth ${toMonth}`, 'fromMonth');
      }
      if (monthIndex(toMonth) - monthIndex(fromMonth) + 1 > MAX_DOCUMENT_YEARS * 12) {
        throw new InvalidInputError(
          `fromMonth: at most ${MAX_DOCUMENT_YEARS} years (${MAX_DOCUMENT_YEARS * 12} months) in one document`,
          'fromMonth',
        );
      }
      return { kind: 'pensionPayments', fromMonth, toMonth };
    }
  }
}

async function readRecords(db: Db, personId: string, params: DocumentParams): Promise<DocumentRecords> {
  switch (params.kind) {
    case 'enrollmentCertificate': {
      const [insurances, contributions] = await Promise.all([
        insuranceRecordsFor(db, personId),
        contributionRecordsFor(db, personId),
      ]);
      if (insurances.length === 0) throw new NotEligibleError('没有参保记录，无法出具参保证明');
      return { kind: 'enrollmentCertificate', insurances, contributions };
    }
    case 'contributionDetails': {
      const contributions = await contributionRecordsFor(db, personId, params);
      if (contributions.length === 0) {
        throw new NotEligibleError(`${params.fromYear}年至${params.toYear}年没有缴费记录`, 'fromYear');
      }
      return { ...params, contributions };
    }
    case 'pensionPayments': {
      if (!(await hasPension(db, personId)))
        throw new NotEligibleError('没有养老金待遇记录，无法出具发放记录');
      const payments = await pensionPaymentRecordsFor(db, personId, params.fromMonth, params.toMonth);
      if (payments.length === 0) {
        throw new NotEligibleError(`${params.fromMonth}至${params.toMonth}没有养老金发放记录`, 'fromMonth');
      }
      return { ...params, payments };
    }
  }
}

interface KeyRing {
  signer(): Promise<DocumentSigner>;
}

/**
 * The signing key, loaded on first use: the configured one (its public part recorded so it stays published),
 * or else one generated once and kept in the database, the same for every server on it.
 */
function keyRing(db: Db, configuredPem: string | null): KeyRing {
  const configured = configuredPem === null ? null : parseSigningKey(configuredPem);
  let loading: Promise<DocumentSigner> | undefined;
  const load = async (): Promise<DocumentSigner> => {
    if (configured) {
      await recordPublicKey(db, configured.keyId, publicPem(configured.privateKey));
      return configured;
    }
    let pem = await findGeneratedKey(db);
    if (!pem) {
      const { privateKey } = generateKeyPairSync('ed25519');
      await storeGeneratedKey(db, {
        keyId: keyIdOf(createPublicKey(privateKey)),
        publicKeyPem: publicPem(privateKey),
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      pem = await findGeneratedKey(db);
      if (!pem) throw new Error('the generated document key was not stored');
    }
    return parseSigningKey(pem);
  };
  return {
    signer() {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
  };
}

function publicPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/** An Ed25519 PKCS#8 PEM; anything else is a configuration mistake, refused when the server starts. */
export function parseSigningKey(pem: string): DocumentSigner {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`documents.signingKeyPem must be an Ed25519 key, not ${privateKey.asymmetricKeyType}`);
  }
  return { keyId: keyIdOf(createPublicKey(privateKey)), privateKey };
}

export function createDocumentService(deps: DocumentServiceDeps): DocumentService {
  const { db } = deps;
  const keys = keyRing(db, deps.config.documents.signingKeyPem);
  const now = () => new Date((deps.now ?? Date.now)());
  const issuer = deps.issuer ?? DEFAULT_ISSUER;

  const publishedKeys = async () => {
    const current = await keys.signer();
    const stored = await listDocumentKeys(db);
    return stored.map((k) => ({ ...k, current: k.keyId === current.keyId }));
  };

  const lookup = async (code: string) => {
    const normalized = normalizeVerificationCode(code);
    const doc = normalized ? await findDocumentByCode(db, normalized) : null;
    if (!doc) return { normalized, doc: null, valid: false };
    const key = (await publishedKeys()).find((k) => k.keyId === doc.keyId);
    const valid = key !== undefined && factsSignatureValid(doc.facts, doc.signature, key.publicKeyPem);
    return { normalized, doc, valid };
  };

  return {
    async issue(kiosk, request) {
      const issuedAt = now();
      const clock = chinaClock(issuedAt);
      const earliest =
        request.kind === 'contributionDetails' && request.fromYear === undefined
          ? await earliestContributionYear(db, request.personId)
          : null;
      const params = resolveDocumentParams(request, clock, earliest);
      const audit = {
        actor: `kiosk:${kiosk.kioskId}`,
        kioskId: kiosk.kioskId,
        action: 'document.issue',
      };
      const holder: Holder | null = await findHolder(db, request.personId);
      if (!holder) {
        await appendAudit(db, {
          ...audit,
          result: 'PERSON_NOT_FOUND',
          details: { personId: request.personId, kind: params.kind },
        });
        throw new NotFoundError('PERSON_NOT_FOUND', `no person ${request.personId}`);
      }
      let records: DocumentRecords;
      try {
        records = await readRecords(db, holder.personId, params);
      } catch (error) {
        if (error instanceof NotEligibleError) {
          await appendAudit(db, {
            ...audit,
            result: error.code,
            details: {
              personId: holder.personId,
              idNumberMasked: maskIdNumber(holder.idNumber),
              kind: params.kind,
            },
          });
        }
        throw error;
      }
      const signer = await keys.signer();
      const code = newVerificationCode();
      const content = buildDocumentContent(records, {
        holder,
        code,
        kioskId: kiosk.kioskId,
        issuedAt,
        issuer,
        verifyUrl: verificationPageUrl(deps.config.publicBaseUrl, code),
      });
      const qrText = documentQrText(deps.config.publicBaseUrl, content.facts, signer);
      const started = performance.now();
      const { pdf, pages } = await renderDocumentPdf({ ...content.layout, qrText });
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      const documentId = randomUUID();
      await db.transaction(async (tx) => {
        await insertDocument(tx, {
          documentId,
          verificationCode: code,
          personId: holder.personId,
          kind: params.kind,
          params,
          facts: content.facts,
          keyId: signer.keyId,
          signature: signFacts(content.facts, signer.privateKey),
          sha256,
          pages,
          kioskId: kiosk.kioskId,
          issuedAt,
        });
        await appendAuditInTransaction(
          tx,
          {
            ...audit,
            result: 'ok',
            details: {
              personId: holder.personId,
              idNumberMasked: maskIdNumber(holder.idNumber),
              kind: params.kind,
              documentId,
              verificationCode: code,
              pages,
              sha256,
              ...('fromYear' in params ? { fromYear: params.fromYear, toYear: params.toYear } : {}),
              ...('fromMonth' in params ? { fromMonth: params.fromMonth, toMonth: params.toMonth } : {}),
            },
          },
          issuedAt,
        );
      });
      deps.log.info(
        {
          ns: 'documents',
          kind: params.kind,
          pages,
          bytes: pdf.length,
          ms: Math.round(performance.now() - started),
        },
        'document issued',
      );
      return {
        documentId,
        verificationCode: code,
        kind: params.kind,
        pages,
        sha256,
        pdfBase64: pdf.toString('base64'),
        preview: content.preview,
      };
    },

    async publicDocument(code) {
      if (normalizeVerificationCode(code) === null) {
        throw new InvalidInputError(
          'code: a verification code is 16 characters of 2-9 and A-Z without I, L, O',
          'code',
        );
      }
      const { doc, valid } = await lookup(code);
      if (!doc) throw new NotFoundError('NOT_FOUND', 'no document has this verification code');
      return {
        verificationCode: doc.verificationCode,
        kind: doc.kind,
        valid,
        facts: doc.facts,
        pages: doc.pages,
        keyId: doc.keyId,
        signature: doc.signature,
      };
    },

    async documentKeys() {
      const keysNow = await publishedKeys();
      return {
        keys: keysNow.map((k) => ({
          keyId: k.keyId,
          algorithm: 'Ed25519' as const,
          publicKeyPem: k.publicKeyPem,
          current: k.current,
        })),
      };
    },

    async verificationPage(code, query) {
      const { normalized, doc, valid } = await lookup(code);
      if (!doc) {
        return {
          status: 404,
          html: renderVerifyPage({ kind: 'unknown', code: normalized ?? code.slice(0, 40) }, now()),
        };
      }
      const qr = await compareQr(doc.verificationCode, doc.facts, query);
      return {
        status: 200,
        html: renderVerifyPage(
          { kind: 'found', facts: doc.facts, pages: doc.pages, keyId: doc.keyId, valid, qr },
          now(),
        ),
      };
    },

    verificationForm(message) {
      return renderVerifyPage(message ? { kind: 'form', message } : { kind: 'form' }, now());
    },
  };

  /** Checks the QR's signed facts (when the page was opened from the QR) against the record. */
  async function compareQr(
    code: string,
    stored: DocumentFacts,
    query: Record<string, unknown>,
  ): Promise<QrComparison> {
    const { d, s, k } = query;
    if (d === undefined && s === undefined && k === undefined) return { kind: 'none' };
    const params = new URLSearchParams();
    for (const [name, value] of [
      ['d', d],
      ['s', s],
      ['k', k],
    ] as const) {
      if (typeof value === 'string') params.set(name, value);
    }
    const text = `${verificationPageUrl(deps.config.publicBaseUrl, code)}?${params.toString()}`;
    const verification = verifyDocumentQr(text, await publishedKeys());
    if (!verification.ok) return { kind: 'rejected', verification };
    return canonicalJson(verification.facts) === canonicalJson(stored)
      ? { kind: 'match' }
      : { kind: 'mismatch' };
  }
}
