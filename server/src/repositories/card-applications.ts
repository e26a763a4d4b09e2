import type { Queryable } from '../db/db.ts';

export interface NewCardApplication {
  applicationId: string;
  personId: string;
  kind: 'first';
  status: 'queued';
  source: 'bundle' | 'kiosk';
  at: Date;
}

export async function insertCardApplication(tx: Queryable, a: NewCardApplication): Promise<void> {
  await tx.query(
    `INSERT INTO card_applications (application_id, person_id, kind, status, source, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [a.applicationId, a.personId, a.kind, a.status, a.source, a.at.toISOString()],
  );
}

/** An application of the person still waiting to be made (queued); null when there is none. */
export async function openCardApplicationOf(q: Queryable, personId: string): Promise<string | null> {
  const { rows } = await q.query<{ application_id: string }>(
    "SELECT application_id FROM card_applications WHERE person_id = $1 AND status = 'queued' ORDER BY created_at LIMIT 1",
    [personId],
  );
  return rows[0]?.application_id ?? null;
}
