import { DLE, EOT } from './commands.ts';

/**
 * Real-time status, DLE EOT n (PROTOCOLS.md section 5): the printer answers one byte at once, even while
 * offline or busy printing. Every answer has bits 1 and 4 set and bits 0 and 7 clear (`b & 0x93 === 0x12`),
 * which is the only check a one-byte reply gets: a byte that fails it is junk, not a status.
 *
 * | n | asks for | bits (set = true) |
 * |---|---|---|
 * | 1 | printer | 0x08 offline (PROTOCOLS.md); 0x20 waiting for online recovery; 0x40 feed button pressed |
 * | 2 | offline cause | 0x04 cover open; 0x08 feed button; 0x20 stopped for paper end; 0x40 error |
 * | 3 | error cause | 0x08 autocutter error; 0x20 unrecoverable; 0x40 auto-recoverable |
 * | 4 | paper sensors | 0x0C near end (both bits, 0x1E in all, PROTOCOLS.md); 0x60 paper out (0x72 in all) |
 *
 * Rows 2 and 3 are the common Epson definitions (UNCONFIRMED on Chinese printers; only rows 1 and 4 are in
 * PROTOCOLS.md).
 */
export const STATUS_KINDS = { printer: 1, offlineCause: 2, errorCause: 3, paper: 4 } as const;
export type StatusKind = keyof typeof STATUS_KINDS;

export const FIXED_MASK = 0x93;
export const FIXED_BITS = 0x12;

export const BITS = {
  printer: { offline: 0x08, waitingRecovery: 0x20, feedButton: 0x40 },
  offlineCause: { coverOpen: 0x04, feedButton: 0x08, paperEndStop: 0x20, error: 0x40 },
  errorCause: { cutterError: 0x08, unrecoverable: 0x20, autoRecoverable: 0x40 },
  paper: { nearEnd: 0x0c, out: 0x60 },
} as const;

export type StatusFlags<K extends StatusKind> = { [F in keyof (typeof BITS)[K]]: boolean };

export function statusRequest(kind: StatusKind): Uint8Array {
  return Uint8Array.of(DLE, EOT, STATUS_KINDS[kind]);
}

export function isStatusByte(byte: number): boolean {
  return (byte & FIXED_MASK) === FIXED_BITS;
}

/** The flags of a status byte, or null when it fails the fixed-bit check. A flag needs all of its bits. */
export function parseStatus<K extends StatusKind>(kind: K, byte: number): StatusFlags<K> | null {
  if (!isStatusByte(byte)) return null;
  const bits = BITS[kind] as Record<string, number>;
  const flags: Record<string, boolean> = {};
  for (const [flag, mask] of Object.entries(bits)) flags[flag] = (byte & mask) === mask;
  return flags as StatusFlags<K>;
}

/** The byte a printer with these flags answers (the simulator's side). */
export function encodeStatus<K extends StatusKind>(kind: K, flags: Partial<StatusFlags<K>>): number {
  const bits = BITS[kind] as Record<string, number>;
  let byte = FIXED_BITS;
  for (const [flag, on] of Object.entries(flags)) if (on) byte |= bits[flag] ?? 0;
  return byte;
}
