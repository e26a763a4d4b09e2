import { describe, expect, it } from 'vitest';
import { fakePng } from '../testing.ts';
import { encodeCommand, encodePrintJob } from './commands.ts';
import { CommandParser, ReplyParser } from './stream.ts';

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('CommandParser (device side)', () => {
  it('reads two commands in one chunk, junk before ESC ignored', () => {
    const parser = new CommandParser();
    const input = concat(ascii('zz\r'), encodeCommand('inputFromFeeder'), encodeCommand('toContact'));
    expect(parser.push(input)).toEqual([
      { type: 'command', text: 'Pcim;F' },
      { type: 'command', text: 'Sis' },
    ]);
  });

  it('reads a print job split into single bytes, payload holding ESC and CR', () => {
    const parser = new CommandParser();
    const png = fakePng('\x1bSe\r\x1b');
    const bytes = concat(encodePrintJob(png), encodeCommand('eject'));
    const out = bytes.reduce<unknown[]>((all, byte) => all.concat(parser.push(Uint8Array.of(byte))), []);
    expect(out).toEqual([
      { type: 'printJob', format: 'png', data: png },
      { type: 'command', text: 'Se' },
    ]);
  });

  it('reports a print job header it cannot read', () => {
    const parser = new CommandParser();
    expect(parser.push(ascii('\x1bPdi;png;abc\r'))).toEqual([{ type: 'badPrintJob', text: 'Pdi;png;abc' }]);
    expect(parser.push(ascii('\x1bPdi;png;0\r'))).toEqual([{ type: 'badPrintJob', text: 'Pdi;png;0' }]);
  });
});

describe('ReplyParser (host side)', () => {
  it('splits lines on CR across chunks and drops LF', () => {
    const parser = new ReplyParser();
    expect(parser.push(ascii('O'))).toEqual([]);
    expect(parser.push(ascii('K\r5,00 Vo'))).toEqual(['OK']);
    expect(parser.push(ascii('lts\r\nSMART CARD\r'))).toEqual(['5,00 Volts', 'SMART CARD']);
  });

  it('drops an overlong line', () => {
    const parser = new ReplyParser();
    expect(parser.push(ascii(`${'x'.repeat(300)}\rOK\r`))).toEqual(['OK']);
  });
});
