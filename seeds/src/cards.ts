/**
 * The blank cards of the demo kiosk: the simulated card printer's feeder holds these serials, and the server's
 * seed loads the same range into the kiosk's stock, so the books and the feeder agree from the first start.
 * Serials are the chips' serials as the chip encoder reads them: upper-case hex, fixed width.
 */
export const DEMO_BLANKS = { firstSerial: '5AC0000000000001', count: 50 } as const;

/** `count` consecutive serials from `first` (hex, same width): the order blanks leave the feeder. */
export function blankSerialRange(first: string, count: number): string[] {
  const start = BigInt(`0x${first}`);
  const out: string[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const serial = (start + i).toString(16).toUpperCase().padStart(first.length, '0');
    if (serial.length > first.length) throw new RangeError(`serial range from ${first} overflows`);
    out.push(serial);
  }
  return out;
}
