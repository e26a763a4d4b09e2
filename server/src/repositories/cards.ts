import type { Queryable } from '../db/db.ts';

/** Social security cards, their applications and events, blank-card stock and its end-of-day closes (006). */

export type CardStatus = 'applied' | 'personalising' | 'active' | 'lost' | 'cancelled' | 'spoiled';
export type ApplicationKind = 'first' | 'replacement' | 'renewal';
export type ApplicationStatus = 'queued' | 'applied' | 'issued' | 'cancelled';
export type BlankStatus = 'inStock' | 'inUse' | 'issued' | 'spoiled';
export type CardEventKind =
  | 'applied'
  | 'personalising'
  | 'activated'
  | 'reportedLost'
  | 'cancelled'
  | 'spoiled';

export interface CardRecord {
  cardNumber: string;
  applicationId: string;
  personId: string;
  status: CardStatus;
  chipSerial: string | null;
  kioskId: string | null;
  issuedOn: string | null;
  validUntil: string | null;
  createdAt: Date;
}

interface CardRow {
  card_number: string;
  application_id: string;
  person_id: string;
  status: CardStatus;
  chip_serial: string | null;
  kiosk_id: string | null;
  issued_on: string | null;
  valid_until: string | null;
  created_at: Date;
}

const card = (r: CardRow): CardRecord => ({
  cardNumber: r.card_number,
  applicationId: r.application_id,
  personId: r.person_id,
  status: r.status,
  chipSerial: r.chip_serial,
  kioskId: r.kiosk_id,
  issuedOn: r.issued_on,
  validUntil: r.valid_until,
  createdAt: r.created_at,
});

export async function cardsOf(q: Queryable, personId: string): Promise<CardRecord[]> {
  const { rows } = await q.query<CardRow>(
    'SELECT * FROM social_security_cards WHERE person_id = $1 ORDER BY created_at, card_number',
    [personId],
  );
  return rows.map(card);
}

/** The card, locked for the rest of the transaction when `lock` (PostgreSQL; PGlite runs one thing at a time). */
export async function findCard(q: Queryable, cardNumber: string, lock = false): Promise<CardRecord | null> {
  const { rows } = await q.query<CardRow>(
    `SELECT * FROM social_security_cards WHERE card_number = $1${lock ? ' FOR UPDATE' : ''}`,
    [cardNumber],
  );
  return rows[0] ? card(rows[0]) : null;
}

export interface OpenApplication {
  applicationId: string;
  kind: ApplicationKind;
  status: 'queued' | 'applied';
}

export async function openApplicationOf(q: Queryable, personId: string): Promise<OpenApplication | null> {
  const { rows } = await q.query<{
    application_id: string;
    kind: ApplicationKind;
    status: 'queued' | 'applied';
  }>(
    "SELECT application_id, kind, status FROM card_applications WHERE person_id = $1 AND status IN ('queued', 'applied')",
    [personId],
  );
  const r = rows[0];
  return r ? { applicationId: r.application_id, kind: r.kind, status: r.status } : null;
}

export async function insertApplication(
  tx: Queryable,
  a: { applicationId: string; personId: string; kind: ApplicationKind; kioskId: string; at: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO card_applications (application_id, person_id, kind, status, source, kiosk_id, created_at, updated_at)
     VALUES ($1, $2, $3, 'applied', 'kiosk', $4, $5, $5)`,
    [a.applicationId, a.personId, a.kind, a.kioskId, a.at.toISOString()],
  );
}

export async function setApplicationStatus(
  tx: Queryable,
  applicationId: string,
  status: ApplicationStatus,
  at: Date,
  kioskId?: string,
): Promise<void> {
  await tx.query(
    'UPDATE card_applications SET status = $2, updated_at = $3, kiosk_id = COALESCE($4, kiosk_id) WHERE application_id = $1',
    [applicationId, status, at.toISOString(), kioskId ?? null],
  );
}

/** A new card number: the prefix letter and 8 digits from a sequence (gaps are fine, numbers never repeat). */
export async function nextCardNumber(tx: Queryable, prefix: string): Promise<string> {
  const { rows } = await tx.query<{ n: number }>("SELECT nextval('card_number_seq')::int AS n");
  return `${prefix}${String(rows[0]?.n).padStart(8, '0')}`;
}

export async function insertCard(
  tx: Queryable,
  c: { cardNumber: string; applicationId: string; personId: string; kioskId: string; at: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO social_security_cards (card_number, application_id, person_id, status, kiosk_id, created_at, updated_at)
     VALUES ($1, $2, $3, 'applied', $4, $5, $5)`,
    [c.cardNumber, c.applicationId, c.personId, c.kioskId, c.at.toISOString()],
  );
}

