import type { Db } from '../db/db.ts';
import type { MountRoute } from '../http/mount.ts';
import { lookupIdentity } from '../services/identity-lookup.ts';

/** Routes a kiosk calls about itself and about the citizen in front of it; all signed. */
export function kioskRoutes(mount: MountRoute, db: Db): void {
  mount('whoAmI', async ({ kiosk }) => ({
    kioskId: kiosk.kioskId,
    branchName: kiosk.branchName,
    bankName: kiosk.bankName,
    authorisedServices: kiosk.services,
  }));

  mount('identityLookup', ({ kiosk, body }) => lookupIdentity(db, kiosk, body));
}
