import { decodeField, EF05_FIELDS, EF06_FIELDS } from '@sik/contract/ssse';
import type { CardUnitSimulatorControl } from '../../../device-agent/src/devices/card-unit/card-unit.ts';
import { pngTextChunks } from '../../../device-agent/src/issuance/testing/png-text.ts';
import { ISSUANCE_JOURNAL_KIND } from '../../../device-agent/src/issuance/types.ts';
import { Journal } from '../../../device-agent/src/journal/journal.ts';
import type { Queryable } from '../../../server/src/db/db.ts';
import { chinaDate } from '../../../server/src/integrations/china-time.ts';
import { stockCounts } from '../../../server/src/repositories/cards.ts';
import type { CrashRunSummary } from './types.ts';

/**
 * The invariants the crash harness checks after every point (the list is in index.ts): the server's database,
 * the card unit simulator's state (feeder, reject box, taken cards, chips, printed faces) and the agent's journal.
 */

/** What a lane has seen so far, kept between checks (the simulator forgets some of it). */
export class LaneLedger {
  /** Every blank serial loaded into the lane (server stock and feeder). */
  readonly loaded: string[] = [];
  /** Serials taken out of a full reject box (they were checked as spoiled before). */
  readonly removedFromRejectBox = new Set<string>();
  /** Chips already checked (a chip cannot change once its card left the printer). */
  readonly chipChecked = new Set<string>();
  /** Blanks a face was printed on (the simulator's list is emptied at every check). */
  readonly printedSerials = new Set<string>();
  /** Taken cards already checked for a face and chip data. */
  readonly takenChecked = new Set<string>();
  /** The people the lane served (their applications are checked). */
  readonly touched = new Set<string>();
}

/** One lane as the checks see it. */
export interface LaneView {
  db: Queryable;
  kioskId: string;
  /** The agent's data folder (its journal). */
  journalDir: string;
  control: CardUnitSimulatorControl;
  ledger: LaneLedger;
}

/** Invariants across lanes (the server's view): no person has two active cards. */
export async function globalViolations(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ person_id: string; n: number }>(
    `SELECT person_id, count(*)::int AS n FROM social_security_cards WHERE status = 'active'
     GROUP BY person_id HAVING count(*) > 1`,
  );
  return rows.map((r) => `person ${r.person_id} has ${r.n} active cards`);
}

