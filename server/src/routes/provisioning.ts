import type { Db } from '../db/db.ts';
import type { MountRoute } from '../http/mount.ts';
import { assertProvisioningToken, registerKioskKey } from '../services/provisioning.ts';

/** An installer registers a kiosk's public key with the provisioning token (not signed: the key is new). */
export function provisioningRoutes(mount: MountRoute, db: Db, provisioningToken: string): void {
  mount('provisionKiosk', async ({ req, body }) => {
    assertProvisioningToken(req.get('authorization'), provisioningToken);
    return registerKioskKey(db, String(req.params.kioskId), body.publicKeyPem);
  });
}
