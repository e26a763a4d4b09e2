import { blankSerialRange, DEMO_BLANKS, DEMO_KIOSK_ID, DEMO_STAFF } from '@sik/seeds';
import { insertBatch } from '../repositories/cards.ts';
import { businessDay } from '../services/cases.ts';
import { AdvisoryLock, type Db } from './db.ts';

/**
 * Loads the demo kiosk's blank cards (DEMO_BLANKS, the serials the simulated card printer's feeder holds) into
 * its stock, as the demo staff member, when no batch has ever been loaded and the demo kiosk and staff exist.
 * Returns the count loaded, or null when there was nothing to do.
 */
export async function seedCardStockIfEmpty(db: Db, now: () => number = Date.now): Promise<number | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.seed]);
    const { rows: batches } = await tx.query('SELECT 1 FROM card_stock_batches LIMIT 1');
    if (batches.length > 0) return null;
    const { rows: ready } = await tx.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM kiosks WHERE kiosk_id = $1)::int
            + (SELECT count(*) FROM staff WHERE staff_number = $2)::int AS n`,
      [DEMO_KIOSK_ID, DEMO_STAFF.staffNumber],
    );
    if ((ready[0]?.n ?? 0) < 2) return null;
    const serials = blankSerialRange(DEMO_BLANKS.firstSerial, DEMO_BLANKS.count);
    const { rows: taken } = await tx.query(
      'SELECT 1 FROM card_blanks WHERE chip_serial = ANY($1::text[]) LIMIT 1',
      [serials],
    );
    if (taken.length > 0) return null;
    await insertBatch(tx, {
      batchId: 'CB-DEMO-0001',
      kioskId: DEMO_KIOSK_ID,
      serials,
      loadedBy: DEMO_STAFF.staffNumber,
      at: new Date(now()),
      day: businessDay({ now }),
    });
    return serials.length;
  });
}
