/**
 * The ID card simulator as its own process on a serial line, for end-to-end tests on a pseudo-terminal:
 *
 *   socat -d -d pty,raw,echo=0,link=/tmp/idcard-sim pty,raw,echo=0,link=/tmp/idcard-host
 *   tsx device-agent/src/devices/idcard/simulator-main.ts --port /tmp/idcard-sim --baud 115200 \
 *     [--control 127.0.0.1:7311] [--card card.json]
 *
 * Prints one JSON line {"ready":true,...,"controlUrl":...} on stdout once the line is open and the control
 * server listens; the control channel is described in simulator-control.ts. --card takes an identity, or
 * {identity, photoBase64}, to place at start.
 */
import { readFileSync } from 'node:fs';
import { IdCardIdentity } from '@sik/contract';
import { createLogger } from '../../log.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { runSerialSimulatorMain } from '../../transport/serial-simulator-main.ts';
import { IdCardSimulator } from './simulator.ts';
import { inProcessControl, startIdCardControlServer } from './simulator-control.ts';

function cardFromFile(
  file: string,
  usageError: (message: string) => never,
): { identity: IdCardIdentity; photo?: Uint8Array } {
  let json: { identity?: unknown; photoBase64?: unknown };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
  } catch (error) {
    return usageError(`cannot read --card ${file}: ${(error as Error).message}`);
  }
  const identity = IdCardIdentity.safeParse(json.identity ?? json);
  if (!identity.success) return usageError(`--card ${file}: not a valid IdCardIdentity`);
  const photo =
    typeof json.photoBase64 === 'string'
      ? new Uint8Array(Buffer.from(json.photoBase64, 'base64'))
      : undefined;
  return photo ? { identity: identity.data, photo } : { identity: identity.data };
}

await runSerialSimulatorMain({
  name: 'idcard simulator',
  usage:
    'usage: simulator-main.ts --port <path> [--baud 115200] [--control 127.0.0.1:<port>] [--card <file.json>]',
  defaultBaud: 115200,
  options: { card: { type: 'string' } },
  async start({ port, baudRate, values, usageError }) {
    // A pty moves bytes at once: wait each reply's wire time so the host sees real-line timing.
    const simulator = new IdCardSimulator(new SerialTransport({ path: port, baudRate }), {
      timing: { wireBaud: baudRate },
      logger: createLogger('idcard-simulator'),
    });
    if (typeof values.card === 'string') {
      const card = cardFromFile(values.card, usageError);
      simulator.placeCard(card.identity, card.photo);
    }
    await simulator.start();
    return {
      serveControl: (listen) => startIdCardControlServer(inProcessControl(simulator), listen),
      stop: () => simulator.stop(),
    };
  },
});
