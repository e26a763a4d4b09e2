/**
 * The PIN pad simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/pinpad-sim pty,raw,echo=0,link=/tmp/pinpad-host
 *   tsx device-agent/src/devices/pinpad/simulator-main.ts --port /tmp/pinpad-sim --baud 9600 \
 *     [--control 127.0.0.1:7312] [--pin-key <32 hex digits> | --no-key]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel is described in simulator-control.ts. --pin-key is the shared PIN
 * encryption key (default DEMO_PIN_KEY), the one the bank host simulator decrypts with.
 */
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { runSerialSimulatorMain } from '../../transport/serial-simulator-main.ts';
import { PinPadSimulator } from './simulator.ts';
import { inProcessControl, startPinPadControlServer } from './simulator-control.ts';

await runSerialSimulatorMain({
  name: 'pinpad simulator',
  usage:
    'usage: simulator-main.ts --port <path> [--baud 9600] [--control 127.0.0.1:<port>] [--pin-key <hex> | --no-key]',
  defaultBaud: 9600,
  options: { 'pin-key': { type: 'string' }, 'no-key': { type: 'boolean', default: false } },
  async start({ port, baudRate, values, usageError }) {
    const pinKey = values['pin-key'];
    if (pinKey !== undefined && !/^[0-9a-fA-F]{32}$/.test(String(pinKey)))
      usageError('--pin-key must be 32 hex digits');
    const simulator = new PinPadSimulator(new SerialTransport({ path: port, baudRate }), {
      // A pty moves bytes at once: wait each reply's wire time so the host sees real-line timing.
      timing: { wireBaud: baudRate },
      ...(values['no-key'] === true
        ? { pinKeyHex: null }
        : typeof pinKey === 'string'
          ? { pinKeyHex: pinKey.toLowerCase() }
          : {}),
      logger: createLogger('pinpad-simulator'),
    });
    await simulator.start();
    return {
      serveControl: (listen) => startPinPadControlServer(inProcessControl(simulator), listen),
      stop: () => simulator.stop(),
    };
  },
});
