/** Test helpers for the chip encoder; not used at run time. */

export { capturingLogger, quietLogger } from '../idcard/testing.ts';

export { waitForStatus } from '../testing.ts';
