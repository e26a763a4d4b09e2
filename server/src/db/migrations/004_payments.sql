-- Contribution payments (社保缴费) and the daily reconciliation against the bank's (and the QR gateway's)
-- settlement files. Runs unchanged on PGlite and PostgreSQL.

-- One row per idempotency key, written before the bank or gateway is called, so that a timeout, a dropped reply
-- or a crash leaves a 'pending' row to resolve by querying (never by paying again). The payment id is the bank
-- host's request id; the idempotency key is the gateway's merchant order id.
CREATE TABLE payments (
  payment_id text PRIMARY KEY CHECK (payment_id ~ '^PAY[0-9A-Z]{16}$'),
  idempotency_key text NOT NULL UNIQUE CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$'),
  -- SHA-256 of what was asked (person, year, amount, method, kiosk, bundle): the same key with another request
  -- is a conflict. The PIN block is never part of it, nor stored.
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  kiosk_id text REFERENCES kiosks (kiosk_id),
  bundle_id text,
  person_id text NOT NULL REFERENCES people (person_id),
  year smallint NOT NULL CHECK (year BETWEEN 1950 AND 2200),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  method text NOT NULL CHECK (method IN ('bankAccount', 'qr')),
  account_id text REFERENCES bank_accounts (account_id),
  masked_account text,
  paid_through text NOT NULL CHECK (length(paid_through) > 0),
  status text NOT NULL CHECK (status IN ('pending', 'awaitingQr', 'posted', 'declined', 'failed')),
  -- Plain Chinese, shown to the citizen.
  reason text,
  decline_code text,
  upstream_ref text,
  upstream_at timestamptz,
  settlement_date date,
  qr_content text,
  qr_expires_at timestamptz,
  -- Money arrived for a payment that cannot be posted (the year was paid another way): to be given back.
  refund_due boolean NOT NULL DEFAULT false,
  checks integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The last time the bank or gateway was asked about it.
  checked_at timestamptz,
  posted_at timestamptz,
  CHECK ((status = 'posted') = (posted_at IS NOT NULL)),
  CHECK (status <> 'posted' OR (upstream_ref IS NOT NULL AND settlement_date IS NOT NULL)),
  CHECK ((method = 'bankAccount') = (account_id IS NOT NULL)),
  CHECK (status <> 'awaitingQr' OR (qr_content IS NOT NULL AND qr_expires_at IS NOT NULL))
);
-- One payment per person and year that is under way or posted: a second one cannot start beside it.
CREATE UNIQUE INDEX payments_one_per_person_year ON payments (person_id, year)
  WHERE status IN ('pending', 'awaitingQr', 'posted');
CREATE INDEX payments_open ON payments (updated_at) WHERE status IN ('pending', 'awaitingQr');
CREATE INDEX payments_settlement ON payments (settlement_date, method) WHERE upstream_ref IS NOT NULL;

-- A posted payment is the year's contribution; the unique link makes posting possible once per payment (and the
-- primary key of contributions once per person, type and year), whatever the code does.
ALTER TABLE contributions ADD COLUMN payment_id text UNIQUE REFERENCES payments (payment_id);

-- Each comparison of one business day with one settlement file.
CREATE TABLE reconciliation_runs (
  run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  business_date date NOT NULL,
  source text NOT NULL CHECK (source IN ('bankHost', 'gateway')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('matched', 'differences', 'failed')),
  ours_count integer NOT NULL CHECK (ours_count >= 0),
  theirs_count integer NOT NULL CHECK (theirs_count >= 0),
  matched_count integer NOT NULL CHECK (matched_count >= 0),
  ours_total_cents bigint NOT NULL,
  theirs_total_cents bigint NOT NULL,
  error text,
  CHECK ((status = 'failed') = (error IS NOT NULL))
);
CREATE INDEX reconciliation_runs_date ON reconciliation_runs (business_date, source);

-- Every difference found: a debit the bank does not list (missingAtUpstream), a line of the file we have no posted
-- payment for (missingHere: our_status says what we hold, if anything), or another amount (amountDiffers).
CREATE TABLE reconciliation_differences (
  run_id bigint NOT NULL REFERENCES reconciliation_runs (run_id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq > 0),
  kind text NOT NULL CHECK (kind IN ('missingAtUpstream', 'missingHere', 'amountDiffers')),
  request_id text NOT NULL,
  payment_id text,
  upstream_ref text,
  our_status text,
  our_amount_cents integer,
  their_amount_cents integer,
  PRIMARY KEY (run_id, seq)
);