export async function updateCard(
  tx: Queryable,
  cardNumber: string,
  change: { status: CardStatus; at: Date; chipSerial?: string; issuedOn?: string; validUntil?: string },
): Promise<void> {
  await tx.query(
    `UPDATE social_security_cards SET status = $2, updated_at = $3, chip_serial = COALESCE($4, chip_serial),
       issued_on = COALESCE($5, issued_on), valid_until = COALESCE($6, valid_until)
     WHERE card_number = $1`,
    [
      cardNumber,
      change.status,
      change.at.toISOString(),
      change.chipSerial ?? null,
      change.issuedOn ?? null,
      change.validUntil ?? null,
    ],
  );
}

export async function addCardEvent(
  tx: Queryable,
  e: { cardNumber: string; kind: CardEventKind; at: Date; kioskId: string | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO card_events (card_number, seq, at, kind, kiosk_id)
     VALUES ($1, (SELECT COALESCE(max(seq), 0) + 1 FROM card_events WHERE card_number = $1), $2, $3, $4)`,
    [e.cardNumber, e.at.toISOString(), e.kind, e.kioskId],
  );
}

export async function cardEvents(q: Queryable, cardNumber: string): Promise<CardEventKind[]> {
  const { rows } = await q.query<{ kind: CardEventKind }>(
    'SELECT kind FROM card_events WHERE card_number = $1 ORDER BY seq',
    [cardNumber],
  );
  return rows.map((r) => r.kind);
}

// --- blank-card stock ---

export interface BlankRecord {
  chipSerial: string;
  kioskId: string;
  status: BlankStatus;
  usedOn: string | null;
}

export async function findBlank(q: Queryable, chipSerial: string, lock = false): Promise<BlankRecord | null> {
  const { rows } = await q.query<{
    chip_serial: string;
    kiosk_id: string;
    status: BlankStatus;
    used_on: string | null;
  }>(
    `SELECT chip_serial, kiosk_id, status, used_on FROM card_blanks WHERE chip_serial = $1${lock ? ' FOR UPDATE' : ''}`,
    [chipSerial],
  );
  const r = rows[0];
  return r ? { chipSerial: r.chip_serial, kioskId: r.kiosk_id, status: r.status, usedOn: r.used_on } : null;
}

export async function setBlankStatus(
  tx: Queryable,
  chipSerial: string,
  status: BlankStatus,
  at: Date,
  day: string | null,
): Promise<void> {
  await tx.query('UPDATE card_blanks SET status = $2, updated_at = $3, used_on = $4 WHERE chip_serial = $1', [
    chipSerial,
    status,
    at.toISOString(),
    status === 'issued' || status === 'spoiled' ? day : null,
  ]);
}

export async function insertBatch(
  tx: Queryable,
  b: {
    batchId: string;
    kioskId: string;
    serials: string[];
    loadedBy: string;
    at: Date;
    day: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO card_stock_batches (batch_id, kiosk_id, first_serial, last_serial, count, loaded_by, loaded_at, business_day)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      b.batchId,
      b.kioskId,
      b.serials[0],
      b.serials.at(-1),
      b.serials.length,
      b.loadedBy,
      b.at.toISOString(),
      b.day,
    ],
  );
  await tx.query(
    `INSERT INTO card_blanks (chip_serial, batch_id, kiosk_id, status, updated_at)
     SELECT s, $2, $3, 'inStock', $4 FROM unnest($1::text[]) AS s`,
    [b.serials, b.batchId, b.kioskId, b.at.toISOString()],
  );
}

/** Serials among `serials` that are already blanks (of any kiosk). */
export async function existingBlanks(q: Queryable, serials: string[]): Promise<string[]> {
  const { rows } = await q.query<{ chip_serial: string }>(
    'SELECT chip_serial FROM card_blanks WHERE chip_serial = ANY($1::text[]) ORDER BY chip_serial',
    [serials],
  );
  return rows.map((r) => r.chip_serial);
}

export async function blanksOfKiosk(q: Queryable, kioskId: string): Promise<BlankRecord[]> {
  const { rows } = await q.query<{
    chip_serial: string;
    kiosk_id: string;
    status: BlankStatus;
    used_on: string | null;
  }>(
    'SELECT chip_serial, kiosk_id, status, used_on FROM card_blanks WHERE kiosk_id = $1 ORDER BY chip_serial',
    [kioskId],
  );
  return rows.map((r) => ({
    chipSerial: r.chip_serial,
    kioskId: r.kiosk_id,
    status: r.status,
    usedOn: r.used_on,
  }));
}

export interface StockClose {
  kioskId: string;
  businessDay: string;
  opening: number;
  loaded: number;
  issued: number;
  spoiled: number;
  remaining: number;
  balanced: boolean;
  differences: unknown[];
  closedBy: string;
  closedAt: Date;
}

export interface StockCountsRecord {
  opening: number;
  loaded: number;
  issued: number;
  spoiled: number;
  inUse: number;
  remaining: number;
}

/**
 * The kiosk's books for a business day: opening (loaded before, not used before the day), loaded, issued and
 * spoiled on the day, in use and remaining now. For today, opening + loaded = issued + spoiled + inUse + remaining.
 */
export async function stockCounts(q: Queryable, kioskId: string, day: string): Promise<StockCountsRecord> {
  const { rows } = await q.query<StockCountsRecord>(
    `SELECT
       count(*) FILTER (WHERE b.business_day < $2 AND (bl.used_on IS NULL OR bl.used_on >= $2))::int AS opening,
       count(*) FILTER (WHERE b.business_day = $2)::int AS loaded,
       count(*) FILTER (WHERE bl.status = 'issued' AND bl.used_on = $2)::int AS issued,
       count(*) FILTER (WHERE bl.status = 'spoiled' AND bl.used_on = $2)::int AS spoiled,
       count(*) FILTER (WHERE bl.status = 'inUse')::int AS "inUse",
       count(*) FILTER (WHERE bl.status = 'inStock')::int AS remaining
     FROM card_blanks bl JOIN card_stock_batches b ON b.batch_id = bl.batch_id
     WHERE bl.kiosk_id = $1 AND b.business_day <= $2`,
    [kioskId, day],
  );
  const r = rows[0];
  return r ?? { opening: 0, loaded: 0, issued: 0, spoiled: 0, inUse: 0, remaining: 0 };
}

/** Records the day's close, or replaces it when staff close again the same day (a recount). */
export async function upsertClose(tx: Queryable, c: StockClose): Promise<void> {
  await tx.query(
    `INSERT INTO card_stock_closes
       (kiosk_id, business_day, opening, loaded, issued, spoiled, remaining, balanced, differences, closed_by, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (kiosk_id, business_day) DO UPDATE SET opening = EXCLUDED.opening, loaded = EXCLUDED.loaded,
       issued = EXCLUDED.issued, spoiled = EXCLUDED.spoiled, remaining = EXCLUDED.remaining,
       balanced = EXCLUDED.balanced, differences = EXCLUDED.differences, closed_by = EXCLUDED.closed_by,
       closed_at = EXCLUDED.closed_at`,
    [
      c.kioskId,
      c.businessDay,
      c.opening,
      c.loaded,
      c.issued,
      c.spoiled,
      c.remaining,
      c.balanced,
      JSON.stringify(c.differences),
      c.closedBy,
      c.closedAt.toISOString(),
    ],
  );
}
