import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { SAMPLE_RECEIPT, SAMPLE_RECEIPT_BYTES } from './fixtures.ts';
import { buildReceipt, checkReceipt, encodeText, LIMITS, type Receipt } from './receipt.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

describe('buildReceipt', () => {
  it('writes the sample receipt byte for byte', () => {
    expect(hex(buildReceipt(SAMPLE_RECEIPT))).toBe(SAMPLE_RECEIPT_BYTES);
  });

  it('encodes text in GB18030, four-byte sequences included', () => {
    expect(hex(encodeText('社会保障卡'))).toBe('C9E7BBE1B1A3D5CFBFA8');
    expect(hex(encodeText('€'))).toBe('A2E3');
    expect(hex(encodeText('¥'))).toBe('81308436'); // four bytes: not in GBK
    expect(iconv.decode(Buffer.from(encodeText('𠀀')), 'gb18030')).toBe('𠀀');
  });

  it('leaves the cut off when asked, and feeds as asked', () => {
    const bytes = hex(buildReceipt({ lines: [{ text: 'x' }], cut: false, feedLines: 0 }));
    expect(bytes.endsWith('1B6100' + '1B6400')).toBe(true);
    expect(bytes).not.toContain('1D5600');
  });

  it.each<[string, Receipt, RegExp]>([
    ['no lines and no QR', { lines: [] }, /needs a line or a QR/],
    [
      'too many lines',
      { lines: Array.from({ length: LIMITS.lines + 1 }, () => ({ text: 'x' })) },
      /at most 200/,
    ],
    [
      'a control character (it would reach the printer as a command)',
      { lines: [{ text: '张三\u001dV0' }] },
      /control characters/,
    ],
    ['a line feed inside a line', { lines: [{ text: 'a\nb' }] }, /control characters/],
    ['an overlong line', { lines: [{ text: 'x'.repeat(LIMITS.lineChars + 1) }] }, /at most 256/],
    ['a lone surrogate', { lines: [{ text: '\ud800' }] }, /well-formed/],
    ['an unknown size', { lines: [{ text: 'x', size: 'huge' as never }] }, /size/],
    ['an unknown alignment', { lines: [{ text: 'x', align: 'justify' as never }] }, /align/],
    ['empty QR data', { lines: [], qr: { data: '' } }, /qr.data/],
    [
      'QR data over the limit',
      { lines: [], qr: { data: 'x'.repeat(LIMITS.qrBytes + 1) } },
      /qr.data: at most/,
    ],
    ['a QR module size of 17', { lines: [], qr: { data: 'x', moduleSize: 17 } }, /moduleSize/],
    [
      'a QR error correction of X',
      { lines: [], qr: { data: 'x', errorCorrection: 'X' as never } },
      /errorCorrection/,
    ],
    ['a feed of 17 lines', { lines: [{ text: 'x' }], feedLines: 17 }, /feedLines/],
  ])('refuses %s, naming the field and not its content', (_what, receipt, message) => {
    const problem = checkReceipt(receipt);
    expect(problem).toMatch(message);
    expect(problem).not.toContain('张三');
    expect(() => buildReceipt(receipt)).toThrow(
      expect.objectContaining({ name: 'ReceiptPrinterError', completion: 'invalidData' }),
    );
  });
});
