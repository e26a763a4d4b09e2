import { describe, expect, it } from 'vitest';
import { CardPrinterDeviceConfig } from './card-printer.ts';

describe('CardPrinterDeviceConfig', () => {
  it('defaults the simulator to realistic timings and 20 blanks', () => {
    expect(CardPrinterDeviceConfig.parse({ driver: 'simulator' })).toEqual({
      driver: 'simulator',
      timing: 'realistic',
      blanks: { count: 20, firstSerial: 1 },
    });
  });

  it('takes timings in ms, and a serial line with its default baud rate', () => {
    expect(CardPrinterDeviceConfig.parse({ driver: 'simulator', timing: { printMs: 500 } })).toMatchObject({
      timing: { printMs: 500 },
    });
    expect(CardPrinterDeviceConfig.parse({ driver: 'serial', path: '/dev/ttyUSB1' })).toEqual({
      driver: 'serial',
      path: '/dev/ttyUSB1',
      baudRate: 115200,
    });
  });

  it('refuses what makes no sense', () => {
    expect(() => CardPrinterDeviceConfig.parse({ driver: 'simulator', timing: 'slow' })).toThrow();
    expect(() => CardPrinterDeviceConfig.parse({ driver: 'simulator', timing: { printMs: -1 } })).toThrow();
    expect(() => CardPrinterDeviceConfig.parse({ driver: 'serial', path: '' })).toThrow();
  });
});
