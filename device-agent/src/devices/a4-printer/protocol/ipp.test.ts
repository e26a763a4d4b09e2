import { describe, expect, it } from 'vitest';
import {
  GET_PRINTER_ATTRIBUTES_REQUEST,
  PRINT_JOB_REQUEST,
  PRINTER_ATTRIBUTES_RESPONSE,
  TARGET,
} from './fixtures.ts';
import {
  attr,
  decodeMessage,
  encodeMessage,
  findAttribute,
  GROUP_TAGS,
  IppDecodeError,
  type IppMessage,
  VALUE_TAGS,
} from './ipp.ts';
import { getPrinterAttributes, printJob, readPrinterDescription } from './requests.ts';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const hexOf = (data: Uint8Array) => Buffer.from(data).toString('hex').toUpperCase();

describe('IPP encoding (RFC 8010)', () => {
  it('writes Get-Printer-Attributes byte for byte', () => {
    expect(hexOf(encodeMessage(getPrinterAttributes(1, TARGET)))).toBe(GET_PRINTER_ATTRIBUTES_REQUEST);
  });

  it('writes Print-Job byte for byte, the document after end-of-attributes', () => {
    const pdf = new Uint8Array(Buffer.from('%PDF-1.4\n'));
    expect(hexOf(encodeMessage(printJob(2, TARGET, { jobName: 'receipt', copies: 2 }, pdf)))).toBe(
      PRINT_JOB_REQUEST,
    );
  });

  it('leaves copies out when it is 1 (a printer without copies support would refuse it)', () => {
    const message = printJob(3, TARGET, { jobName: 'x', copies: 1 }, new Uint8Array(0));
    expect(message.groups.map((g) => g.tag)).toEqual([GROUP_TAGS.operation]);
  });

  it('round-trips every value type, collections and multi-valued attributes included', () => {
    const message: IppMessage = {
      version: { major: 2, minor: 0 },
      code: 0x0001,
      requestId: 0x7fffffff,
      groups: [
        {
          tag: GROUP_TAGS.printer,
          attributes: [
            attr.integer('negative', -5),
            attr.boolean('flag', false),
            attr.keywords('many', ['a', 'b', 'c']),
            attr.text('chinese', '打印机就绪'),
            { name: 'range', values: [{ tag: VALUE_TAGS.rangeOfInteger, value: { lower: 1, upper: 99 } }] },
            {
              name: 'with-language',
              values: [{ tag: VALUE_TAGS.textWithLanguage, value: { language: 'zh-cn', text: '缺纸' } }],
            },
            { name: 'octets', values: [{ tag: VALUE_TAGS.octetString, value: Uint8Array.of(0, 1, 2) }] },
            { name: 'none', values: [{ tag: VALUE_TAGS.noValue, value: null }] },
            {
              name: 'media-col',
              values: [
                {
                  tag: VALUE_TAGS.begCollection,
                  value: [
                    { name: 'media-type', values: [{ tag: VALUE_TAGS.keyword, value: 'stationery' }] },
                    {
                      name: 'media-size',
                      values: [
                        { tag: VALUE_TAGS.begCollection, value: [attr.integer('x-dimension', 21000)] },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
      data: Uint8Array.of(0x25, 0x50),
    };
    const decoded = decodeMessage(encodeMessage(message));
    // Collection members are decoded with their values; attr.integer gives the member its own name.
    expect(decoded).toEqual(message);
  });
});

describe('IPP decoding', () => {
  it('reads a printer answer field by field, skipping over a nested collection', () => {
    const answer = decodeMessage(bytes(PRINTER_ATTRIBUTES_RESPONSE));
    expect(answer).toMatchObject({ version: { major: 1, minor: 1 }, code: 0, requestId: 1 });
    expect(answer.groups.map((g) => g.tag)).toEqual([GROUP_TAGS.operation, GROUP_TAGS.printer]);
    expect(readPrinterDescription(answer)).toEqual({
      state: 'stopped',
      reasons: ['media-empty-error', 'paused'],
      message: 'no paper',
      acceptingJobs: true,
    });
    const mediaCol = findAttribute(answer, GROUP_TAGS.printer, 'media-col');
    expect(mediaCol?.values[0]?.value).toEqual([
      {
        name: 'media-size',
        values: [
          {
            tag: VALUE_TAGS.begCollection,
            value: [
              { name: 'x-dimension', values: [{ tag: VALUE_TAGS.integer, value: 21000 }] },
              { name: 'y-dimension', values: [{ tag: VALUE_TAGS.integer, value: 29700 }] },
            ],
          },
        ],
      },
    ]);
    expect(findAttribute(answer, GROUP_TAGS.printer, 'copies-supported')?.values[0]?.value).toEqual({
      lower: 1,
      upper: 999,
    });
  });

  it('keeps the document that follows end-of-attributes', () => {
    expect(Buffer.from(decodeMessage(bytes(PRINT_JOB_REQUEST)).data).toString()).toBe('%PDF-1.4\n');
  });

  it.each([
    ['cut inside the header', '010100'],
    ['cut inside a name', GET_PRINTER_ATTRIBUTES_REQUEST.slice(0, 40)],
    ['without end-of-attributes', GET_PRINTER_ATTRIBUTES_REQUEST.slice(0, -2)],
    ['a value before any group', '0101000B00000001' + '4700017800017803'],
    ['an additional value before any attribute', '0101000B00000001' + '01' + '470000000178' + '03'],
    ['an integer of 2 bytes', '0101000B00000001' + '01' + '2100016900020001' + '03'],
  ])('refuses a message %s with IppDecodeError', (_what, hex) => {
    expect(() => decodeMessage(bytes(hex))).toThrow(IppDecodeError);
  });

  it('refuses to encode a value of the wrong type, or a field too long for its 16-bit length', () => {
    expect(() =>
      encodeMessage({
        ...getPrinterAttributes(1, TARGET),
        groups: [{ tag: 1, attributes: [{ name: 'x', values: [{ tag: VALUE_TAGS.integer, value: 'no' }] }] }],
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeMessage({
        ...getPrinterAttributes(1, TARGET),
        groups: [{ tag: 1, attributes: [attr.text('x', 'y'.repeat(0x8000))] }],
      }),
    ).toThrow(/too long/);
  });
});
