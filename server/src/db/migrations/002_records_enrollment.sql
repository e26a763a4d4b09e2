-- Issue 5: what the records query, enrollment and the bundle engine read and write. Bank accounts linked to
-- people (the contribution is debited from them), monthly pension payments, full-time students, enrollment
-- cases with their events and commitments, first card applications from bundles, and bundle submissions.
-- Runs unchanged on PGlite and PostgreSQL.

-- A person's account at a bank; the linked one is where contributions are debited from (at most one).
CREATE TABLE bank_accounts (
  account_id text PRIMARY KEY CHECK (account_id ~ '^[A-Z0-9][A-Z0-9-]{2,31}$'),
  person_id text NOT NULL REFERENCES people (person_id),
  bank_id text NOT NULL REFERENCES banks (bank_id),
  account_number text NOT NULL UNIQUE CHECK (account_number ~ '^[0-9]{16,19}$'),
  linked boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX bank_accounts_one_linked_per_person ON bank_accounts (person_id) WHERE linked;

-- One row per pensioner and month (the first of the month): paid, or withheld while the yearly
-- authentication is overdue.
CREATE TABLE pension_payments (
  person_id text NOT NULL REFERENCES pensions (person_id),
  month date NOT NULL CHECK (extract(day FROM month) = 1),
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  status text NOT NULL CHECK (status IN ('paid', 'withheld')),
  paid_at timestamptz,
  PRIMARY KEY (person_id, month),
  CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);

-- School attendance as the education bureau reports it; a full-time student may not enroll in the residents'
-- pension. to_date NULL: still enrolled.
CREATE TABLE student_enrollments (
  person_id text NOT NULL REFERENCES people (person_id),
  school text NOT NULL CHECK (length(school) > 0),
  full_time boolean NOT NULL,
  from_date date NOT NULL,
  to_date date,
  PRIMARY KEY (person_id, from_date),
  CHECK (to_date IS NULL OR to_date > from_date)
);

-- Case numbers: a prefix, the day and a gapless sequence per prefix and day (the counter row is updated in the
-- transaction that creates the case, so a rolled-back case gives its number back).
CREATE TABLE case_counters (
  prefix text NOT NULL CHECK (prefix ~ '^[A-Z]{2}$'),
  day date NOT NULL,
  last_value integer NOT NULL CHECK (last_value > 0),
  PRIMARY KEY (prefix, day)
);

-- Every matter accepted from a citizen is a case the citizen can follow (受理 is kept apart from 办理).
CREATE TABLE cases (
  case_number text PRIMARY KEY CHECK (case_number ~ '^[A-Z]{2}[0-9]{8}[0-9]{4,}$'),
  kind text NOT NULL CHECK (kind IN ('residentPensionEnrollment')),
  person_id text NOT NULL REFERENCES people (person_id),
  kiosk_id text REFERENCES kiosks (kiosk_id),
  status text NOT NULL CHECK (status IN ('received', 'accepted', 'approved', 'rejected')),
  -- Approved automatically (秒批) on a commitment: a person checks the commitment later.
  spot_check boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX cases_person_id ON cases (person_id);

CREATE TABLE case_events (
  case_number text NOT NULL REFERENCES cases (case_number),
  seq smallint NOT NULL CHECK (seq > 0),
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('received', 'accepted', 'approved', 'flaggedForSpotCheck', 'rejected')),
  -- Plain Chinese, shown to the citizen as it is.
  note text NOT NULL CHECK (length(note) > 0),
  PRIMARY KEY (case_number, seq)
);

-- An enrollment in the urban-rural residents' pension (参保登记) as submitted; the answer is kept so that the
-- same idempotency key gets the same answer.
CREATE TABLE enrollments (
  case_number text PRIMARY KEY REFERENCES cases (case_number),
  person_id text NOT NULL REFERENCES people (person_id),
  kiosk_id text REFERENCES kiosks (kiosk_id),
  grade_cents integer NOT NULL CHECK (grade_cents > 0),
  phone text NOT NULL CHECK (phone ~ '^1[3-9][0-9]{9}$'),
  household_type text NOT NULL CHECK (household_type IN ('urban', 'rural')),
  residence_proof text NOT NULL CHECK (residence_proof IN ('provided', 'commitment')),
  idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 128),
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX enrollments_person_id ON enrollments (person_id);

-- Notification and commitment (告知承诺制): the signed commitment replaces a missing proof and is checked
-- by the due date.
CREATE TABLE commitments (
  commitment_id text PRIMARY KEY,
  case_number text NOT NULL REFERENCES cases (case_number),
  person_id text NOT NULL REFERENCES people (person_id),
  subject text NOT NULL CHECK (subject IN ('residenceProof')),
  text_version text NOT NULL CHECK (length(text_version) > 0),
  signed_at timestamptz NOT NULL,
  check_due date NOT NULL,
  check_status text NOT NULL DEFAULT 'pending' CHECK (check_status IN ('pending', 'confirmed', 'breached'))
);
CREATE INDEX commitments_check_due ON commitments (check_status, check_due);

-- Social security card applications. Minimal for now: first applications from a bundle, queued until instant
-- issuance exists (issue 4 extends this table).
CREATE TABLE card_applications (
  application_id text PRIMARY KEY,
  person_id text NOT NULL REFERENCES people (person_id),
  kind text NOT NULL CHECK (kind IN ('first')),
  status text NOT NULL CHECK (status IN ('queued')),
  source text NOT NULL CHECK (source IN ('bundle', 'kiosk')),
  created_at timestamptz NOT NULL
);
CREATE INDEX card_applications_person_id ON card_applications (person_id);

-- One submission of a bundled matter (一件事): the request's fingerprint and, once answered, the combined
-- answer with every item's result, returned again for the same idempotency key.
CREATE TABLE bundle_submissions (
  submission_id text PRIMARY KEY,
  bundle_id text NOT NULL,
  person_id text NOT NULL REFERENCES people (person_id),
  kiosk_id text REFERENCES kiosks (kiosk_id),
  idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 128),
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  status text NOT NULL CHECK (status IN ('processing', 'answered')),
  -- The items written in the submission's transaction, kept to finish the answer after a crash.
  written jsonb NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL,
  answered_at timestamptz,
  CHECK ((status = 'answered') = (response IS NOT NULL))
);
