import type { CardApplicationKind } from '@sik/contract';
import type { issueCard } from '../issuance.ts';
import type { recoverIssuances } from '../recovery.ts';
import type { IssuanceOutcome, IssuancePhase } from '../types.ts';

/** What the crash child (crash-child.ts) and its harness say to each other, one JSON line at a time. */

/** What --issuance must export: the lead's issueCard and recoverIssuances, or stand-ins with their types. */
export interface IssuanceModule {
  issueCard: typeof issueCard;
  recoverIssuances: typeof recoverIssuances;
}

export interface IssueCommand {
  personId: string;
  name: string;
  idNumber: string;
  kind: CardApplicationKind;
  pin: string;
  /** The citizen walks away: the card is not taken (with the printer's cardNotTaken fault). */
  walkAway?: boolean;
  /** Kill the child at this phase (midPrintJob: half-way through the next print job sent after it). */
  killAt?: { phase: IssuancePhase; occurrence: number; midPrintJob?: boolean };
}

export type ChildLine =
  | { go: true }
  | { ready: true }
  | { phase: IssuancePhase; mode: 'recovery' | 'issue'; n: number }
  | { recovered: { recovered: number; open: number; afterOutcome?: number } }
  | { idle: true }
  | { outcome: IssuanceOutcome }
  | { error: string };
