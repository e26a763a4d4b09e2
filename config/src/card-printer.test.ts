import { describe, expect, it } from 'vitest';
import { CardPrinterDeviceConfig } from './card-printer.ts';

describe('CardPrinterDeviceConfig', () => {
  it('defaults the simulator to realistic timings and the demo blanks (left to the agent)', () => {
    expect(CardPrinterDeviceConfig.parse({ driver: 'simulator' })).toEqual({
      driver: 'simulator',
      timing: 'realistic',
    });
    expect(
      CardPrinterDeviceConfig.parse({
        driver: 'simulator',
        blanks: { firstSerial: '5AC0000000000101', count: 3 },
      }),
    ).toMatchObject({ blanks: { firstSerial: '5AC0000000000101', count: 3 } });
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
    expect(() =>
      CardPrinterDeviceConfig.parse({
        driver: 'simulator',
        blanks: { firstSerial: 'SSC0000000001', count: 3 },
      }),
    ).toThrow();
    expect(() =>
      CardPrinterDeviceConfig.parse({
        driver: 'simulator',
        blanks: { firstSerial: '5ac0000000000001', count: 3 },
      }),
    ).toThrow();
  });
});
