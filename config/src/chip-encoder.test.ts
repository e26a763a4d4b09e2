import { describe, expect, it } from 'vitest';
import { defaultCardsConfig } from './cards.ts';
import { ChipEncoderDeviceConfig } from './chip-encoder.ts';
import { AgentConfig } from './index.ts';

describe('ChipEncoderDeviceConfig', () => {
  it('defaults the simulator to the server card-management issuer master key', () => {
    expect(ChipEncoderDeviceConfig.parse({ driver: 'simulator' })).toEqual({
      driver: 'simulator',
      masterKeyHex: defaultCardsConfig().issuerMasterKeyHex,
    });
  });

  it('takes a serial line with the control URL of the card unit simulator', () => {
    expect(
      ChipEncoderDeviceConfig.parse({
        driver: 'serial',
        path: '/dev/pts/7',
        simulatorControlUrl: 'http://127.0.0.1:7316/chip',
      }),
    ).toEqual({
      driver: 'serial',
      path: '/dev/pts/7',
      baudRate: 115200,
      simulatorControlUrl: 'http://127.0.0.1:7316/chip',
    });
    expect(() => ChipEncoderDeviceConfig.parse({ driver: 'simulator', masterKeyHex: 'abc' })).toThrow();
  });

  it('the agent default is the linked simulated card unit with realistic printer timings', () => {
    const config = AgentConfig.parse({});
    expect(config.devices.cardPrinter).toEqual({ driver: 'simulator', timing: 'realistic' });
    expect(config.devices.chipEncoder).toMatchObject({ driver: 'simulator' });
  });
});
