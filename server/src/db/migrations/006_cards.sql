-- Issue 4: instant social security card issuance (社保卡即时制卡). Card applications grow from the bundle's queued
-- first application into first application, replacement after loss (补卡) and renewal (换卡); every physical
-- card made for an application is a row of social_security_cards with a card number the server allocates; blank
-- cards are loaded by bank staff into a kiosk's stock and closed at the end of the day. Runs unchanged on PGlite
-- and PostgreSQL.

-- Applications: 'queued' (from a bundle, waiting for the citizen to come to a kiosk), 'applied' (a card is being
-- made), 'issued' (a card of it is active), 'cancelled'.
ALTER TABLE card_applications DROP CONSTRAINT card_applications_kind_check;
ALTER TABLE card_applications ADD CONSTRAINT card_applications_kind_check
  CHECK (kind IN ('first', 'replacement', 'renewal'));
ALTER TABLE card_applications DROP CONSTRAINT card_applications_status_check;
ALTER TABLE card_applications ADD CONSTRAINT card_applications_status_check
  CHECK (status IN ('queued', 'applied', 'issued', 'cancelled'));
ALTER TABLE card_applications ADD COLUMN kiosk_id text REFERENCES kiosks (kiosk_id);
ALTER TABLE card_applications ADD COLUMN updated_at timestamptz;
-- At most one open application per person (a second one would make a second card).
CREATE UNIQUE INDEX card_applications_one_open_per_person ON card_applications (person_id)
  WHERE status IN ('queued', 'applied');

-- Card numbers: a letter and 8 digits (9 characters, as printed on the card face). Never reused; a rolled-back
-- or spoiled card leaves a gap, which is fine (the number of a spoiled card may be printed on a card in a reject
-- box and must not name another person's card).
CREATE SEQUENCE card_number_seq START 1 MINVALUE 1 MAXVALUE 99999999 NO CYCLE;

-- Blank cards (卡片库存): loaded by staff in batches of consecutive chip serials into one kiosk's feeder.
CREATE TABLE card_stock_batches (
  batch_id text PRIMARY KEY,
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  first_serial text NOT NULL,
  last_serial text NOT NULL,
  count integer NOT NULL CHECK (count > 0),
  loaded_by text NOT NULL REFERENCES staff (staff_number),
  loaded_at timestamptz NOT NULL,
  business_day date NOT NULL
);
CREATE INDEX card_stock_batches_kiosk ON card_stock_batches (kiosk_id, business_day);

-- One row per blank: in the feeder, in use (bound to a card being personalised), issued, or spoiled.
CREATE TABLE card_blanks (
  chip_serial text PRIMARY KEY CHECK (chip_serial ~ '^[0-9A-F]{8,32}$'),
  batch_id text NOT NULL REFERENCES card_stock_batches (batch_id),
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  status text NOT NULL CHECK (status IN ('inStock', 'inUse', 'issued', 'spoiled')),
  -- The business day the blank left the stock (issued or spoiled); null while in stock or in use.
  used_on date,
  updated_at timestamptz NOT NULL,
  CHECK ((status IN ('issued', 'spoiled')) = (used_on IS NOT NULL))
);
CREATE INDEX card_blanks_kiosk_status ON card_blanks (kiosk_id, status);

-- A physical social security card. applied -> personalising -> active -> lost -> cancelled; applied or
-- personalising -> spoiled (a failed print or chip write; the application then gets a new card and number);
-- active -> cancelled when a renewal's new card becomes active.
CREATE TABLE social_security_cards (
  card_number text PRIMARY KEY CHECK (card_number ~ '^[A-Z][0-9]{8}$'),
  application_id text NOT NULL REFERENCES card_applications (application_id),
  person_id text NOT NULL REFERENCES people (person_id),
  status text NOT NULL CHECK (status IN ('applied', 'personalising', 'active', 'lost', 'cancelled', 'spoiled')),
  chip_serial text UNIQUE REFERENCES card_blanks (chip_serial),
  kiosk_id text REFERENCES kiosks (kiosk_id),
  issued_on date,
  valid_until date,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (status NOT IN ('personalising', 'active', 'lost') OR chip_serial IS NOT NULL),
  CHECK (status <> 'active' OR (issued_on IS NOT NULL AND valid_until IS NOT NULL))
);
CREATE INDEX social_security_cards_person ON social_security_cards (person_id);
-- THE rule: at most one active card per person. Two kiosks activating cards of the same person at once cannot
-- both win; the loser's statement fails with a unique violation.
CREATE UNIQUE INDEX social_security_cards_one_active_per_person ON social_security_cards (person_id)
  WHERE status = 'active';
-- And at most one card being made per person.
CREATE UNIQUE INDEX social_security_cards_one_in_progress_per_person ON social_security_cards (person_id)
  WHERE status IN ('applied', 'personalising');

-- What happened to a card, in order (the citizen's and the bureau's trail; no personal data in notes).
CREATE TABLE card_events (
  card_number text NOT NULL REFERENCES social_security_cards (card_number),
  seq smallint NOT NULL CHECK (seq > 0),
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('applied', 'personalising', 'activated', 'reportedLost', 'cancelled', 'spoiled')),
  kiosk_id text REFERENCES kiosks (kiosk_id),
  PRIMARY KEY (card_number, seq)
);

-- End-of-day close of a kiosk's card stock (日终轧账): the books (opening + loaded = issued + spoiled + remaining)
-- and what staff counted; differences are kept with the serials involved.
CREATE TABLE card_stock_closes (
  kiosk_id text NOT NULL REFERENCES kiosks (kiosk_id),
  business_day date NOT NULL,
  opening integer NOT NULL CHECK (opening >= 0),
  loaded integer NOT NULL CHECK (loaded >= 0),
  issued integer NOT NULL CHECK (issued >= 0),
  spoiled integer NOT NULL CHECK (spoiled >= 0),
  remaining integer NOT NULL CHECK (remaining >= 0),
  balanced boolean NOT NULL,
  differences jsonb NOT NULL,
  closed_by text NOT NULL REFERENCES staff (staff_number),
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (kiosk_id, business_day)
);
