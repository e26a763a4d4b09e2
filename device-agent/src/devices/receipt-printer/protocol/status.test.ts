import { describe, expect, it } from 'vitest';
import { STATUS_BYTES } from './fixtures.ts';
import { encodeStatus, isStatusByte, parseStatus, statusRequest } from './status.ts';

describe('real-time status', () => {
  it('asks with DLE EOT n', () => {
    expect(Array.from(statusRequest('printer'))).toEqual([0x10, 0x04, 0x01]);
    expect(Array.from(statusRequest('offlineCause'))).toEqual([0x10, 0x04, 0x02]);
    expect(Array.from(statusRequest('errorCause'))).toEqual([0x10, 0x04, 0x03]);
    expect(Array.from(statusRequest('paper'))).toEqual([0x10, 0x04, 0x04]);
  });

  it('reads the bytes of PROTOCOLS.md', () => {
    expect(parseStatus('printer', STATUS_BYTES.online)).toMatchObject({ offline: false });
    expect(parseStatus('printer', STATUS_BYTES.offline)).toMatchObject({ offline: true });
    expect(parseStatus('paper', STATUS_BYTES.paperOk)).toEqual({ nearEnd: false, out: false });
    expect(parseStatus('paper', STATUS_BYTES.paperNearEnd)).toEqual({ nearEnd: true, out: false });
    expect(parseStatus('paper', STATUS_BYTES.paperOut)).toEqual({ nearEnd: false, out: true });
    expect(parseStatus('paper', 0x7e)).toEqual({ nearEnd: true, out: true });
    expect(parseStatus('offlineCause', STATUS_BYTES.coverOpen)).toMatchObject({
      coverOpen: true,
      paperEndStop: false,
    });
    expect(parseStatus('offlineCause', STATUS_BYTES.paperEndStop)).toMatchObject({
      coverOpen: false,
      paperEndStop: true,
    });
  });

  it('a flag needs all of its bits: one near-end sensor alone is not near end', () => {
    expect(parseStatus('paper', 0x16)).toEqual({ nearEnd: false, out: false });
    expect(parseStatus('paper', 0x52)).toEqual({ nearEnd: false, out: false });
  });

  it.each([0x00, 0xff, 0x13, 0x92, 0x02, 0x10])(
    'refuses %i: the fixed bits are wrong (junk, not a status)',
    (byte) => {
      expect(isStatusByte(byte)).toBe(false);
      expect(parseStatus('printer', byte)).toBeNull();
    },
  );

  it('encodes what it parses (the simulator answers with these)', () => {
    expect(encodeStatus('printer', { offline: true })).toBe(STATUS_BYTES.offline);
    expect(encodeStatus('paper', { out: true })).toBe(STATUS_BYTES.paperOut);
    expect(encodeStatus('paper', { nearEnd: true })).toBe(STATUS_BYTES.paperNearEnd);
    expect(encodeStatus('offlineCause', { coverOpen: true })).toBe(STATUS_BYTES.coverOpen);
    expect(encodeStatus('printer', {})).toBe(STATUS_BYTES.online);
  });
});
