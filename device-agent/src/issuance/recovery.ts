import type { Result } from '@sik/contract';
import type { JournalEntry } from '../journal/journal.ts';
import { createLogger } from '../log.ts';
import { isInProgress } from './issuance.ts';
import { ISSUANCE_JOURNAL_KIND, type IssuanceDeps, type IssuancePhase } from './types.ts';

const log = createLogger('issuance-recovery');

/**
 * Finishes every card issuance the journal began and never finished (a crash, a power cut, a server that did not
 * answer). The printer is asked what it holds, the server what it has booked, and the two are put right:
 * - a card still inside the printer (or left in the slot) goes to the reject box and is spoiled in the books
 *   (the card if it was bound to this blank, else the blank alone); the application stays open for the counter
 *   or the citizen's next visit, which makes it again with a new card number;
 * - a card the citizen took (the journal reached 'presenting' or later and the slot is empty) is activated;
 * - an entry closes only when the printer is empty of it and the server's books agree; otherwise it stays open
 *   for the next round, and staff are alerted about a card that cannot be put away.
 * Issuances running now in this process are left alone.
 */

const TAKEN_PHASES: ReadonlySet<IssuancePhase> = new Set(['presenting', 'taken', 'activating']);

export async function recoverIssuances(deps: IssuanceDeps): Promise<{ recovered: number; open: number }> {
  let recovered = 0;
  for (const entry of deps.journal.open(ISSUANCE_JOURNAL_KIND)) {
    if (isInProgress(entry.id)) continue;
    try {
      const outcome = await recoverOne(deps, entry);
      if (outcome) {
        deps.journal.finish(entry.id, `recovered:${outcome}`);
        log.info({ outcome, phase: entry.data.phase }, 'unfinished card issuance recovered');
        recovered += 1;
      }
    } catch (error) {
      log.error({ err: (error as Error).message }, 'card issuance recovery failed; will try again');
    }
  }
  const open = deps.journal.open(ISSUANCE_JOURNAL_KIND).filter((e) => !isInProgress(e.id)).length;
  return { recovered, open };
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

class NotYet extends Error {}

function must<T>(result: Result<T>, what: string): T {
  if (result.ok) return result.data;
  throw new NotYet(`${what}: ${result.code}`);
}

/** Puts one entry right; returns what happened, or null when it must stay open. */
async function recoverOne(deps: IssuanceDeps, entry: JournalEntry): Promise<string | null> {
  const { printer, encoder, server } = deps;
  const phase = (text(entry.data.phase) ?? 'applying') as IssuancePhase | 'done';
  const personId = text(entry.data.personId);
  const cardNumber = text(entry.data.cardNumber);
  let serial = text(entry.data.chipSerial);

  // 1. The printer: whatever card is inside goes to the reject box (its serial read first if not known).
  const status = await printer.refreshStatus();
  let cardWasInside = false;
  if (status.card !== 'none' && status.card !== 'unknown') {
    cardWasInside = true;
    if (status.card !== 'exit' && !serial) {
      let opened = await encoder.openCard();
      if (opened.completion !== 'success' && (await printer.toContact()).completion === 'success')
        opened = await encoder.openCard();
      if (opened.completion === 'success') serial = opened.serial;
    }
    await encoder.closeCard().catch(() => undefined);
    deps.journal.note(entry.id, { phase: 'rejecting', chipSerial: serial });
    const put = status.card === 'exit' ? await printer.retract() : await printer.reject();
    if (put.completion !== 'success') {
      await server
        .alert({
          kind: 'cardStuck',
          reference: serial ?? cardNumber,
          detail: `recovery: ${put.detail}`.slice(0, 300),
        })
        .catch(() => null);
      log.warn({ detail: put.detail }, 'card inside the printer could not be put away');
      return null;
    }
  } else if (status.card === 'unknown') {
    return null; // the printer does not answer: try again later
  }

  if (!personId || !cardNumber) return 'nothingMade'; // the application was never answered: nothing physical
  const overview = must(await server.overview(personId), 'overview');
  const card = overview.cards.find((c) => c.cardNumber === cardNumber);

  if (card?.status === 'active') return 'issued';
  if (!serial) return 'kept'; // no blank was bound: the application waits for the next visit or the counter

  if (card?.status === 'personalising' && card.chipSerial === serial) {
    if (!cardWasInside && TAKEN_PHASES.has(phase as IssuancePhase)) {
      // The card left through the slot and the citizen has it: written, printed, PIN set. Enable it.
      must(await server.activate({ cardNumber, chipSerial: serial }), 'activate');
      return 'issued';
    }
    must(await server.spoil({ cardNumber, chipSerial: serial, reason: 'other' }), 'spoil');
    if (!cardWasInside && phase !== 'rejecting') {
      // Not in the printer, not presented: the card is missing. Staff must look (the close will flag it too).
      await server
        .alert({
          kind: 'cardStuck',
          reference: serial,
          detail: 'recovery: half-made card not found in the printer',
        })
        .catch(() => null);
    }
    return 'spoiled';
  }
  if (card?.status === 'spoiled' && card.chipSerial === serial) return 'spoiled';
  // The blank was read but never bound to the card: spoil the blank alone (a no-op if already spoiled).
  const spoiled = await server.spoilBlank({ chipSerial: serial, reason: 'recovered' });
  if (!spoiled.ok && spoiled.code !== 'CONFLICT') throw new NotYet(`spoil blank: ${spoiled.code}`);
  if (!spoiled.ok) {
    // Bound to another card of this person (a retry the journal did not note): spoil that card.
    const other = overview.cards.find((c) => c.chipSerial === serial && c.status === 'personalising');
    if (!other) throw new NotYet('blank in use by an unknown card');
    must(await server.spoil({ cardNumber: other.cardNumber, chipSerial: serial, reason: 'other' }), 'spoil');
  }
  return 'spoiled';
}

/**
 * Recovery now (before the first visit), then every `everyMs` while anything is open; returns a stop function.
 */
export function startIssuanceRecovery(
  deps: IssuanceDeps,
  everyMs = 60_000,
): { ran: Promise<void>; stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async () => {
    if (stopped) return;
    try {
      const { open } = await recoverIssuances(deps);
      if (open > 0 && !stopped) {
        timer = setTimeout(() => void round(), everyMs);
        timer.unref();
      }
    } catch (error) {
      log.error({ err: (error as Error).message }, 'card issuance recovery round failed');
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
