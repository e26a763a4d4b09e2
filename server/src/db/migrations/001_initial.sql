-- The system of record: banks, their branches and kiosks, people and their insurance, pensions, replay
-- protection for signed requests, and the append-only audit log. Runs unchanged on PGlite and PostgreSQL.

CREATE TABLE banks (
  bank_id text PRIMARY KEY CHECK (bank_id ~ '^[A-Z][A-Z0-9]{1,15}$'),
  name text NOT NULL CHECK (length(name) > 0)
);

CREATE TABLE branches (
  branch_id text PRIMARY KEY CHECK (branch_id ~ '^[A-Z0-9][A-Z0-9-]{2,31}$'),
  bank_id text NOT NULL REFERENCES banks (bank_id),
  name text NOT NULL CHECK (length(name) > 0),
  address text NOT NULL,
  region_code text NOT NULL CHECK (region_code ~ '^[0-9]{6}$')
);
CREATE INDEX branches_bank_id ON branches (bank_id);

CREATE TABLE kiosks (
  kiosk_id text PRIMARY KEY CHECK (kiosk_id ~ '^[A-Z0-9][A-Z0-9-]{2,31}$'),
  branch_id text NOT NULL REFERENCES branches (branch_id),
  -- Ed25519 SPKI PEM registered at provisioning; a kiosk without a key cannot sign requests.
  public_key_pem text CHECK (public_key_pem LIKE '-----BEGIN PUBLIC KEY-----%'),
  registered_at timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  CHECK ((public_key_pem IS NULL) = (registered_at IS NULL))
);
CREATE INDEX kiosks_branch_id ON kiosks (branch_id);

-- The low-risk services each bank is authorised to offer at its kiosks.
CREATE TABLE bank_services (
  bank_id text NOT NULL REFERENCES banks (bank_id) ON DELETE CASCADE,
  service_id text NOT NULL CHECK (service_id IN (
    'qualificationAuth', 'enrollment', 'recordsQuery', 'contributionPayment', 'rightsRecordPrint', 'socialSecurityCard'
  )),
  PRIMARY KEY (bank_id, service_id)
);

-- One row per person, holding exactly what their identity card says; the card-type-specific fields are
-- null on cards that do not have them.
CREATE TABLE people (
  person_id text PRIMARY KEY CHECK (person_id ~ '^P[0-9]{8}$'),
  id_number text NOT NULL UNIQUE CHECK (id_number ~ '^([0-9]{17}[0-9X]|[A-Z]{3}[0-9]{12})$'),
  card_type text NOT NULL CHECK (card_type IN ('resident', 'hkMacaoTaiwan', 'foreignPermanent2017', 'foreignPermanent2023')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  sex text NOT NULL CHECK (sex IN ('unknown', 'male', 'female', 'unspecified')),
  nation_code text CHECK (nation_code ~ '^[0-9]{2}$'),
  birth_date date NOT NULL,
  address text,
  issuer text,
  valid_from date NOT NULL,
  -- NULL means long-term (长期).
  valid_to date,
  pass_number text,
  issue_count text,
  english_name text,
  chinese_name text,
  nationality_code text CHECK (nationality_code ~ '^[A-Z]{3}$'),
  card_version text,
  authority_code text,
  renewal_count text,
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CHECK ((card_type = 'foreignPermanent2017') = (length(id_number) = 15)),
  CHECK (card_type <> 'resident' OR nation_code IS NOT NULL),
  CHECK (card_type <> 'hkMacaoTaiwan' OR (pass_number IS NOT NULL AND issue_count IS NOT NULL)),
  CHECK (card_type NOT IN ('foreignPermanent2017', 'foreignPermanent2023')
    OR (english_name IS NOT NULL AND nationality_code IS NOT NULL))
);

-- Employees' (城镇职工) or urban-rural residents' (城乡居民) scheme, per person and insurance type.
CREATE TABLE insurances (
  person_id text NOT NULL REFERENCES people (person_id),
  type text NOT NULL CHECK (type IN ('pension', 'medical', 'unemployment', 'workInjury', 'maternity')),
  scheme text NOT NULL CHECK (scheme IN ('employee', 'resident')),
  status text NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
  since date NOT NULL,
  PRIMARY KEY (person_id, type),
  CHECK (scheme = 'employee' OR type IN ('pension', 'medical'))
);

-- Money in fen (CNY cents) as integers: no rounding surprises, same type on both drivers.
CREATE TABLE contributions (
  person_id text NOT NULL,
  type text NOT NULL,
  year smallint NOT NULL CHECK (year BETWEEN 1950 AND 2200),
  months smallint NOT NULL CHECK (months BETWEEN 1 AND 12),
  base_cents integer NOT NULL CHECK (base_cents >= 0),
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  PRIMARY KEY (person_id, type, year),
  FOREIGN KEY (person_id, type) REFERENCES insurances (person_id, type)
);

CREATE TABLE pensions (
  person_id text PRIMARY KEY REFERENCES people (person_id),
  scheme text NOT NULL CHECK (scheme IN ('employee', 'resident')),
  start_date date NOT NULL,
  monthly_amount_cents integer NOT NULL CHECK (monthly_amount_cents > 0),
  -- Benefit qualification authentication (待遇领取资格认证) is due 12 months after the last one.
  last_authenticated_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'suspended', 'terminated'))
);
CREATE INDEX pensions_last_authenticated_at ON pensions (last_authenticated_at);

-- Replay protection: the primary key makes the database, shared by every server, decide whether a nonce is new.
CREATE TABLE request_nonces (
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id) ON DELETE CASCADE,
  nonce text NOT NULL CHECK (nonce ~ '^[A-Za-z0-9_-]{16,64}$'),
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kiosk_id, nonce)
);
CREATE INDEX request_nonces_seen_at ON request_nonces (seen_at);

-- Append-only and hash-chained: each row's hash covers its content and the previous row's hash, so an edit or
-- a removed row breaks the chain. kiosk_id has no foreign key: the log must accept any attempt it records.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL CHECK (length(actor) > 0),
  kiosk_id text,
  action text NOT NULL CHECK (length(action) > 0),
  result text NOT NULL CHECK (length(result) > 0),
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_log_kiosk_id ON audit_log (kiosk_id, at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
