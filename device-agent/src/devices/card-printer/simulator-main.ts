/**
 * The card printer simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/card-sim pty,raw,echo=0,link=/tmp/card-host
 *   tsx device-agent/src/devices/card-printer/simulator-main.ts --port /tmp/card-sim [--baud 115200] \
 *     [--control 127.0.0.1:7315] [--timing realistic|instant] [--blanks 50] [--first-serial 5AC0000000000001]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel (GET /state, POST /fault, GET /card-at-contact, GET /printed, ...) is
 * described in simulator-control.ts. The printer with its chip encoder linked, as one process on two lines, is
 * devices/card-unit/simulator-main.ts.
 */
import { DEMO_BLANKS } from '@sik/seeds';
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { runSerialSimulatorMain } from '../../transport/serial-simulator-main.ts';
import { blankSerials, CardPrinterSimulator, INSTANT_TIMING, REALISTIC_TIMING } from './simulator.ts';
import { inProcessControl, startCardPrinterControlServer } from './simulator-control.ts';

await runSerialSimulatorMain({
  name: 'card printer simulator',
  usage:
    'usage: simulator-main.ts --port <path> [--baud 115200] [--control 127.0.0.1:<port>] [--timing realistic|instant] [--blanks 50] [--first-serial <hex>]',
  defaultBaud: 115200,
  options: {
    timing: { type: 'string', default: 'realistic' },
    blanks: { type: 'string', default: String(DEMO_BLANKS.count) },
    'first-serial': { type: 'string', default: DEMO_BLANKS.firstSerial },
  },
  async start({ port, baudRate, values, usageError }) {
    if (values.timing !== 'realistic' && values.timing !== 'instant')
      usageError('--timing must be realistic or instant');
    const count = Number(values.blanks);
    const firstSerial = String(values['first-serial'] ?? '');
    if (!Number.isInteger(count) || count < 0) usageError('--blanks must be a whole number');
    if (!/^[0-9A-F]{8,32}$/.test(firstSerial))
      usageError('--first-serial must be 8 to 32 upper-case hex digits');
    const simulator = new CardPrinterSimulator(new SerialTransport({ path: port, baudRate }), {
      timing: values.timing === 'instant' ? INSTANT_TIMING : REALISTIC_TIMING,
      blanks: blankSerials({ firstSerial, count }),
      logger: createLogger('card-printer-simulator'),
    });
    await simulator.start();
    return {
      serveControl: (listen) => startCardPrinterControlServer(inProcessControl(simulator), listen),
      stop: () => simulator.stop(),
    };
  },
});
