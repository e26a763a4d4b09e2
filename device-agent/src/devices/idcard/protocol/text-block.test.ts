import { type IdCardIdentity, idCheckCharacter, isValidIdNumber } from '@sik/contract';
import { describe, expect, it } from 'vitest';
import { SAMPLE_CARDS } from '../sample-cards.ts';
import { IdCardError } from './errors.ts';
import { toHex } from './frame.ts';
import { cardTypeOf, decodeTextBlock, encodeTextBlock, TEXT_BLOCK_BYTES } from './text-block.ts';

/**
 * Builds a text block by hand from (offset, text) pairs, independently of the implementation's layout table:
 * the offsets below are copied from PROTOCOLS.md, so a wrong table entry fails here.
 */
function block(fields: ReadonlyArray<readonly [offset: number, text: string]>, flag: string): Uint8Array {
  const bytes = new Uint8Array(TEXT_BLOCK_BYTES);
  for (let i = 0; i < TEXT_BLOCK_BYTES; i += 2) bytes[i] = 0x20; // UTF-16LE space padding
  for (const [offset, text] of fields) bytes.set(Buffer.from(text, 'utf16le'), offset);
  bytes.set(Buffer.from(flag, 'utf16le'), 248);
  return bytes;
}

const hkId = `81000019900101003${idCheckCharacter('81000019900101003')}`;
const fp2023Id = `91182619850315023${idCheckCharacter('91182619850315023')}`;

describe('decodeTextBlock', () => {
  it('decodes a resident card, "长期" included', () => {
    const bytes = block(
      [
        [0, '张三'], // name, 30 bytes
        [30, '2'], // sex code: female
        [32, '01'], // nation code: 汉
        [36, '19491231'], // birth
        [52, '北京市东城区示例胡同1号'], // address, 70 bytes
        [122, '11010519491231002X'], // ID number, 36 bytes
        [158, '北京市公安局东城分局'], // issuing authority, 30 bytes
        [188, '20100115'], // valid from
        [204, '长期'], // valid to: long term
      ],
      ' ', // 248: space = resident
    );
    expect(decodeTextBlock(bytes)).toEqual(SAMPLE_CARDS.resident);
  });

  it('decodes a resident card with a dated expiry and a minority nation', () => {
    const bytes = block(
      [
        [0, '李四'],
        [30, '1'], // male
        [32, '03'], // 回
        [36, '19990110'],
        [52, '广东省深圳市福田区示例路88号示例大厦12层1205室'],
        [122, '440308199901101512'],
        [158, '深圳市公安局福田分局'],
        [188, '20190301'],
        [204, '20290301'],
      ],
      ' ',
    );
    expect(decodeTextBlock(bytes)).toEqual(SAMPLE_CARDS.residentDated);
  });

  it('decodes a Hong Kong/Macao/Taiwan residence permit (flag J)', () => {
    expect(isValidIdNumber(hkId)).toBe(true);
    const bytes = block(
      [
        [0, '陈大文'], // name
        [30, '1'], // sex
        // 32/4 blank
        [36, '19900101'], // birth
        [52, '广东省深圳市南山区示例街道3号'], // address
        [122, hkId], // ID number, region 810000
        [158, '深圳市公安局'], // authority
        [188, '20200601'], // valid from
        [204, '20250601'], // valid to
        [220, 'H12345678'], // pass number, 18 bytes
        [238, '01'], // issue count, 4 bytes
      ],
      'J',
    );
    expect(decodeTextBlock(bytes)).toEqual(SAMPLE_CARDS.hkMacaoTaiwan);
  });

  it('decodes a 2017 foreign permanent residence card (flag I)', () => {
    const bytes = block(
      [
        [0, 'SMITH, JOHN'], // English name, 120 bytes
        [120, '1'], // sex
        [122, 'USA110080010101'], // permit number, 30 bytes
        [152, 'USA'], // nationality code, 6 bytes
        [158, '约翰'], // Chinese name, 30 bytes
        [188, '20170501'], // valid from
        [204, '20270501'], // valid to
        [220, '19800101'], // birth
        [236, '10'], // card version, 4 bytes
        [240, '1500'], // authority code, 8 bytes
      ],
      'I',
    );
    expect(decodeTextBlock(bytes)).toEqual(SAMPLE_CARDS.foreignPermanent2017);
  });

  it('decodes a 2023 foreign permanent residence card (flag Y) with its English name in two parts', () => {
    const english = 'JOHNSON, MARY ELIZABETH ALEXANDRA KATE';
    const bytes = block(
      [
        [0, '玛丽'], // Chinese name
        [30, '2'], // sex
        [32, '00'], // renewal count
        [36, '19850315'], // birth
        [52, english.slice(0, 35)], // English name, first 35 characters
        [122, fp2023Id], // ID number
        [188, '20231201'], // valid from
        [204, '20331201'], // valid to
        [220, english.slice(35)], // English name continued, 22 bytes
        [242, 'GBR'], // nationality, 6 bytes
      ],
      'Y',
    );
    expect(decodeTextBlock(bytes)).toEqual(SAMPLE_CARDS.foreignPermanent2023);
  });

  it('uses the English name as the name when a foreign card has no Chinese name', () => {
    const identity = decodeTextBlock(
      block(
        [
          [0, 'DOE, JANE'],
          [120, '2'],
          [122, 'CAN110085020202'],
          [152, 'CAN'],
          [188, '20170501'],
          [204, '20270501'],
          [220, '19850202'],
          [236, '10'],
          [240, '1500'],
        ],
        'I',
      ),
    );
    expect(identity).toMatchObject({ name: 'DOE, JANE', chineseName: '', englishName: 'DOE, JANE' });
  });

  it.each([
    ['0', 'unknown'],
    ['1', 'male'],
    ['2', 'female'],
    ['9', 'unspecified'],
  ])('maps sex code %s to %s', (code, sex) => {
    const bytes = encodeTextBlock(SAMPLE_CARDS.residentDated);
    bytes.set(Buffer.from(code, 'utf16le'), 30);
    expect(decodeTextBlock(bytes)).toMatchObject({ sex, sexCode: code });
  });

  it('trims NUL padding as well as spaces', () => {
    const bytes = encodeTextBlock(SAMPLE_CARDS.residentDated);
    bytes.fill(0, 4, 30); // after the two characters of the name
    expect(decodeTextBlock(bytes).name).toBe('李四');
  });

  it('refuses an unknown card type flag with unknownCardType', () => {
    const bytes = block([[0, '张三']], 'X');
    expect(() => cardTypeOf(bytes)).toThrow(IdCardError);
    try {
      decodeTextBlock(bytes);
    } catch (error) {
      expect(error).toMatchObject({
        name: 'IdCardError',
        code: 'unknownCardType',
        completion: 'invalidData',
      });
      expect((error as Error).message).toContain('58 00');
    }
  });

  it.each([
    ['a date that is not YYYYMMDD', 36, '1949-12-'],
    ['an unknown sex code', 30, '5'],
    ['an unknown nation code', 32, '77'],
  ])('refuses %s with a clear message and no personal data', (_what, offset, text) => {
    const bytes = encodeTextBlock(SAMPLE_CARDS.resident);
    bytes.set(Buffer.from(text, 'utf16le'), offset);
    let caught: unknown;
    try {
      decodeTextBlock(bytes);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'cardUnreadable', completion: 'invalidData' });
    const message = (caught as Error).message;
    expect(message).toMatch(/^text block: /);
    expect(message).not.toContain('张三');
    expect(message).not.toContain('110105');
  });

  it('refuses a block that fails the contract schema (empty name)', () => {
    const bytes = encodeTextBlock(SAMPLE_CARDS.resident);
    bytes.fill(0x20, 0, 30);
    for (let i = 1; i < 30; i += 2) bytes[i] = 0;
    expect(() => decodeTextBlock(bytes)).toThrow(/text block: name/);
  });

  it('refuses a block of the wrong size', () => {
    expect(() => decodeTextBlock(new Uint8Array(255))).toThrow(/expected 256 bytes/);
  });
});

