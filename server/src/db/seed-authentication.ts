import { DEMO_STAFF, demoCardHolders, type SeedData } from '@sik/seeds';
import { DEMO_FACES, loadReferencePhoto } from '@sik/seeds/face-photos';
import { putRegistryPhoto } from '../repositories/authentication.ts';
import { countStaff, insertStaff } from '../repositories/staff.ts';
import { hashStaffPassword } from '../services/staff-auth.ts';
import { AdvisoryLock, type Db } from './db.ts';

export interface AuthenticationSeedCounts {
  staff: number;
  referencePhotos: number;
}

/** The day the demo registry photos are recorded as taken. */
const DEMO_PHOTO_DATE = '2024-03-15';

/**
 * Seeds what qualification authentication needs in the demo: the demo staff member (password hashed now, with
 * argon2id) and the photo registry of the demo card holders that have a face (DEMO_FACES; crops of photos inside
 * an npm package, read from node_modules, never committed). Other people simply have no reference photo: the
 * kiosk then offers the assisted path. Runs when no staff exist yet, so a database seeded before migration 005
 * gets it on its next start; returns null when there was nothing to do.
 */
export async function seedAuthenticationIfEmpty(
  db: Db,
  source: SeedData | (() => SeedData),
): Promise<AuthenticationSeedCounts | null> {
  if ((await countStaff(db)) > 0) return null;
  const data = typeof source === 'function' ? source() : source;
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM banks WHERE bank_id = $1', [
    DEMO_STAFF.bankId,
  ]);
  if ((rows[0]?.n ?? 0) === 0) return null;
  const people = new Map(data.people.map((p) => [p.identity.idNumber, p.personId]));
  // Decoded and hashed before the transaction: the seed lock is held only for the inserts.
  const photos: { personId: string; jpeg: Uint8Array }[] = [];
  for (const holder of demoCardHolders(data)) {
    const face = DEMO_FACES[holder.key];
    const personId = people.get(holder.identity.idNumber);
    if (face && personId) photos.push({ personId, jpeg: await loadReferencePhoto(face) });
  }
  const passwordHash = await hashStaffPassword(DEMO_STAFF.password);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.seed]);
    const { rows: existing } = await tx.query('SELECT 1 FROM staff LIMIT 1');
    if (existing.length > 0) return null;
    await insertStaff(tx, {
      staffNumber: DEMO_STAFF.staffNumber,
      name: DEMO_STAFF.name,
      role: DEMO_STAFF.role,
      bankId: DEMO_STAFF.bankId,
      passwordHash,
      totpSecret: DEMO_STAFF.totpSecretBase32,
    });
    for (const p of photos) {
      await putRegistryPhoto(tx, { ...p, source: 'demoFixture', capturedOn: DEMO_PHOTO_DATE });
    }
    return { staff: 1, referencePhotos: photos.length };
  });
}
