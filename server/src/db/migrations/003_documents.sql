-- Issue 5: rights-record documents (权益证明). The Ed25519 keys that sign the documents' QR codes, and one row
-- per document issued holding what it states (the signed facts), never the PDF itself. Runs unchanged on
-- PGlite and PostgreSQL.

-- Every key that has signed documents stays here, so old documents keep verifying after a key change. The
-- private part is kept only for a key the server generated itself (no key in its configuration): whoever can
-- read this table can sign documents, which is why production sets documents.signingKeyPem instead.
CREATE TABLE document_keys (
  key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{16}$'),
  public_key_pem text NOT NULL UNIQUE CHECK (public_key_pem LIKE '-----BEGIN PUBLIC KEY-----%'),
  private_key_pem text CHECK (private_key_pem LIKE '-----BEGIN PRIVATE KEY-----%'),
  created_at timestamptz NOT NULL DEFAULT now()
);
-- At most one generated key: servers that start together settle on the first one written.
CREATE UNIQUE INDEX document_keys_one_generated ON document_keys ((private_key_pem IS NOT NULL))
  WHERE private_key_pem IS NOT NULL;

CREATE TABLE documents (
  document_id text PRIMARY KEY,
  -- Printed on the document; 16 characters without look-alikes, random (about 79 bits).
  verification_code text NOT NULL UNIQUE CHECK (verification_code ~ '^[2-9A-HJKMNP-Z]{16}$'),
  person_id text NOT NULL REFERENCES people (person_id),
  kind text NOT NULL CHECK (kind IN ('enrollmentCertificate', 'contributionDetails', 'pensionPayments')),
  -- The request as validated (ranges filled in).
  params jsonb NOT NULL,
  -- The facts signed into the QR code (names and ID numbers masked); the signature covers their canonical JSON.
  facts jsonb NOT NULL,
  key_id text NOT NULL REFERENCES document_keys (key_id),
  signature text NOT NULL CHECK (signature ~ '^[A-Za-z0-9_-]{86}$'),
  -- Of the PDF bytes handed to the kiosk.
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  pages smallint NOT NULL CHECK (pages > 0),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  issued_at timestamptz NOT NULL
);
CREATE INDEX documents_person_id ON documents (person_id, issued_at);
