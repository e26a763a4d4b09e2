import type { Result } from '@sik/contract';
import type { JournalEntry } from '../journal/journal.ts';
import { createLogger } from '../log.ts';
import { ISSUANCE_JOURNAL_KIND, type IssuanceDeps, type IssuancePhase } from './types.ts';
import { cardUnitBusy, withCardUnit } from './unit-lock.ts';

const log = createLogger('issuance-recovery');

/**
 * Finishes every card issuance the journal began and never finished (a crash, a power cut, a server that did not
 * answer). It holds the card unit (unit-lock.ts) so it never touches a card a visit is making, and works in two
 * parts:
 * 1. The printer, once per round: a card inside or in the slot goes to the reject box. Its serial is read at the
 *    chip station when it can be; the card belongs to the entry whose journal has that serial (a card in the slot
 *    to the entry that presented it).
 * 2. The books, per entry: a card already active closes it; a card that left through the slot in 'presenting' or
 *    later, and that no one put away, is with the citizen and is activated; any other bound card is spoiled (the
 *    application gets a new card number and stays open for the counter or the next visit); a blank read but never
 *    bound is spoiled alone. What cannot be known (a retract cut off by a crash: taken or retracted?) is spoiled
 *    and staff are alerted to look. An entry stays open while the printer or the server does not answer.
 */

const TAKEN_PHASES: ReadonlySet<string> = new Set<IssuancePhase>(['presenting', 'taken', 'activating']);

/** One round, unless a visit or another round holds the card unit (then the next round will do it). */
export async function recoverIssuances(deps: IssuanceDeps): Promise<{ recovered: number; open: number }> {
  if (cardUnitBusy(deps.printer))
    return { recovered: 0, open: deps.journal.open(ISSUANCE_JOURNAL_KIND).length };
  return withCardUnit(deps.printer, () => recoverHeld(deps));
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

class NotYet extends Error {}

function must<T>(result: Result<T>, what: string): T {
  if (result.ok) return result.data;
  throw new NotYet(`${what}: ${result.code}`);
}

/** A round for a caller that already holds the card unit (issuance.ts runs one before each visit's card). */
export async function recoverHeld(deps: IssuanceDeps): Promise<{ recovered: number; open: number }> {
  const entries = deps.journal.open(ISSUANCE_JOURNAL_KIND);
  if (entries.length === 0) return { recovered: 0, open: 0 };
  let putAway: PutAway | null | 'notNow';
  try {
    putAway = await putAwayCardInside(deps, entries);
  } catch (error) {
    log.error({ err: (error as Error).message }, 'card issuance recovery could not clear the printer');
    return { recovered: 0, open: entries.length };
  }
  if (putAway === 'notNow') return { recovered: 0, open: entries.length };
  let recovered = 0;
  for (const entry of entries) {
    try {
      const outcome = await books(deps, entry, putAway?.owner === entry ? putAway : null);
      if (outcome) {
        deps.journal.finish(entry.id, `recovered:${outcome}`);
        log.info({ outcome, phase: entry.data.phase }, 'unfinished card issuance recovered');
        recovered += 1;
      }
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'card issuance not recovered yet; will try again');
    }
  }
  return { recovered, open: deps.journal.open(ISSUANCE_JOURNAL_KIND).length };
}

interface PutAway {
  owner: JournalEntry | null;
  serial: string | null;
}

/** Part 1: the card inside the printer (if any) into the reject box; 'notNow' when the printer cannot. */
async function putAwayCardInside(
  deps: IssuanceDeps,
  entries: JournalEntry[],
): Promise<PutAway | null | 'notNow'> {
  const { printer, encoder, server } = deps;
  const status = await printer.refreshStatus();
  if (status.card === 'unknown') return 'notNow';
  if (status.card === 'none') return null;
  let serial: string | null = null;
  let owner: JournalEntry | null = null;
  if (status.card === 'exit') {
    // In the slot: only an entry that presented a card can own it (the latest, if several claim to).
    owner = entries.filter((e) => TAKEN_PHASES.has(String(e.data.phase))).at(-1) ?? null;
    serial = owner ? text(owner.data.chipSerial) : null;
  } else {
    let opened = await encoder.openCard();
    if (opened.completion !== 'success' && (await printer.toContact()).completion === 'success')
      opened = await encoder.openCard();
    if (opened.completion === 'success') serial = opened.serial;
    await encoder.closeCard().catch(() => undefined);
    owner =
      entries.find((e) => serial !== null && text(e.data.chipSerial) === serial) ??
      // A blank that left the feeder before its serial was noted.
      (entries.filter((e) => e.data.phase === 'picking' && !text(e.data.chipSerial)).length === 1
        ? (entries.find((e) => e.data.phase === 'picking' && !text(e.data.chipSerial)) ?? null)
        : null);
  }
  if (owner)
    deps.journal.note(owner.id, {
      putAway: status.card === 'exit' ? 'retracting' : 'rejecting',
      chipSerial: serial,
    });
  const put = status.card === 'exit' ? await printer.retract() : await printer.reject();
  if (put.completion !== 'success') {
    await server
      .alert({ kind: 'cardStuck', reference: serial, detail: `recovery: ${put.detail}`.slice(0, 300) })
      .catch(() => null);
    log.warn({ detail: put.detail }, 'card inside the printer could not be put away');
    return 'notNow';
  }
  if (owner) {
    deps.journal.note(owner.id, { phase: 'rejecting' });
    deps.onPhase?.('rejecting');
  } else {
    // Nobody's entry knows this card: book the blank spoiled if it was never bound, else staff must look.
    const spoiled = serial ? await server.spoilBlank({ chipSerial: serial, reason: 'recovered' }) : null;
    if (!spoiled?.ok)
      await server
        .alert({
          kind: 'cardStuck',
          reference: serial,
          detail: 'recovery: a card no open issuance knows was put in the reject box',
        })
        .catch(() => null);
  }
  return { owner, serial };
}

