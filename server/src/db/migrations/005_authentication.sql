-- Issue 3: benefit qualification authentication (待遇领取资格认证). The photo registry (the only table that
-- holds images), face-check consents, authentications (face or staff-assisted), failed face attempts and the
-- lockouts they cause, bank staff and their short sign-in sessions at a kiosk. Runs unchanged on PGlite and
-- PostgreSQL.

-- The reference photo of a person, as the bureau holds it. The ONLY place an image may live: consents, outcomes
-- and audit entries carry scores and ids, never image bytes or face descriptors.
CREATE TABLE photo_registry (
  person_id text PRIMARY KEY REFERENCES people (person_id),
  -- A JPEG (SOI marker FF D8 FF), at most 2 MiB.
  jpeg bytea NOT NULL CHECK (octet_length(jpeg) BETWEEN 4 AND 2097152 AND substring(jpeg FROM 1 FOR 3) = '\xffd8ff'::bytea),
  -- Where the bureau got it: the public-security ID photo, a social security card application, or demo fixtures.
  source text NOT NULL CHECK (source IN ('publicSecurity', 'cardApplication', 'demoFixture')),
  captured_on date NOT NULL
);

-- Consent to one face check (PIPL art. 29), granted or declined, in the version of the text shown; no image.
-- Good for a reference photo and an outcome from the same kiosk until it expires.
CREATE TABLE face_consents (
  consent_id uuid PRIMARY KEY,
  person_id text NOT NULL REFERENCES people (person_id),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  granted boolean NOT NULL,
  text_version text NOT NULL CHECK (length(text_version) BETWEEN 1 AND 32),
  recorded_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- The last time the reference photo was handed out under this consent (null: never).
  photo_served_at timestamptz,
  CHECK (expires_at > recorded_at),
  CHECK (granted OR photo_served_at IS NULL)
);
CREATE INDEX face_consents_person_id ON face_consents (person_id, recorded_at);

-- Every face-outcome and assisted request by idempotency key: the same key with the same body answers the
-- stored answer, with another body CONFLICT. One key space for both tables below.
CREATE TABLE authentication_requests (
  idempotency_key text PRIMARY KEY CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{16,64}$'),
  kind text NOT NULL CHECK (kind IN ('faceOutcome', 'assisted')),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL
);

