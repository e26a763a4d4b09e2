import type { CaseEventKind, CaseStatus } from '@sik/contract';
import type { Queryable } from '../db/db.ts';

/**
 * The next reference of a kind on a day, e.g. RS20261124000001: two letters, the day, a sequence from 1 each day.
 * The counter row is taken in the caller's transaction, so the number is gapless and a rolled-back case gives
 * its number back.
 */
export async function nextReference(tx: Queryable, prefix: string, day: string): Promise<string> {
  const { rows } = await tx.query<{ last_value: number }>(
    `INSERT INTO case_counters (prefix, day, last_value) VALUES ($1, $2, 1)
     ON CONFLICT (prefix, day) DO UPDATE SET last_value = case_counters.last_value + 1
     RETURNING last_value`,
    [prefix, day],
  );
  const n = rows[0]?.last_value;
  if (n === undefined) throw new Error('case counter returned nothing');
  return `${prefix}${day.replaceAll('-', '')}${String(n).padStart(6, '0')}`;
}

export interface NewCase {
  caseNumber: string;
  kind: 'residentPensionEnrollment';
  personId: string;
  kioskId: string | null;
  status: CaseStatus;
  spotCheck: boolean;
  at: Date;
}

export interface CaseEventRecord {
  at: Date;
  kind: CaseEventKind;
  note: string;
}

export async function insertCase(
  tx: Queryable,
  c: NewCase,
  events: readonly CaseEventRecord[],
): Promise<void> {
  await tx.query(
    `INSERT INTO cases (case_number, kind, person_id, kiosk_id, status, spot_check, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
    [c.caseNumber, c.kind, c.personId, c.kioskId, c.status, c.spotCheck, c.at.toISOString()],
  );
  for (const [i, e] of events.entries()) {
    await tx.query('INSERT INTO case_events (case_number, seq, at, kind, note) VALUES ($1, $2, $3, $4, $5)', [
      c.caseNumber,
      i + 1,
      e.at.toISOString(),
      e.kind,
      e.note,
    ]);
  }
}

export interface CaseRecord {
  caseNumber: string;
  kind: 'residentPensionEnrollment';
  personId: string;
  status: CaseStatus;
  spotCheck: boolean;
  createdAt: Date;
  updatedAt: Date;
  events: CaseEventRecord[];
}

export async function findCase(q: Queryable, caseNumber: string): Promise<CaseRecord | null> {
  const { rows } = await q.query<{
    case_number: string;
    kind: 'residentPensionEnrollment';
    person_id: string;
    status: CaseStatus;
    spot_check: boolean;
    created_at: Date;
    updated_at: Date;
  }>('SELECT * FROM cases WHERE case_number = $1', [caseNumber]);
  const row = rows[0];
  if (!row) return null;
  const events = await q.query<{ at: Date; kind: CaseEventKind; note: string }>(
    'SELECT at, kind, note FROM case_events WHERE case_number = $1 ORDER BY seq',
    [caseNumber],
  );
  return {
    caseNumber: row.case_number,
    kind: row.kind,
    personId: row.person_id,
    status: row.status,
    spotCheck: row.spot_check,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    events: events.rows,
  };
}
