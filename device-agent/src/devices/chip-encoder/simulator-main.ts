/**
 * The chip encoder simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/chip-sim pty,raw,echo=0,link=/tmp/chip-host
 *   tsx device-agent/src/devices/chip-encoder/simulator-main.ts --port /tmp/chip-sim --baud 115200 \
 *     --master-key <32 hex digits> [--control 127.0.0.1:7314] [--card <serial>]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel is described in simulator-control.ts. --master-key is the issuer master
 * key the card keys derive from: the one the (simulated) card-management service holds. The chip encoder
 * linked to the card printer (one process, two lines) is devices/card-unit/simulator-main.ts.
 */
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { runSerialSimulatorMain } from '../../transport/serial-simulator-main.ts';
import { ChipEncoderSimulator } from './simulator.ts';
import { inProcessControl, startChipEncoderControlServer } from './simulator-control.ts';

await runSerialSimulatorMain({
  name: 'chip encoder simulator',
  usage:
    'usage: simulator-main.ts --port <path> --master-key <hex> [--baud 115200] [--control 127.0.0.1:<port>] [--card <serial>]',
  defaultBaud: 115200,
  options: { 'master-key': { type: 'string' }, card: { type: 'string' } },
  async start({ port, baudRate, values, usageError }) {
    const masterKey = values['master-key'];
    if (typeof masterKey !== 'string' || !/^[0-9a-fA-F]{32}$/.test(masterKey))
      return usageError('--master-key must be 32 hex digits');
    const simulator = new ChipEncoderSimulator(new SerialTransport({ path: port, baudRate }), {
      masterKey: Buffer.from(masterKey, 'hex'),
      logger: createLogger('chip-encoder-simulator'),
    });
    if (typeof values.card === 'string') {
      try {
        simulator.insertCard(values.card);
      } catch (error) {
        usageError(`--card: ${(error as Error).message}`);
      }
    }
    await simulator.start();
    return {
      serveControl: (listen) => startChipEncoderControlServer(inProcessControl(simulator), listen),
      stop: () => simulator.stop(),
    };
  },
});
