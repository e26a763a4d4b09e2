/**
 * Card issuance survives being killed at every step (issue 4 item 6). The agent's issuance (the crash child:
 * real journal, card printer and chip encoder drivers on pseudo-terminals to the linked card unit simulator with
 * instant timings, the real server's card routes over HTTP) is killed with SIGKILL right at each journal phase,
 * then at 200+ randomized points (a phase, a delay after it, sometimes an injected fault or a second kill during
 * recovery), restarted, and checked every time: no person with two active cards, every blank accounted for, no
 * chip or face with another person's data, every application in one final state, the journal closed.
 *
 * SIK_CRASH_SEED=<n> replays a run (the seed is printed with every violation); SIK_CRASH_POINTS=<n> changes the
 * number of random points; `npm run soak` runs thousands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUANCE_PHASES } from '../device-agent/src/issuance/types.ts';
import {
  type CrashRunSummary,
  describeViolations,
  IssuanceHarness,
  runCrashPoints,
} from './support/issuance-harness/index.ts';

const SEED = Number(process.env.SIK_CRASH_SEED ?? Date.now() % 2 ** 31);
const POINTS = Number(process.env.SIK_CRASH_POINTS ?? 200);

describe('card issuance killed at every step', () => {
  let harness: IssuanceHarness;

  beforeAll(async () => {
    harness = await IssuanceHarness.start({ lanes: 2, pointsPerPerson: 6 });
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it(`keeps every invariant over each phase and ${POINTS} random crash points (seed ${SEED})`, async () => {
    const summary: CrashRunSummary = await runCrashPoints(harness, {
      seed: SEED,
      points: POINTS,
      deterministic: true,
    });
    process.stderr.write(
      `issuance crash test: ${summary.points} points (${summary.killed} killed, ${summary.completed} ran to the end) ` +
        `in ${(summary.ms / 1000).toFixed(0)} s, seed ${SEED}; kills per phase ${JSON.stringify(summary.perPhase)}; ` +
        `outcomes ${JSON.stringify(summary.outcomes)}; ${summary.openAfterOutcome} outcome(s) left the journal open\n`,
    );
    expect(describeViolations(summary)).toBe('');
    // Every phase was killed at least once (the deterministic points guarantee it).
    for (const phase of Object.keys(summary.perPhase)) expect(summary.perPhase[phase]).toBeGreaterThan(0);
    expect(Object.keys(summary.perPhase).length).toBe(ISSUANCE_PHASES.length);
    // One kill right at each phase, one in the middle of the print job, then the random points.
    expect(summary.points).toBe(POINTS + ISSUANCE_PHASES.length + 1);
  }, 900_000);
});
