import type { Queryable } from '../db/db.ts';

export interface LinkedAccountRecord {
  accountId: string;
  bankId: string;
  bankName: string;
  accountNumber: string;
}

/** The account contributions are debited from; at most one per person (a partial unique index). */
export async function linkedAccountOf(q: Queryable, personId: string): Promise<LinkedAccountRecord | null> {
  const { rows } = await q.query<{
    account_id: string;
    bank_id: string;
    bank_name: string;
    account_number: string;
  }>(
    `SELECT a.account_id, a.bank_id, b.name AS bank_name, a.account_number
       FROM bank_accounts a JOIN banks b ON b.bank_id = a.bank_id
      WHERE a.person_id = $1 AND a.linked`,
    [personId],
  );
  const row = rows[0];
  return row
    ? {
        accountId: row.account_id,
        bankId: row.bank_id,
        bankName: row.bank_name,
        accountNumber: row.account_number,
      }
    : null;
}
