import { describe, expect, it } from 'vitest';
import { describeStatusCode, judgeReasons, parseReason } from './operations.ts';

describe('status codes', () => {
  it.each([
    [0x0000, 'success', null],
    [0x0001, 'success', null],
    [0x040a, 'invalidData', 'documentRejected'],
    [0x0506, 'deviceNotReady', 'notAcceptingJobs'],
    [0x0507, 'deviceNotReady', 'offline'],
    [0x0500, 'hardwareError', 'protocolError'],
    [0x04ff, 'hardwareError', 'protocolError'],
    [0x0600, 'hardwareError', 'protocolError'],
  ])('0x%s maps to %s / %s', (code, completion, errorCode) => {
    expect(describeStatusCode(code)).toMatchObject({ completion, errorCode });
  });
});

describe('printer-state-reasons', () => {
  it('splits the severity suffix; no suffix means error', () => {
    expect(parseReason('media-empty-error')).toEqual({ reason: 'media-empty', severity: 'error' });
    expect(parseReason('toner-low-warning')).toEqual({ reason: 'toner-low', severity: 'warning' });
    expect(parseReason('media-low-report')).toEqual({ reason: 'media-low', severity: 'report' });
    expect(parseReason('media-jam')).toEqual({ reason: 'media-jam', severity: 'error' });
    expect(parseReason('offline-report')).toEqual({ reason: 'offline-report', severity: 'error' });
    expect(parseReason('none')).toBeNull();
  });

  it('paper out stops printing with userError / mediaEmpty', () => {
    expect(judgeReasons(['media-empty-error'])).toMatchObject({
      blocking: { errorCode: 'mediaEmpty', completion: 'userError' },
      media: 'out',
    });
    expect(judgeReasons(['media-needed']).blocking?.errorCode).toBe('mediaEmpty');
  });

  it('a warning or a report does not stop printing', () => {
    expect(judgeReasons(['media-empty-warning'])).toEqual({
      blocking: null,
      media: 'low',
      toner: 'ok',
      warnings: ['media-empty'],
    });
    expect(judgeReasons(['toner-low'])).toEqual({
      blocking: null,
      media: 'ok',
      toner: 'low',
      warnings: ['toner-low'],
    });
    expect(judgeReasons(['media-low-report'])).toEqual({
      blocking: null,
      media: 'ok',
      toner: 'ok',
      warnings: [],
    });
  });

  it.each([
    ['media-jam-error', 'mediaJam', 'hardwareError'],
    ['toner-empty-error', 'tonerEmpty', 'deviceNotReady'],
    ['marker-supply-empty-error', 'tonerEmpty', 'deviceNotReady'],
    ['cover-open-error', 'coverOpen', 'deviceNotReady'],
    ['door-open', 'coverOpen', 'deviceNotReady'],
    ['paused', 'offline', 'deviceNotReady'],
  ])('%s blocks with %s / %s', (reason, errorCode, completion) => {
    expect(judgeReasons([reason]).blocking).toMatchObject({ errorCode, completion });
  });

  it('an unknown reason is a warning, not a refusal', () => {
    expect(judgeReasons(['com.example-fuser-hot-error'])).toMatchObject({
      blocking: null,
      warnings: ['com.example-fuser-hot'],
    });
  });
});
