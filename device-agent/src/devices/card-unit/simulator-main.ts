/**
 * The linked card unit simulator (card printer + the chip encoder at its contact station) as ONE process on two
 * serial lines, for end-to-end and crash tests on pseudo-terminals. It outlives the agent: kill the agent
 * (even SIGKILL), start it again, and the cards are where they were, chips and all.
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/printer-sim pty,raw,echo=0,link=/tmp/printer-host
 *   socat -d -d pty,raw,echo=0,link=/tmp/chip-sim pty,raw,echo=0,link=/tmp/chip-host
 *   tsx device-agent/src/devices/card-unit/simulator-main.ts --port /tmp/printer-sim --chip-port /tmp/chip-sim \
 *     [--baud 115200] [--control 127.0.0.1:0] [--timing instant|realistic] [--master-key <32 hex>] \
 *     [--blanks 50] [--first-serial 5AC0000000000001]
 *
 * Prints one JSON line {"ready":true,"port":...,"chipPort":...,"controlUrl":...} on stdout. The control channel
 * (card-unit.ts cardUnitControlRoutes) serves the printer's routes at / and the chip encoder's under /chip.
 * --master-key defaults to the server's card-management issuer master key default (config/src/cards.ts).
 */
import { defaultCardsConfig } from '@sik/config';
import { DEMO_BLANKS } from '@sik/seeds';
import { createLogger } from '../../log.ts';
import { startControlServer } from '../../transport/control-http.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { runSerialSimulatorMain } from '../../transport/serial-simulator-main.ts';
import {
  blankSerials,
  CardPrinterSimulator,
  INSTANT_TIMING,
  REALISTIC_TIMING,
} from '../card-printer/simulator.ts';
import { inProcessControl as printerControl } from '../card-printer/simulator-control.ts';
import { ChipEncoderSimulator } from '../chip-encoder/simulator.ts';
import { inProcessControl as chipControl } from '../chip-encoder/simulator-control.ts';
import { cardUnitControlRoutes, linkCardUnit } from './card-unit.ts';

await runSerialSimulatorMain({
  name: 'card unit simulator',
  usage:
    'usage: simulator-main.ts --port <printer path> --chip-port <chip path> [--baud 115200] [--control 127.0.0.1:<port>] [--timing instant|realistic] [--master-key <32 hex>] [--blanks 50] [--first-serial <hex>]',
  defaultBaud: 115200,
  options: {
    'chip-port': { type: 'string' },
    'chip-baud': { type: 'string' },
    timing: { type: 'string', default: 'instant' },
    'master-key': { type: 'string', default: defaultCardsConfig().issuerMasterKeyHex },
    blanks: { type: 'string', default: String(DEMO_BLANKS.count) },
    'first-serial': { type: 'string', default: DEMO_BLANKS.firstSerial },
  },
  async start({ port, baudRate, values, usageError }) {
    const chipPort = values['chip-port'];
    if (typeof chipPort !== 'string' || !chipPort) return usageError('--chip-port is required');
    const chipBaud = Number(values['chip-baud'] ?? baudRate);
    if (!Number.isInteger(chipBaud) || chipBaud <= 0) usageError('--chip-baud must be a positive integer');
    if (values.timing !== 'realistic' && values.timing !== 'instant')
      usageError('--timing must be realistic or instant');
    const masterKey = String(values['master-key'] ?? '');
    if (!/^[0-9a-fA-F]{32}$/.test(masterKey)) usageError('--master-key must be 32 hex digits');
    const count = Number(values.blanks);
    const firstSerial = String(values['first-serial'] ?? '');
    if (!Number.isInteger(count) || count < 0) usageError('--blanks must be a whole number');
    if (!/^[0-9A-F]{8,32}$/.test(firstSerial))
      usageError('--first-serial must be 8 to 32 upper-case hex digits');

    const printer = new CardPrinterSimulator(new SerialTransport({ path: port, baudRate }), {
      timing: values.timing === 'realistic' ? REALISTIC_TIMING : INSTANT_TIMING,
      blanks: blankSerials({ firstSerial, count }),
      logger: createLogger('card-printer-simulator'),
    });
    const chip = new ChipEncoderSimulator(new SerialTransport({ path: chipPort, baudRate: chipBaud }), {
      masterKey: Buffer.from(masterKey, 'hex'),
      logger: createLogger('chip-encoder-simulator'),
    });
    const unlink = linkCardUnit(printer, chip);
    await printer.start();
    await chip.start();
    return {
      serveControl: (listen) =>
        startControlServer(
          cardUnitControlRoutes({ printer: printerControl(printer), chip: chipControl(chip) }),
          listen,
        ),
      ready: { chipPort, chipBaudRate: chipBaud },
      async stop() {
        unlink();
        await Promise.all([printer.stop(), chip.stop()]);
      },
    };
  },
});