describe('encodeTextBlock', () => {
  it.each(Object.entries(SAMPLE_CARDS))('round-trips the %s sample', (_name, identity) => {
    expect(decodeTextBlock(encodeTextBlock(identity))).toEqual(identity);
  });

  it('writes UTF-16LE with space padding and the flag at byte 248', () => {
    const bytes = encodeTextBlock(SAMPLE_CARDS.resident);
    expect(toHex(bytes.subarray(0, 8))).toBe('205F094E20002000'); // 张 三 then spaces
    expect(toHex(bytes.subarray(204, 210))).toBe('7F951F672000'); // 长 期 then a space
    expect(toHex(bytes.subarray(248, 250))).toBe('2000'); // resident flag
    expect(toHex(encodeTextBlock(SAMPLE_CARDS.hkMacaoTaiwan).subarray(248, 250))).toBe('4A00'); // J
    expect(toHex(encodeTextBlock(SAMPLE_CARDS.foreignPermanent2017).subarray(248, 250))).toBe('4900'); // I
    expect(toHex(encodeTextBlock(SAMPLE_CARDS.foreignPermanent2023).subarray(248, 250))).toBe('5900'); // Y
  });

  it('refuses a field that does not fit its slot', () => {
    const identity: IdCardIdentity = { ...SAMPLE_CARDS.resident, name: '张'.repeat(16) };
    expect(() => encodeTextBlock(identity)).toThrow(/name needs 32 bytes, the card has 30/);
  });

  it('refuses an identity that contradicts itself', () => {
    expect(() => encodeTextBlock({ ...SAMPLE_CARDS.resident, sex: 'male' })).toThrow(/sexCode/);
    expect(() => encodeTextBlock({ ...SAMPLE_CARDS.resident, nation: '回' })).toThrow(/nationCode/);
    expect(() => encodeTextBlock({ ...SAMPLE_CARDS.foreignPermanent2023, name: 'MARY' })).toThrow(
      /Chinese name/,
    );
  });
});
