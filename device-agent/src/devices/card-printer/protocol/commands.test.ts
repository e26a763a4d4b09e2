import { describe, expect, it } from 'vitest';
import { fakePng } from '../testing.ts';
import {
  COMMANDS,
  type CommandName,
  commandByText,
  encodeCommand,
  encodePrintJob,
  expectOk,
  parseCount,
  parsePosition,
  parseRejectBoxFull,
  parseStatusWord,
  parseVolts,
  replyError,
} from './commands.ts';
import { CardPrinterError } from './errors.ts';
import { checkCardImage, pngSize } from './image.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('card printer command table', () => {
  // ESC (1b), the command text in ASCII, CR (0d): PROTOCOLS.md section 4.
  const expected: Record<CommandName, string> = {
    hostHandlesErrors: '1b' + '50656d3b32' + '0d', // "Pem;2"
    inputFromFeeder: '1b' + '5063696d3b46' + '0d', // "Pcim;F"
    keepAfterPrint: '1b' + '506e6561623b45' + '0d', // "Pneab;E"
    ejectAfterPrint: '1b' + '506e6561623b44' + '0d', // "Pneab;D"
    outputToSlot: '1b' + '5063656d3b4d' + '0d', // "Pcem;M"
    outputToReject: '1b' + '5063656d3b4e' + '0d', // "Pcem;N"
    toContact: '1b' + '536973' + '0d', // "Sis"
    toContactless: '1b' + '536963' + '0d', // "Sic"
    toPrint: '1b' + '5369' + '0d', // "Si"
    eject: '1b' + '5365' + '0d', // "Se"
    retract: '1b' + '536572' + '0d', // "Ser" (UNCONFIRMED)
    cardPosition: '1b' + '526c723b70' + '0d', // "Rlr;p"
    rejectBox: '1b' + '526c723b68' + '0d', // "Rlr;h"
    feeder: '1b' + '5273653b66' + '0d', // "Rse;f"
    feederNearEmpty: '1b' + '5273653b6e' + '0d', // "Rse;n"
    ribbonPanels: '1b' + '5272743b636f756e74' + '0d', // "Rrt;count"
    statusWord: '1b' + '5273743b77' + '0d', // "Rst;w" (UNCONFIRMED)
  };

  it.each(Object.keys(COMMANDS) as CommandName[])('%s encodes byte for byte', (name) => {
    expect(hex(encodeCommand(name))).toBe(expected[name]);
    expect(commandByText(COMMANDS[name].text)).toBe(name);
  });

  it('covers every command of the table in the expectations', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('frames a print job: ESC "Pdi;png;<length>" CR, then the bytes as they are', () => {
    const png = fakePng('\x1b\r');
    const bytes = encodePrintJob(png);
    const header = `1b${Buffer.from(`Pdi;png;${png.length}`).toString('hex')}0d`;
    expect(hex(bytes)).toBe(header + hex(png));
  });

  it('reads replies', () => {
    expect(() => expectOk('Sis', 'OK')).not.toThrow();
    expect(parseVolts('Rse;f', '5,00 Volts')).toBe(5);
    expect(parseVolts('Rse;f', '0,00 Volts')).toBe(0);
    expect(parsePosition('OK')).toBe('none');
    expect(parsePosition('CARD')).toBe('card');
    expect(parsePosition('SMART CARD')).toBe('contact');
    expect(parsePosition('CONTACTLESS CARD')).toBe('contactless');
    expect(parseRejectBoxFull('CARD')).toBe(true);
    expect(parseRejectBoxFull('OK')).toBe(false);
    expect(parseCount('Rrt;count', '187')).toBe(187);
    expect(parseStatusWord('OK')).toEqual({ coverOpen: false, jam: false, cardInSlot: false });
    expect(parseStatusWord('COVER OPEN,JAM')).toEqual({ coverOpen: true, jam: true, cardInSlot: false });
    expect(parseStatusWord('CARD IN SLOT')).toEqual({ coverOpen: false, jam: false, cardInSlot: true });
  });

  it('turns error replies into codes, and nonsense into protocolError', () => {
    expect(replyError('Sis', 'ERR FEEDER EMPTY')).toMatchObject({ code: 'feederEmpty' });
    expect(replyError('Sis', 'ERR JAM')).toMatchObject({ code: 'mediaJam', completion: 'hardwareError' });
    expect(replyError('Pdi', 'ERR RIBBON OUT')).toMatchObject({ code: 'ribbonOut' });
    expect(replyError('Se', 'ERR REJECT BOX FULL')).toMatchObject({ code: 'rejectBoxFull' });
    expect(replyError('Si', 'ERR COVER OPEN')).toMatchObject({ code: 'coverOpen' });
    expect(() => expectOk('Sis', 'ERR SOMETHING')).toThrow(CardPrinterError);
    expect(() => parseVolts('Rse;f', '5 V')).toThrow(/unexpected reply/);
    expect(() => parsePosition('MAYBE')).toThrow(/unexpected reply/);
    expect(() => parseCount('Rrt;count', '-1')).toThrow(/unexpected reply/);
    expect(() => parseStatusWord('JAM,FIRE')).toThrow(/unexpected reply/);
  });
});

describe('card image check', () => {
  it('accepts a 1016x648 PNG and reads its size from IHDR', () => {
    expect(pngSize(fakePng('x'))).toEqual({ width: 1016, height: 648 });
    expect(() => checkCardImage(fakePng('x'))).not.toThrow();
  });

  it('refuses other sizes and non-PNG bytes', () => {
    expect(() => checkCardImage(fakePng('x', 1016, 647))).toThrow(/1016x647, expected 1016x648/);
    expect(() => checkCardImage(new Uint8Array(100))).toThrow(/not a PNG/);
  });
});