/** The invariants of one lane, as seen now (the child is idle: recovered, waiting for a command, or gone). */
export async function laneViolations(lane: LaneView): Promise<string[]> {
  const v: string[] = [];
  const { db, ledger } = lane;
  const { printer, chip } = lane.control;
  const sim = await printer.state();
  const feeder = new Set(sim.feeder);
  const rejectBox = new Set([...sim.rejectBox, ...ledger.removedFromRejectBox]);
  const taken = new Set(sim.taken);
  if (sim.card) v.push(`card ${sim.card.serial} left in the printer at ${sim.card.position}`);

  // Blank serials: where they are and how they are booked.
  const booked = new Map(
    (
      await db.query<{ chip_serial: string; status: string }>(
        'SELECT chip_serial, status FROM card_blanks WHERE kiosk_id = $1',
        [lane.kioskId],
      )
    ).rows.map((r) => [r.chip_serial, r.status]),
  );
  const used: string[] = [];
  for (const serial of ledger.loaded) {
    const status = booked.get(serial) ?? 'unbooked';
    const where = feeder.has(serial)
      ? 'feeder'
      : rejectBox.has(serial)
        ? 'rejectBox'
        : taken.has(serial)
          ? 'taken'
          : sim.card?.serial === serial
            ? 'printer'
            : 'nowhere';
    const expected = { feeder: 'inStock', rejectBox: 'spoiled', taken: 'issued' }[where as 'feeder'];
    if (status !== expected) v.push(`blank ${serial} is in the ${where} but booked ${status}`);
    if (where !== 'feeder') used.push(serial);
  }

  // No person with two active cards (the database's unique index should make this impossible).
  v.push(...(await globalViolations(db)));

  // The kiosk's books as the end-of-day close reads them: they balance, nothing in use, and what remains is
  // what the feeder holds.
  const books = await stockCounts(db, lane.kioskId, chinaDate(new Date()));
  if (books.opening + books.loaded !== books.issued + books.spoiled + books.inUse + books.remaining)
    v.push(`the stock books do not balance: ${JSON.stringify(books)}`);
  if (books.inUse !== 0) v.push(`the stock books have ${books.inUse} blank(s) in use`);
  if (books.remaining !== sim.feeder.length)
    v.push(`the stock books say ${books.remaining} blanks remain, the feeder holds ${sim.feeder.length}`);

  // Cards by chip serial (for chips and faces).
  const cards = new Map(
    (
      await db.query<{
        chip_serial: string;
        card_number: string;
        person_id: string;
        id_number: string;
        status: string;
      }>(
        `SELECT c.chip_serial, c.card_number, c.person_id, p.id_number, c.status
         FROM social_security_cards c JOIN people p ON p.person_id = c.person_id
         WHERE c.kiosk_id = $1 AND c.chip_serial IS NOT NULL`,
        [lane.kioskId],
      )
    ).rows.map((r) => [r.chip_serial, r]),
  );
  for (const serial of taken) {
    const card = cards.get(serial);
    if (!card) v.push(`the citizen took blank ${serial}, which no card is bound to`);
    else if (!['active', 'cancelled', 'lost'].includes(card.status))
      v.push(
        `the citizen took card ${card.card_number} (blank ${serial}), which the server has as ${card.status}`,
      );
  }

  // Chips: each used blank once it has left the printer (its chip cannot change after that).
  for (const serial of used) {
    if (ledger.chipChecked.has(serial) || sim.card?.serial === serial) continue;
    ledger.chipChecked.add(serial);
    let snapshot: Awaited<ReturnType<typeof chip.card>>;
    try {
      snapshot = await chip.card(serial);
    } catch {
      continue; // the chip encoder never saw this card: nothing was written
    }
    const ssnHex = snapshot.ef06[EF06_FIELDS.socialSecurityNumber.tag];
    const numberHex = snapshot.ef05[EF05_FIELDS.cardNumber.tag];
    if (ssnHex === undefined && numberHex === undefined) continue;
    const card = cards.get(serial);
    if (!card) {
      v.push(`chip ${serial} holds personal data but no card is bound to it`);
      continue;
    }
    if (ssnHex !== undefined) {
      const ssn = decodeField(EF06_FIELDS.socialSecurityNumber, Buffer.from(ssnHex, 'hex'));
      if (ssn !== card.id_number)
        v.push(
          `chip ${serial} (card ${card.card_number} of ${card.person_id}) holds another person's number`,
        );
    }
    if (numberHex !== undefined) {
      const number = decodeField(EF05_FIELDS.cardNumber, Buffer.from(numberHex, 'hex'));
      if (number !== card.card_number)
        v.push(`chip ${serial} holds card number ${number} but is bound to card ${card.card_number}`);
    }
  }

  // Faces printed since the last check.
  const printed = await printer.printed();
  await printer.clearPrinted();
  for (const face of printed) {
    ledger.printedSerials.add(face.serial);
    const text = pngTextChunks(Buffer.from(face.pngBase64, 'base64'));
    const card = cards.get(face.serial);
    if (!card) {
      v.push(
        `a face (card ${text['sik:cardNumber']}) was printed on blank ${face.serial}, which no card is bound to`,
      );
      continue;
    }
    if (text['sik:cardNumber'] !== card.card_number)
      v.push(
        `the face of card ${text['sik:cardNumber']} was printed on blank ${face.serial} of card ${card.card_number}`,
      );
    if (text['sik:socialSecurityNumber'] !== card.id_number)
      v.push(
        `a face with another person's number was printed on blank ${face.serial} (card ${card.card_number})`,
      );
  }

  // Applications of the people this lane served.
  for (const personId of ledger.touched) {
    const { rows } = await db.query<{ application_id: string; status: string; card_status: string | null }>(
      `SELECT a.application_id, a.status, c.status AS card_status FROM card_applications a
       LEFT JOIN social_security_cards c ON c.application_id = a.application_id
       WHERE a.person_id = $1 ORDER BY a.application_id`,
      [personId],
    );
    const byApp = new Map<string, { status: string; cards: string[] }>();
    for (const r of rows) {
      const app = byApp.get(r.application_id) ?? { status: r.status, cards: [] };
      if (r.card_status) app.cards.push(r.card_status);
      byApp.set(r.application_id, app);
    }
    for (const [id, app] of byApp) {
      const made = app.cards.filter((s) => ['active', 'lost', 'cancelled'].includes(s)).length;
      const open = app.cards.filter((s) => s === 'applied').length;
      const personalising = app.cards.filter((s) => s === 'personalising').length;
      const ok =
        app.status === 'issued'
          ? made === 1 && open + personalising === 0
          : app.status === 'applied'
            ? open === 1 && made + personalising === 0
            : app.status === 'queued'
              ? app.cards.length === 0
              : made + open + personalising === 0;
      if (!ok)
        v.push(`application ${id} of ${personId} is ${app.status} with cards [${app.cards.join(', ')}]`);
    }
  }

  // What the citizen took is a finished card: a face printed on it and the card's data on its chip.
  for (const serial of taken) {
    if (ledger.takenChecked.has(serial)) continue;
    ledger.takenChecked.add(serial);
    if (!ledger.printedSerials.has(serial))
      v.push(`the citizen took blank ${serial} with no face printed on it`);
    const snapshot = await chip.card(serial).catch(() => null);
    const written = snapshot?.ef05[EF05_FIELDS.cardNumber.tag] !== undefined;
    const complete = written && snapshot?.ef06[EF06_FIELDS.socialSecurityNumber.tag] !== undefined;
    if (!complete) v.push(`the citizen took blank ${serial} whose chip does not hold the card's data`);
    if (snapshot?.pinBlocked) v.push(`the citizen took blank ${serial} with a blocked PIN`);
  }

  // The journal: nothing left open after recovery.
  const open = new Journal(lane.journalDir).open(ISSUANCE_JOURNAL_KIND);
  for (const entry of open) v.push(`journal entry ${entry.id} left open: ${JSON.stringify(entry.data)}`);
  return v;
}

/** One line per violated point: seed, lane, point, spec and the messages (for replay). */
export function describeViolations(summary: CrashRunSummary): string {
  return summary.violations
    .map(({ point, messages }) =>
      point
        ? `seed ${summary.seed} lane ${point.lane} point ${point.index} spec ${JSON.stringify(point.spec)} ` +
          `kind ${point.kind} person ${point.personId} phases [${point.phases.join(',')}] ` +
          `outcome ${point.outcome ? JSON.stringify(point.outcome) : 'none'}:\n  - ${messages.join('\n  - ')}`
        : `seed ${summary.seed} (global): ${messages.join('; ')}`,
    )
    .join('\n');
}
