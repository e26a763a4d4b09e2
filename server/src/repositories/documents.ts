import type { DocumentFacts, DocumentKind, IdCardType } from '@sik/contract';
import type { Queryable } from '../db/db.ts';
import type {
  ContributionRecord,
  Holder,
  InsuranceRecord,
  PensionPaymentRecord,
} from '../documents/content.ts';

/** Rights-record documents (权益证明): the records they state, the documents issued, the signing keys. */

export async function findHolder(q: Queryable, personId: string): Promise<Holder | null> {
  const { rows } = await q.query<{
    person_id: string;
    name: string;
    id_number: string;
    card_type: IdCardType;
  }>('SELECT person_id, name, id_number, card_type FROM people WHERE person_id = $1', [personId]);
  const row = rows[0];
  return row
    ? { personId: row.person_id, name: row.name, idNumber: row.id_number, cardType: row.card_type }
    : null;
}

export async function insuranceRecordsFor(q: Queryable, personId: string): Promise<InsuranceRecord[]> {
  const { rows } = await q.query<InsuranceRecord>(
    'SELECT type, scheme, status, since FROM insurances WHERE person_id = $1',
    [personId],
  );
  return rows;
}

/** Contributions of the years from..to (inclusive), or of every year when no range is given. */
export async function contributionRecordsFor(
  q: Queryable,
  personId: string,
  range?: { fromYear: number; toYear: number },
): Promise<ContributionRecord[]> {
  const { rows } = await q.query<{
    type: ContributionRecord['type'];
    year: number;
    months: number;
    base_cents: number;
    amount_cents: number;
  }>(
    `SELECT type, year, months, base_cents, amount_cents FROM contributions
     WHERE person_id = $1 AND ($2::int IS NULL OR year BETWEEN $2::int AND $3::int)
     ORDER BY year, type`,
    [personId, range?.fromYear ?? null, range?.toYear ?? null],
  );
  return rows.map((r) => ({
    type: r.type,
    year: Number(r.year),
    months: Number(r.months),
    baseCents: Number(r.base_cents),
    amountCents: Number(r.amount_cents),
  }));
}

export async function earliestContributionYear(q: Queryable, personId: string): Promise<number | null> {
  const { rows } = await q.query<{ first: number | null }>(
    'SELECT min(year)::int AS first FROM contributions WHERE person_id = $1',
    [personId],
  );
  return rows[0]?.first ?? null;
}

export async function hasPension(q: Queryable, personId: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM pensions WHERE person_id = $1', [personId]);
  return rows.length > 0;
}

/** Monthly pension payments of the months from..to (YYYY-MM, inclusive). */
export async function pensionPaymentRecordsFor(
  q: Queryable,
  personId: string,
  fromMonth: string,
  toMonth: string,
): Promise<PensionPaymentRecord[]> {
  const { rows } = await q.query<{
    month: string;
    amount_cents: number;
    status: PensionPaymentRecord['status'];
    paid_at: Date | null;
  }>(
    `SELECT month, amount_cents, status, paid_at FROM pension_payments
     WHERE person_id = $1 AND month BETWEEN $2::date AND $3::date
     ORDER BY month`,
    [personId, `${fromMonth}-01`, `${toMonth}-01`],
  );
  return rows.map((r) => ({
    month: String(r.month).slice(0, 7),
    amountCents: Number(r.amount_cents),
    status: r.status,
    paidAt: r.paid_at,
  }));
}

export interface DocumentRecord {
  documentId: string;
  verificationCode: string;
  personId: string;
  kind: DocumentKind;
  params: Record<string, string | number>;
  facts: DocumentFacts;
  keyId: string;
  signature: string;
  sha256: string;
  pages: number;
  kioskId: string;
  issuedAt: Date;
}

export async function insertDocument(q: Queryable, doc: DocumentRecord): Promise<void> {
  await q.query(
    `INSERT INTO documents (document_id, verification_code, person_id, kind, params, facts, key_id, signature,
       sha256, pages, kiosk_id, issued_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11, $12)`,
    [
      doc.documentId,
      doc.verificationCode,
      doc.personId,
      doc.kind,
      JSON.stringify(doc.params),
      JSON.stringify(doc.facts),
      doc.keyId,
      doc.signature,
      doc.sha256,
      doc.pages,
      doc.kioskId,
      doc.issuedAt.toISOString(),
    ],
  );
}

interface DocumentRow {
  document_id: string;
  verification_code: string;
  person_id: string;
  kind: DocumentKind;
  params: Record<string, string | number>;
  facts: DocumentFacts;
  key_id: string;
  signature: string;
  sha256: string;
  pages: number;
  kiosk_id: string;
  issued_at: Date;
}

export async function findDocumentByCode(q: Queryable, code: string): Promise<DocumentRecord | null> {
  const { rows } = await q.query<DocumentRow>('SELECT * FROM documents WHERE verification_code = $1', [code]);
  const row = rows[0];
  if (!row) return null;
  return {
    documentId: row.document_id,
    verificationCode: row.verification_code,
    personId: row.person_id,
    kind: row.kind,
    params: row.params,
    facts: row.facts,
    keyId: row.key_id,
    signature: row.signature,
    sha256: row.sha256,
    pages: Number(row.pages),
    kioskId: row.kiosk_id,
    issuedAt: row.issued_at,
  };
}

export interface StoredKey {
  keyId: string;
  publicKeyPem: string;
  createdAt: Date;
}

export async function listDocumentKeys(q: Queryable): Promise<StoredKey[]> {
  const { rows } = await q.query<{ key_id: string; public_key_pem: string; created_at: Date }>(
    'SELECT key_id, public_key_pem, created_at FROM document_keys ORDER BY created_at, key_id',
  );
  return rows.map((r) => ({ keyId: r.key_id, publicKeyPem: r.public_key_pem, createdAt: r.created_at }));
}

/** Publishes a key's public part (a configured key); nothing happens when it is there already. */
export async function recordPublicKey(q: Queryable, keyId: string, publicKeyPem: string): Promise<void> {
  await q.query(
    `INSERT INTO document_keys (key_id, public_key_pem) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING`,
    [keyId, publicKeyPem],
  );
}

/** The generated key's private PEM, when one was generated. */
export async function findGeneratedKey(q: Queryable): Promise<string | null> {
  const { rows } = await q.query<{ private_key_pem: string }>(
    'SELECT private_key_pem FROM document_keys WHERE private_key_pem IS NOT NULL',
  );
  return rows[0]?.private_key_pem ?? null;
}

/**
 * Stores a generated key unless another server stored one first (the partial unique index lets only one in);
 * the caller reads back whichever won.
 */
export async function storeGeneratedKey(
  q: Queryable,
  key: { keyId: string; publicKeyPem: string; privateKeyPem: string },
): Promise<void> {
  await q.query(
    `INSERT INTO document_keys (key_id, public_key_pem, private_key_pem) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [key.keyId, key.publicKeyPem, key.privateKeyPem],
  );
}
