import { describe, expect, it } from 'vitest';
import * as apdu from './apdu.ts';
import { encodeFrame, type Frame, FrameParser } from './frame.ts';

const hex = (b: Buffer) => b.toString('hex').toUpperCase();

describe('chip encoder APDUs, byte for byte', () => {
  it('PROTOCOLS.md section 3 commands', () => {
    expect(hex(apdu.selectAid())).toBe('00A404000F7378312E73682EC9E7BBE1B1A3D5CF');
    expect(hex(apdu.selectFile('EF05'))).toBe('00A4000002EF05');
    expect(hex(apdu.selectFile('EF06'))).toBe('00A4000002EF06');
    expect(hex(apdu.readRecord(7))).toBe('00B2070400');
    expect(hex(apdu.verifyPin('123456'))).toBe('0020000003123456');
  });

  it('our write and PIN management commands (UNCONFIRMED)', () => {
    expect(hex(apdu.getChallenge())).toBe('0084000008');
    expect(hex(apdu.externalAuthenticate(Buffer.alloc(16, 0xab)))).toBe(`0082000110${'AB'.repeat(16)}`);
    expect(hex(apdu.updateRecord(7, Buffer.from('0709413132333435363738', 'hex')))).toBe(
      '00DC07040B0709413132333435363738',
    );
    expect(hex(apdu.changePin('123456', '654321'))).toBe('805E010007123456FF654321');
    expect(hex(apdu.setPin('246810'))).toBe('805E000003246810');
    expect(hex(apdu.getSerial())).toBe('80CA000100');
    expect(() => apdu.readRecord(0)).toThrow(RangeError);
    expect(() => apdu.externalAuthenticate(Buffer.alloc(8))).toThrow(RangeError);
  });

  it('responses and status words', () => {
    expect(apdu.parseResponse(Buffer.from('41429000', 'hex'))).toEqual({
      data: Buffer.from('AB'),
      sw: 0x9000,
    });
    expect(apdu.wrongPinSw(2)).toBe(0x63c2);
    expect(apdu.swHex(0x6982)).toBe('6982');
    expect(() => apdu.parseResponse(Buffer.from('90', 'hex'))).toThrow(RangeError);
  });
});

describe('reader framing', () => {
  it('encodes STX LEN TYPE DATA BCC ETX', () => {
    // LEN 0001, TYPE 12, BCC = 00^01^12 = 13
    expect(hex(encodeFrame(0x12))).toBe('020001121303');
    expect(hex(encodeFrame(0x20, Buffer.from('0084000008', 'hex')))).toBe('020006200084000008AA03');
  });

  it('parses frames split anywhere, skips junk and bad checksums', () => {
    const frames: Frame[] = [];
    const garbage: string[] = [];
    const parser = new FrameParser(
      (f) => frames.push(f),
      (r) => garbage.push(r),
    );
    const one = encodeFrame(0x80, Buffer.from('9000', 'hex'));
    const bad = Buffer.from(encodeFrame(0x80, Buffer.from('01', 'hex')));
    bad[bad.length - 2] = (bad[bad.length - 2] ?? 0) ^ 0xff;
    const all = Buffer.concat([Buffer.from([0xff, 0xee]), one, bad, one]);
    for (const byte of all) parser.push(Buffer.from([byte]));
    expect(frames).toEqual([
      { type: 0x80, data: Buffer.from('9000', 'hex') },
      { type: 0x80, data: Buffer.from('9000', 'hex') },
    ]);
    expect(garbage.length).toBeGreaterThan(0);
  });
});