-- Bank staff and bureau staff. Bank roles belong to a bank, bureau roles to none. The password is kept as an
-- argon2id hash (PHC string); the TOTP secret (RFC 6238, base32) is what the authenticator app also holds.
CREATE TABLE staff (
  staff_number text PRIMARY KEY CHECK (staff_number ~ '^[0-9]{6}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  role text NOT NULL CHECK (role IN ('bankStaff', 'bankSupervisor', 'bureauOperator', 'auditor')),
  bank_id text REFERENCES banks (bank_id),
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  totp_secret text NOT NULL CHECK (totp_secret ~ '^[A-Z2-7]{16,128}$'),
  enabled boolean NOT NULL DEFAULT true,
  -- The TOTP time step of the last accepted code: a code is accepted once.
  last_totp_step bigint,
  CHECK ((role IN ('bankStaff', 'bankSupervisor')) = (bank_id IS NOT NULL))
);
CREATE INDEX staff_bank_id ON staff (bank_id);

-- A staff member signed in at one kiosk; only the SHA-256 of the bearer token is kept.
CREATE TABLE staff_sessions (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  staff_number text NOT NULL REFERENCES staff (staff_number),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX staff_sessions_expires_at ON staff_sessions (expires_at);

-- Failed sign-ins, to throttle guessing per staff number. No foreign key: unknown numbers are recorded too.
-- Never the password or the code tried.
CREATE TABLE staff_sign_in_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  staff_number text NOT NULL CHECK (staff_number ~ '^[0-9]{6}$'),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  reason text NOT NULL CHECK (reason IN ('unknownStaff', 'disabled', 'password', 'otp', 'otherBank', 'throttled')),
  at timestamptz NOT NULL
);
CREATE INDEX staff_sign_in_failures_number ON staff_sign_in_failures (staff_number, at);

-- A recorded benefit qualification authentication: by the face check (the kiosk's signed outcome, kept as the
-- canonical JSON it signed, so the signature can be checked again) or confirmed by a bank staff member
-- (flagged for the bureau's spot check).
CREATE TABLE authentications (
  authentication_id uuid PRIMARY KEY,
  person_id text NOT NULL REFERENCES pensions (person_id),
  method text NOT NULL CHECK (method IN ('face', 'assisted')),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  consent_id uuid REFERENCES face_consents (consent_id),
  staff_number text REFERENCES staff (staff_number),
  reason text CHECK (reason IN ('cannotUseCamera', 'declinedFaceCheck', 'faceCheckFailed', 'noReferencePhoto')),
  distance double precision CHECK (distance BETWEEN 0 AND 2),
  threshold double precision CHECK (threshold BETWEEN 0 AND 2),
  frames_used integer CHECK (frames_used >= 0),
  liveness_method text CHECK (liveness_method IN ('binocular', 'headTurn')),
  liveness_result text CHECK (liveness_result IN ('live', 'notLive', 'noFace', 'notChecked')),
  model_version text CHECK (length(model_version) BETWEEN 1 AND 64),
  signed_outcome text,
  signature text CHECK (length(signature) BETWEEN 1 AND 200),
  -- The kiosk's decision time (face), or the staff confirmation time (assisted).
  decided_at timestamptz NOT NULL,
  authenticated_at timestamptz NOT NULL,
  -- The last day (China) this authentication is valid.
  valid_until date NOT NULL,
  spot_check boolean NOT NULL,
  -- Set when the bureau has checked an assisted authentication.
  spot_checked_at timestamptz,
  pension_resumed boolean NOT NULL,
  idempotency_key text NOT NULL UNIQUE REFERENCES authentication_requests (idempotency_key),
  -- A face authentication is a live match under a granted consent, signed by the kiosk, with no staff.
  CHECK (method <> 'face' OR (
    consent_id IS NOT NULL AND distance IS NOT NULL AND threshold IS NOT NULL AND distance <= threshold
    AND liveness_method IS NOT NULL AND liveness_result = 'live' AND model_version IS NOT NULL
    AND signed_outcome IS NOT NULL AND signature IS NOT NULL AND staff_number IS NULL AND reason IS NULL
    AND NOT spot_check)),
  -- An assisted authentication names the staff member and the reason, and always goes to the spot check.
  CHECK (method <> 'assisted' OR (
    staff_number IS NOT NULL AND reason IS NOT NULL AND spot_check AND signature IS NULL AND signed_outcome IS NULL)),
  CHECK (spot_checked_at IS NULL OR spot_check)
);
CREATE INDEX authentications_person_id ON authentications (person_id, authenticated_at);
CREATE INDEX authentications_spot_check ON authentications (authenticated_at) WHERE spot_check AND spot_checked_at IS NULL;

-- Face checks that did not end in a recorded authentication (their scores, never an image). Mismatches and
-- liveness failures count toward the lockout; the rest (no face, camera trouble) do not. Kept for review.
CREATE TABLE face_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id text NOT NULL REFERENCES people (person_id),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  consent_id uuid NOT NULL REFERENCES face_consents (consent_id),
  decision text NOT NULL CHECK (decision IN (
    'match', 'mismatch', 'livenessFailed', 'noFace', 'severalFaces', 'poorQuality', 'cameraUnavailable', 'timeout'
  )),
  -- A 'match' is an attempt only when it was refused (the face check was locked).
  refused_locked boolean NOT NULL DEFAULT false,
  counts_toward_lockout boolean NOT NULL,
  distance double precision CHECK (distance BETWEEN 0 AND 2),
  threshold double precision NOT NULL CHECK (threshold BETWEEN 0 AND 2),
  liveness_method text NOT NULL CHECK (liveness_method IN ('binocular', 'headTurn')),
  liveness_result text NOT NULL CHECK (liveness_result IN ('live', 'notLive', 'noFace', 'notChecked')),
  model_version text NOT NULL CHECK (length(model_version) BETWEEN 1 AND 64),
  decided_at timestamptz NOT NULL,
  at timestamptz NOT NULL,
  idempotency_key text NOT NULL UNIQUE REFERENCES authentication_requests (idempotency_key),
  CHECK (counts_toward_lockout = (decision IN ('mismatch', 'livenessFailed'))),
  CHECK ((decision = 'match') = refused_locked)
);
CREATE INDEX face_attempts_person_at ON face_attempts (person_id, at) WHERE counts_toward_lockout;

-- The face check locked for a person after repeated mismatches within a period; kept for review.
CREATE TABLE face_lockouts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id text NOT NULL REFERENCES people (person_id),
  -- The kiosk of the attempt that caused it.
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  locked_at timestamptz NOT NULL,
  locked_until timestamptz NOT NULL,
  failures integer NOT NULL CHECK (failures > 0),
  review_status text NOT NULL DEFAULT 'pending' CHECK (review_status IN ('pending', 'cleared', 'suspectedFraud')),
  reviewed_at timestamptz,
  CHECK (locked_until > locked_at),
  CHECK ((review_status = 'pending') = (reviewed_at IS NULL))
);
CREATE INDEX face_lockouts_person ON face_lockouts (person_id, locked_until);
