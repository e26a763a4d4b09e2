/** Test helpers for the receipt printer; not used at run time. */

export { capturingLogger, delay, quietLogger } from '../idcard/testing.ts';

export { waitForStatus } from '../testing.ts';
