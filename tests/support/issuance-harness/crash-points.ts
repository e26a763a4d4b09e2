import { createRandom, type Random } from '@sik/seeds';
import { ISSUANCE_PHASES, type IssuancePhase } from '../../../device-agent/src/issuance/types.ts';
import type { IssuanceHarness } from './harness.ts';
import type { CrashRunSummary, CrashSpec, InjectedFault, PointResult } from './types.ts';

/**
 * The crash points: the deterministic ones (a kill right at each phase), random ones drawn from a seeded PRNG,
 * and the run that spreads them over the lanes and sums up what happened.
 */

/** The phases of a card made without a hitch, in order (a crash point picks one of them). */
export const HAPPY_PHASES: readonly IssuancePhase[] = ISSUANCE_PHASES.filter((p) => p !== 'rejecting');

/** A random crash spec from the PRNG. */
export function randomSpec(
  rng: Random,
  opts: { maxDelayMs: number; faultRate: number; recoveryCrashRate: number; skipPhases?: readonly string[] },
): CrashSpec {
  const fault = rng.chance(opts.faultRate)
    ? rng.pick<InjectedFault>(['jamOnce', 'chipWriteError', 'readBackCorruption', 'cardNotTaken'])
    : null;
  // With a fault the failed card goes to the reject box: 'rejecting' and a second round of phases can be hit.
  const phases = (fault ? [...ISSUANCE_PHASES] : [...HAPPY_PHASES]).filter(
    (p) => !opts.skipPhases?.includes(p),
  );
  const phase = rng.pick(phases);
  const midPrintJob = phase === 'printing' && rng.chance(0.3);
  return {
    phase,
    occurrence: fault && rng.chance(0.3) ? 2 : 1,
    selfKill: midPrintJob || rng.chance(0.25),
    ...(midPrintJob ? { midPrintJob } : {}),
    delayMs: rng.int(0, opts.maxDelayMs),
    fault,
    recoveryCrash: rng.chance(opts.recoveryCrashRate) ? { delayMs: rng.int(0, 40) } : null,
  };
}

/** Kill right at each phase, inside the child (every step covered whatever the random draw). */
export function deterministicSpecs(): CrashSpec[] {
  const atPhases: CrashSpec[] = ISSUANCE_PHASES.map((phase) => ({
    phase,
    occurrence: 1,
    selfKill: true,
    delayMs: 0,
    // 'rejecting' happens only for a failed card: a misfeed on the first pick makes one.
    fault: phase === 'rejecting' ? ('jamOnce' as const) : null,
    recoveryCrash: null,
  }));
  // And inside the one long device operation: half of the card face sent to the printer.
  const midPrintJob: CrashSpec = {
    phase: 'printing',
    occurrence: 1,
    selfKill: true,
    delayMs: 0,
    midPrintJob: true,
    fault: null,
    recoveryCrash: null,
  };
  return [...atPhases, midPrintJob];
}

/**
 * Runs `points` random crash points spread over the lanes (lanes run in parallel), after the deterministic ones
 * when asked. Each lane draws from its own PRNG (seed + lane) so a lane replays on its own.
 */
export async function runCrashPoints(
  harness: IssuanceHarness,
  options: {
    seed: number;
    points: number;
    deterministic?: boolean;
    maxDelayMs?: number;
    faultRate?: number;
    recoveryCrashRate?: number;
    onPoint?: (point: PointResult, done: number) => void;
    /** Stop drawing new points after this many ms (the run stays bounded). */
    budgetMs?: number;
    /** Phases no point kills at (to look past a known finding). */
    skipPhases?: readonly string[];
    /** Keep a lane going after a broken invariant (default: the lane stops there). */
    continueAfterViolation?: boolean;
  },
): Promise<CrashRunSummary> {
  const started = Date.now();
  const summary: CrashRunSummary = {
    seed: options.seed,
    points: 0,
    killed: 0,
    completed: 0,
    perPhase: {},
    outcomes: {},
    openAfterOutcome: 0,
    stoppedLanes: [],
    violations: [],
    ms: 0,
  };
  const record = (point: PointResult) => {
    summary.points++;
    if (point.killed) {
      summary.killed++;
      const key = point.spec.phase ?? 'none';
      summary.perPhase[key] = (summary.perPhase[key] ?? 0) + 1;
    } else summary.completed++;
    const outcome = point.outcome ? (point.outcome.ok ? 'issued' : point.outcome.reason) : 'killed';
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
    if (point.openAfterOutcome > 0) summary.openAfterOutcome++;
    if (point.violations.length > 0) summary.violations.push({ point, messages: point.violations });
    options.onPoint?.(point, summary.points);
  };
  const deterministic = options.deterministic ? deterministicSpecs() : [];
  const lanes = harness.lanes;
  const perLane = Math.ceil(options.points / lanes.length);
  await Promise.all(
    lanes.map(async (lane, i) => {
      const rng = createRandom(options.seed + i);
      // The deterministic points are shared out over the lanes.
      // A lane stops at its first broken invariant (unless told to go on): what follows a broken state mostly
      // repeats it, and the first point is the one to replay.
      const go = (point: PointResult): boolean => {
        record(point);
        if (point.violations.length === 0 || options.continueAfterViolation) return true;
        summary.stoppedLanes.push(lane.index);
        return false;
      };
      const skipped = (spec: CrashSpec) => spec.phase !== null && options.skipPhases?.includes(spec.phase);
      for (let d = i; d < deterministic.length; d += lanes.length)
        if (skipped(deterministic[d] as CrashSpec)) continue;
        else if (!go(await lane.runPoint(rng, deterministic[d] as CrashSpec))) return;
      for (let n = 0; n < perLane && i * perLane + n < options.points; n++) {
        if (options.budgetMs && Date.now() - started > options.budgetMs) break;
        const spec = randomSpec(rng, {
          maxDelayMs: options.maxDelayMs ?? 40,
          faultRate: options.faultRate ?? 0.15,
          recoveryCrashRate: options.recoveryCrashRate ?? 0.1,
          ...(options.skipPhases ? { skipPhases: options.skipPhases } : {}),
        });
        if (!go(await lane.runPoint(rng, spec))) return;
      }
    }),
  );
  summary.violations.push(
    ...(await harness.globalViolations()).map((m) => ({
      point: null as unknown as PointResult,
      messages: [m],
    })),
  );
  summary.ms = Date.now() - started;
  return summary;
}
