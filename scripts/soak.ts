/**
 * `npm run soak`: the card issuance crash test (tests/issuance-crash.test.ts) for thousands of points. Kills the
 * agent (the crash child) with SIGKILL at random journal phases, restarts it, and checks the invariants after
 * every point; prints progress and a summary, exits 1 when any invariant broke (with the seed to replay).
 *
 *   npm run soak -- [--points 2000] [--lanes 2] [--seed <n>] [--deterministic] [--max-delay-ms 40]
 *                   [--fault-rate 0.15] [--recovery-crash-rate 0.1] [--issuance <module>] [--keep]
 *                   [--continue-after-violation] [--skip-phase <phase> ...]
 * --skip-phase leaves a phase out of every draw (to look past a known finding; say so when quoting results).
 * A lane stops at its first broken invariant unless --continue-after-violation.
 */
import { parseArgs } from 'node:util';
import {
  type CrashRunSummary,
  describeViolations,
  IssuanceHarness,
  runCrashPoints,
} from '../tests/support/issuance-harness/index.ts';

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '2000' },
    lanes: { type: 'string', default: '2' },
    seed: { type: 'string' },
    deterministic: { type: 'boolean', default: false },
    'max-delay-ms': { type: 'string', default: '40' },
    'fault-rate': { type: 'string', default: '0.15' },
    'recovery-crash-rate': { type: 'string', default: '0.1' },
    issuance: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'continue-after-violation': { type: 'boolean', default: false },
    'skip-phase': { type: 'string', multiple: true },
  },
});

const points = Number(values.points);
const lanes = Number(values.lanes);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (
  !Number.isInteger(points) ||
  points < 1 ||
  !Number.isInteger(lanes) ||
  lanes < 1 ||
  !Number.isInteger(seed)
) {
  process.stderr.write('soak: --points, --lanes and --seed must be whole numbers\n');
  process.exit(64);
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`soak: ${points} crash points on ${lanes} lane(s), seed ${seed}`);
if (values['skip-phase']) out(`soak: NOT killing at ${values['skip-phase'].join(', ')}`);
const harness = await IssuanceHarness.start({
  lanes,
  pointsPerPerson: 8,
  keepDir: values.keep,
  ...(values.issuance ? { issuanceModule: values.issuance } : {}),
});
if (values.keep) out(`soak: data in ${harness.dir}`);
let summary: CrashRunSummary;
let broken = 0;
try {
  summary = await runCrashPoints(harness, {
    seed,
    points,
    deterministic: values.deterministic,
    maxDelayMs: Number(values['max-delay-ms']),
    faultRate: Number(values['fault-rate']),
    recoveryCrashRate: Number(values['recovery-crash-rate']),
    continueAfterViolation: values['continue-after-violation'],
    ...(values['skip-phase'] ? { skipPhases: values['skip-phase'] } : {}),
    onPoint(point, done) {
      if (point.violations.length > 0) {
        broken++;
        out(
          `VIOLATION seed ${seed} lane ${point.lane} point ${point.index} spec ${JSON.stringify(point.spec)} ` +
            `phases [${point.phases.join(',')}]\n  - ${point.violations.join('\n  - ')}`,
        );
      }
      if (done % 50 === 0) out(`soak: ${done} points done, ${broken} with violations`);
    },
  });
} finally {
  await harness.stop();
}

out(
  `soak: ${summary.points} points in ${(summary.ms / 1000).toFixed(0)} s (${summary.killed} killed, ` +
    `${summary.completed} ran to the end); seed ${seed}`,
);
out(`soak: kills per phase ${JSON.stringify(summary.perPhase)}`);
out(`soak: outcomes ${JSON.stringify(summary.outcomes)}`);
if (summary.stoppedLanes.length > 0)
  out(`soak: lane(s) ${summary.stoppedLanes.join(', ')} stopped at a broken invariant`);
out(
  `soak: ${summary.openAfterOutcome} issuance(s) returned with the journal entry still open (recovered after)`,
);
if (summary.violations.length > 0) {
  out(`soak: ${summary.violations.length} point(s) broke an invariant:\n${describeViolations(summary)}`);
  process.exit(1);
}
out('soak: every invariant held');
process.exit(0);
