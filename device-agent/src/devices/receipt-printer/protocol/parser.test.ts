import { describe, expect, it } from 'vitest';
import { SAMPLE_RECEIPT_BYTES } from './fixtures.ts';
import { type EscPosEvent, EscPosParser } from './parser.ts';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const SAMPLE = bytes(SAMPLE_RECEIPT_BYTES);

/** Events as comparable strings, with neighbouring text runs joined (a split may cut a run in two). */
function describe_(events: EscPosEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    const text = event.kind === 'text' ? `text:${Buffer.from(event.bytes).toString('hex')}` : null;
    const last = out.at(-1);
    if (text && last?.startsWith('text:')) out[out.length - 1] = last + text.slice(5);
    else if (text) out.push(text);
    else if (event.kind === 'command') out.push(`${event.name}:${Buffer.from(event.params).toString('hex')}`);
    else out.push(`unknown:${Buffer.from(event.bytes).toString('hex')}`);
  }
  return out;
}

const EXPECTED = [
  'initialize:',
  'chineseModeOn:',
  'align:01',
  'bold:01',
  'characterSize:11',
  'text:c9e7b1a3',
  'lineFeed:',
  'align:00',
  'bold:00',
  'characterSize:00',
  'text:4e6f2e31',
  'lineFeed:',
  'align:01',
  'bold:00',
  'characterSize:00',
  'qr:0400314132' + '00',
  'qr:0300314306',
  'qr:0300314531',
  'qr:130031503068747470733a2f2f782e636e2f762f31',
  'qr:0300315130',
  'lineFeed:',
  'align:00',
  'feedLines:04',
  'cut:00',
];

describe('EscPosParser', () => {
  it('reads the sample receipt command by command', () => {
    expect(describe_(new EscPosParser().push(SAMPLE))).toEqual(EXPECTED);
  });

  it('gives the same events whatever the split', () => {
    for (let cut = 1; cut < SAMPLE.length; cut++) {
      const parser = new EscPosParser();
      const events = [...parser.push(SAMPLE.subarray(0, cut)), ...parser.push(SAMPLE.subarray(cut))];
      expect(describe_(events)).toEqual(EXPECTED);
      expect(parser.pending).toBe(0);
    }
  });

  it('holds a command cut short until the rest comes', () => {
    const parser = new EscPosParser();
    expect(parser.push(bytes('1D286B1300315030'))).toEqual([]); // a QR store missing its 16 data bytes
    expect(parser.pending).toBe(8);
  });

  it('reads two commands in one chunk, and a status request among print data', () => {
    expect(describe_(new EscPosParser().push(bytes('1B40' + '100404' + '41' + '0A')))).toEqual([
      'initialize:',
      'realtimeStatus:04',
      'text:41',
      'lineFeed:',
    ]);
  });

  it('takes bytes inside a QR store as data, even a line feed or DLE EOT', () => {
    // GS ( k · pL pH 6 · cn fn m · 0A 10 04
    const events = new EscPosParser().push(bytes('1D286B0600315030' + '0A1004' + '0A'));
    expect(describe_(events)).toEqual(['qr:060031503' + '00a1004', 'lineFeed:']);
  });

  it('skips junk: an unknown ESC sequence and stray control bytes, then reads on', () => {
    // ESC z (unknown) · NUL · BEL · "A" · LF
    expect(describe_(new EscPosParser().push(bytes('1B7A' + '00' + '07' + '41' + '0A')))).toEqual([
      'unknown:1b7a',
      'unknown:00',
      'unknown:07',
      'text:41',
      'lineFeed:',
    ]);
  });

  it('reads the long form of GS V (feed then cut)', () => {
    expect(describe_(new EscPosParser().push(bytes('1D564103')))).toEqual(['cut:4103']);
  });
});
