import { describe, expect, it } from 'vitest';
import { SAMPLE_RECEIPT_BYTES, SAMPLE_RECEIPT_TEXT } from './fixtures.ts';
import { EscPosParser } from './parser.ts';
import { buildReceipt } from './receipt.ts';
import { type PrintedReceipt, ReceiptRenderer } from './render.ts';

function render(bytes: Uint8Array): PrintedReceipt[] {
  const renderer = new ReceiptRenderer();
  return new EscPosParser().push(bytes).flatMap((event) => {
    const receipt = renderer.consume(event);
    return receipt ? [receipt] : [];
  });
}

describe('ReceiptRenderer', () => {
  it('renders the sample as a person would read it', () => {
    const [receipt] = render(new Uint8Array(Buffer.from(SAMPLE_RECEIPT_BYTES, 'hex')));
    expect(receipt?.text).toBe(SAMPLE_RECEIPT_TEXT);
    expect(receipt?.lines[0]).toEqual({ text: '社保', bold: true, size: 'double', align: 'center' });
    expect(receipt?.lines[1]).toEqual({ text: 'No.1', bold: false, size: 'normal', align: 'left' });
    expect(receipt?.qrCodes).toEqual([
      { model: 2, moduleSize: 6, errorCorrection: 'M', data: 'https://x.cn/v/1' },
    ]);
    expect(receipt?.cut).toBe('full');
  });

  it('without FS & a GB18030 line comes out as question marks (the builder must send it)', () => {
    const bytes = buildReceipt({ lines: [{ text: '社保A' }] });
    const withoutChineseMode = bytes.filter((_, i) => !(i === 2 || i === 3)); // drop 1C 26
    expect(render(withoutChineseMode)[0]?.lines[0]?.text).toBe('????A');
  });

  it('one receipt per cut; right alignment pads to the paper width', () => {
    const bytes = new Uint8Array([
      ...buildReceipt({ lines: [{ text: '合计 ¥12.00', align: 'right' }], feedLines: 0 }),
      ...buildReceipt({ lines: [{ text: 'two' }], feedLines: 0 }),
    ]);
    const receipts = render(bytes);
    expect(receipts.map((r) => r.lines.map((l) => l.text))).toEqual([['合计 ¥12.00'], ['two']]);
    // 合计 are 4 columns, " ¥12.00" 7: 21 spaces before on 32 columns.
    expect(receipts[0]?.text.split('\n')[0]).toBe(`${' '.repeat(21)}合计 ¥12.00`);
  });

  it('a QR print with nothing stored prints nothing', () => {
    const bytes = new Uint8Array(Buffer.from('1D286B03003151300A1D5600', 'hex'));
    expect(render(bytes)[0]?.qrCodes).toEqual([]);
  });
});