/** Part 2: the books of one entry; returns what happened, or null when it must stay open. */
async function books(
  deps: IssuanceDeps,
  entry: JournalEntry,
  putAway: PutAway | null,
): Promise<string | null> {
  const { server } = deps;
  const phase = String(entry.data.phase ?? 'applying');
  const personId = text(entry.data.personId);
  const cardNumber = text(entry.data.cardNumber);
  const serial = text(entry.data.chipSerial) ?? putAway?.serial ?? null;
  // A put-away that began and may not have ended (a crash between the note and the retract's answer).
  const putAwayBegun = text(entry.data.putAway) !== null;

  if (!personId || !cardNumber) return 'nothingMade'; // the application was never answered: nothing physical
  const overview = must(await server.overview(personId), 'overview');
  const card = overview.cards.find((c) => c.cardNumber === cardNumber);
  if (card?.status === 'active') return 'issued';
  if (!serial) return 'kept'; // no blank was bound: the application waits for the next visit or the counter

  if (card?.status === 'personalising' && card.chipSerial === serial) {
    if (!putAway && TAKEN_PHASES.has(phase) && !putAwayBegun) {
      // The card left through the slot and no one took it back: the citizen has it. Enable it.
      must(await server.activate({ cardNumber, chipSerial: serial }), 'activate');
      return 'issued';
    }
    must(await server.spoil({ cardNumber, chipSerial: serial, reason: 'other' }), 'spoil');
    if (!putAway && phase !== 'rejecting') {
      await alert(
        deps,
        serial,
        TAKEN_PHASES.has(phase)
          ? 'recovery: a presented card was being taken back when the kiosk stopped; it is either in the reject box or with the citizen (now cancelled)'
          : 'recovery: a half-made card was not found in the printer',
      );
    }
    return 'spoiled';
  }
  if (card?.chipSerial === serial && card.status === 'spoiled') return 'spoiled';
  // The blank was read but never bound to this card: spoil the blank alone (a no-op if already spoiled).
  const spoiled = await server.spoilBlank({ chipSerial: serial, reason: 'recovered' });
  if (spoiled.ok) return 'spoiled';
  if (spoiled.code === 'NOT_FOUND') {
    await alert(deps, serial, 'recovery: a blank that is not in this kiosk’s stock was found in the feeder');
    return 'foreignBlank';
  }
  if (spoiled.code === 'CONFLICT') {
    const other = overview.cards.find((c) => c.chipSerial === serial && c.status === 'personalising');
    if (other) {
      must(
        await server.spoil({ cardNumber: other.cardNumber, chipSerial: serial, reason: 'other' }),
        'spoil',
      );
      return 'spoiled';
    }
    await alert(deps, serial, 'recovery: a blank booked to another card was found in this issuance');
    return 'blankElsewhere';
  }
  throw new NotYet(`spoil blank: ${spoiled.code}`);
}

async function alert(deps: IssuanceDeps, reference: string, detail: string): Promise<void> {
  const sent = await deps.server.alert({ kind: 'cardStuck', reference, detail }).catch(() => null);
  if (!sent?.ok) log.warn('staff alert not delivered');
}

/** Recovery now (before the first visit takes the unit), then every `everyMs` for as long as the agent runs. */
export function startIssuanceRecovery(
  deps: IssuanceDeps,
  everyMs = 60_000,
): { ran: Promise<void>; stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async () => {
    if (stopped) return;
    try {
      await recoverIssuances(deps);
    } catch (error) {
      log.error({ err: (error as Error).message }, 'card issuance recovery round failed');
    }
    if (!stopped) {
      timer = setTimeout(() => void round(), everyMs);
      timer.unref();
    }
  };
  const ran = round();
  return {
    ran,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
