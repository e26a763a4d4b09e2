-- Issue 4: the face check before a social security card application. A face check (or a staff confirmation)
-- for a purpose other than qualification authentication is an identity verification: recorded here, never in
-- authentications, and it never moves a pension. Consents and failed attempts carry their purpose, so that a
-- consent given for one purpose serves no other, while every mismatch counts toward the one lockout per person.
-- Runs unchanged on PGlite and PostgreSQL.

ALTER TABLE face_consents
  ADD COLUMN purpose text NOT NULL DEFAULT 'qualification' CHECK (purpose IN ('qualification', 'cardIssuance'));

ALTER TABLE face_attempts
  ADD COLUMN purpose text NOT NULL DEFAULT 'qualification' CHECK (purpose IN ('qualification', 'cardIssuance'));

-- A person whose identity was verified at a kiosk for a purpose: by the face check (the kiosk's signed outcome,
-- kept as the canonical JSON it signed) or by a bank staff member (flagged for the bureau's spot check). Scores
-- and ids only, never an image or a descriptor. A card application needs a recent one at the same kiosk.
CREATE TABLE identity_verifications (
  verification_id uuid PRIMARY KEY,
  person_id text NOT NULL REFERENCES people (person_id),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  purpose text NOT NULL CHECK (purpose IN ('cardIssuance')),
  method text NOT NULL CHECK (method IN ('face', 'staff')),
  consent_id uuid REFERENCES face_consents (consent_id),
  -- The kiosk's decision for a face verification ('match'); null for a staff confirmation.
  decision text CHECK (decision = 'match'),
  distance double precision CHECK (distance BETWEEN 0 AND 2),
  threshold double precision CHECK (threshold BETWEEN 0 AND 2),
  frames_used integer CHECK (frames_used >= 0),
  liveness_method text CHECK (liveness_method IN ('binocular', 'headTurn')),
  liveness_result text CHECK (liveness_result IN ('live', 'notLive', 'noFace', 'notChecked')),
  model_version text CHECK (length(model_version) BETWEEN 1 AND 64),
  signed_outcome text,
  signature text CHECK (length(signature) BETWEEN 1 AND 200),
  staff_number text REFERENCES staff (staff_number),
  reason text CHECK (reason IN ('cannotUseCamera', 'declinedFaceCheck', 'faceCheckFailed', 'noReferencePhoto')),
  -- The kiosk's decision time (face), or the staff confirmation time (staff).
  decided_at timestamptz NOT NULL,
  verified_at timestamptz NOT NULL,
  spot_check boolean NOT NULL,
  idempotency_key text NOT NULL UNIQUE REFERENCES authentication_requests (idempotency_key),
  CHECK (method <> 'face' OR (
    decision = 'match' AND consent_id IS NOT NULL AND distance IS NOT NULL AND threshold IS NOT NULL
    AND distance <= threshold AND liveness_method IS NOT NULL AND liveness_result = 'live'
    AND model_version IS NOT NULL AND signed_outcome IS NOT NULL AND signature IS NOT NULL
    AND staff_number IS NULL AND reason IS NULL AND NOT spot_check)),
  CHECK (method <> 'staff' OR (
    staff_number IS NOT NULL AND reason IS NOT NULL AND spot_check AND decision IS NULL
    AND signature IS NULL AND signed_outcome IS NULL))
);
CREATE INDEX identity_verifications_person ON identity_verifications (person_id, kiosk_id, purpose, verified_at);
