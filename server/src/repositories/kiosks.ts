import type { ServiceId } from '@sik/contract';
import type { Queryable } from '../db/db.ts';

export interface KioskRecord {
  kioskId: string;
  enabled: boolean;
  publicKeyPem: string | null;
  branchName: string;
  bankId: string;
  bankName: string;
  /** Services the kiosk's bank is authorised for, sorted. */
  services: ServiceId[];
}

interface KioskRow {
  kiosk_id: string;
  enabled: boolean;
  public_key_pem: string | null;
  branch_name: string;
  bank_id: string;
  bank_name: string;
  services: ServiceId[];
}

/** A kiosk with its branch, bank and the bank's authorised services, in one round trip. */
export async function findKiosk(q: Queryable, kioskId: string): Promise<KioskRecord | null> {
  const { rows } = await q.query<KioskRow>(
    `SELECT k.kiosk_id, k.enabled, k.public_key_pem, br.name AS branch_name, b.bank_id, b.name AS bank_name,
            COALESCE((SELECT json_agg(s.service_id ORDER BY s.service_id) FROM bank_services s
                      WHERE s.bank_id = b.bank_id), '[]'::json) AS services
       FROM kiosks k
       JOIN branches br ON br.branch_id = k.branch_id
       JOIN banks b ON b.bank_id = br.bank_id
      WHERE k.kiosk_id = $1`,
    [kioskId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    kioskId: row.kiosk_id,
    enabled: row.enabled,
    publicKeyPem: row.public_key_pem,
    branchName: row.branch_name,
    bankId: row.bank_id,
    bankName: row.bank_name,
    services: row.services,
  };
}

/** Registers (or replaces) a kiosk's public key; null when there is no such kiosk. */
export async function setKioskPublicKey(
  q: Queryable,
  kioskId: string,
  publicKeyPem: string,
): Promise<{ registeredAt: Date } | null> {
  const { rows } = await q.query<{ registered_at: Date }>(
    'UPDATE kiosks SET public_key_pem = $2, registered_at = now() WHERE kiosk_id = $1 RETURNING registered_at',
    [kioskId, publicKeyPem],
  );
  const row = rows[0];
  return row ? { registeredAt: row.registered_at } : null;
}

export async function setKioskEnabled(q: Queryable, kioskId: string, enabled: boolean): Promise<boolean> {
  const { rows } = await q.query('UPDATE kiosks SET enabled = $2 WHERE kiosk_id = $1 RETURNING kiosk_id', [
    kioskId,
    enabled,
  ]);
  return rows.length > 0;
}
