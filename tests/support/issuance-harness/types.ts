import type { IssuanceOutcome, IssuancePhase } from '../../../device-agent/src/issuance/types.ts';

/** The types the parts of the crash harness share (see index.ts for what the harness does). */

export type InjectedFault = 'jamOnce' | 'chipWriteError' | 'readBackCorruption' | 'cardNotTaken';

/** One crash point: where the agent dies, and what else goes wrong. */
export interface CrashSpec {
  /** Kill at this phase (null: no kill, the issuance runs to its end). */
  phase: IssuancePhase | null;
  /** Which occurrence of the phase (a retry with a new blank repeats phases). */
  occurrence: number;
  /** true: the child kills itself right after the phase is durable; false: the harness kills it delayMs after
   * it saw the phase line. */
  selfKill: boolean;
  delayMs: number;
  /** With selfKill at 'printing': die half-way through sending the print job (the printer is mid-job). */
  midPrintJob?: boolean;
  fault: InjectedFault | null;
  /** Kill the recovering child too (this many ms after it opened its devices), then recover again. */
  recoveryCrash: { delayMs: number } | null;
}

export interface PointResult {
  lane: number;
  index: number;
  spec: CrashSpec;
  personId: string;
  kind: string;
  /** The phases the issuing child printed before it ended. */
  phases: IssuancePhase[];
  killed: boolean;
  outcome: IssuanceOutcome | null;
  recovered: { recovered: number; open: number } | null;
  /** Journal entries the issuance left open when it returned its outcome (recovery then ran in the child). */
  openAfterOutcome: number;
  violations: string[];
  ms: number;
  /** Where the time went: before the issuance, issuing (to the kill), restart + recovery, checks. */
  timings: { beforeMs: number; issueMs: number; recoverMs: number; checkMs: number };
}

export interface HarnessOptions {
  lanes?: number;
  /** Passed to the crash child as --issuance (e.g. the harness stub); default: the lead's issuance modules. */
  issuanceModule?: string;
  /** Points per person before the next person (a first card needs a new person; renewals come after). */
  pointsPerPerson?: number;
  log?: (line: string) => void;
  keepDir?: boolean;
}

export interface Person {
  personId: string;
  name: string;
  idNumber: string;
}

export interface CrashRunSummary {
  seed: number;
  points: number;
  killed: number;
  completed: number;
  perPhase: Record<string, number>;
  outcomes: Record<string, number>;
  /** Points whose issuance returned with its journal entry still open (left to the recovery round). */
  openAfterOutcome: number;
  /** Lanes stopped at a broken invariant. */
  stoppedLanes: number[];
  violations: { point: PointResult; messages: string[] }[];
  ms: number;
}
