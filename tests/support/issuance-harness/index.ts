/**
 * The crash harness of card issuance (issue 4 item 6): the real server in this process (PGlite in a folder), the
 * linked card unit simulator (card printer + chip encoder) as its own process on two pseudo-terminals per lane,
 * and the crash child (device-agent/src/issuance/testing/crash-child.ts) as the agent, killed with SIGKILL at a
 * journal phase (+ a random delay), started again (it recovers first) and then checked against the invariants:
 *
 *   - no person has two active cards;
 *   - every blank serial is accounted for: in the feeder and booked inStock, in the reject box and booked
 *     spoiled, or taken by the citizen and booked issued; none booked inUse; no card left in the printer; the
 *     kiosk's stock books balance (opening + loaded = issued + spoiled + inUse + remaining, remaining = feeder);
 *   - what the citizen took has a face printed on it and the card's data on its chip;
 *   - no chip with another person's data (EF06 tag 08 = the ID number of the person whose card has that chip
 *     serial, EF05 tag 07 = that card's number), no face printed on another person's blank (the faces the printer
 *     simulator kept carry tEXt 'sik:cardNumber' and 'sik:socialSecurityNumber' added by the crash child);
 *   - every application in exactly one final state: 'issued' with exactly one card that was activated, or kept
 *     open ('applied') with exactly one card 'applied' (none left 'personalising'); the rest spoiled;
 *   - no cardIssuance journal entry left open after recovery.
 *
 * Draws come from a seeded PRNG; every violation names the seed, the lane, the point and the crash spec so that
 * the run can be replayed (the timing of a kill with a delay is not exactly reproducible; a kill right at a phase
 * is, it happens inside the child).
 */

// The parts: harness.ts (the server, the people, the lanes), lane.ts (one kiosk: card unit simulator process on
// its ptys, crash children started, killed and kept on standby, one crash point run), child.ts (the bundled crash
// child and one running child's lines), invariants.ts (the checks), crash-points.ts (specs and the seeded run),
// people.ts (the people served, shared with bench/issuance.ts), types.ts.
export { CHILD_ENTRY, ROOT } from './child.ts';
export { deterministicSpecs, HAPPY_PHASES, randomSpec, runCrashPoints } from './crash-points.ts';
export { IssuanceHarness } from './harness.ts';
export { describeViolations, globalViolations, LaneLedger, laneViolations } from './invariants.ts';
export { Lane } from './lane.ts';
export type {
  CrashRunSummary,
  CrashSpec,
  HarnessOptions,
  InjectedFault,
  Person,
  PointResult,
} from './types.ts';
