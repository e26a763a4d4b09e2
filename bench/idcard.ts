import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentConfig } from '@sik/config';
import { createIdCardDriver } from '../device-agent/src/devices/idcard/driver.ts';
import type { IdCardEvent } from '../device-agent/src/devices/idcard/idcard.ts';
import { SAMPLE_CARDS } from '../device-agent/src/devices/idcard/sample-cards.ts';
import { httpControl } from '../device-agent/src/devices/idcard/simulator-control.ts';
import { SerialTransport } from '../device-agent/src/transport/serial.ts';
import { startProcess, startPtyPair } from '../tests/support/processes.ts';
import { type BenchResult, median, percentile } from './results-file.ts';

const BAUD = 115200;
/** A 30 01 read reply is 1295 bytes; 10 bits a byte on an 8N1 line. */
const WIRE_MS = Math.round(((1295 * 10) / BAUD) * 1000 * 10) / 10;

/**
 * Placement-to-identity latency: the simulator runs as its own process on a real pseudo-terminal (socat) and
 * paces every reply at the line's baud rate; the driver polls with the agent's default settings. Measured from
 * the moment the card is placed (control call answered) to the driver's cardRead event.
 */
export async function benchIdCardRead(rounds = 40): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sik-bench-idcard-'));
  const pty = await startPtyPair(dir);
  const simulator = await startProcess(
    'device-agent/src/devices/idcard/simulator-main.ts',
    ['--port', pty.a, '--baud', String(BAUD), '--control', '127.0.0.1:0'],
    {},
  );
  const defaults = AgentConfig.parse({}).idcard;
  const driver = createIdCardDriver(new SerialTransport({ path: pty.b, baudRate: BAUD }), defaults);
  const control = httpControl(String(simulator.ready.controlUrl));
  const waitFor = (type: IdCardEvent['type']) =>
    new Promise<void>((resolve) => {
      const off = driver.on((event) => {
        if (event.type === type) {
          off();
          resolve();
        }
      });
    });
  const latencies: number[] = [];
  try {
    await driver.start();
    for (let i = 0; i < rounds; i++) {
      // A hand arrives at any point of the poll cycle: spread placements over one interval (deterministically).
      await new Promise((resolve) => setTimeout(resolve, ((i * 37) % 100) * (defaults.pollIntervalMs / 100)));
      const read = waitFor('cardRead');
      await control.placeCard(SAMPLE_CARDS.resident);
      const placedAt = performance.now();
      await read;
      latencies.push(performance.now() - placedAt);
      const removed = waitFor('cardRemoved');
      await control.liftCard();
      await removed;
    }
  } finally {
    await driver.stop();
    await simulator.stop();
    await pty.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const note = `${rounds} placements over a socat pty, simulator paced at ${BAUD} baud, poll every ${defaults.pollIntervalMs} ms, placements spread over the poll cycle`;
  return [
    { id: 'idcard.read.p50_ms', value: round(median(latencies)), unit: 'ms', note },
    { id: 'idcard.read.p95_ms', value: round(percentile(latencies, 95)), unit: 'ms', note },
    {
      id: 'idcard.wire_ms',
      value: WIRE_MS,
      unit: 'ms',
      note: '1295-byte read reply at 115200 baud 8N1 (theory)',
    },
  ];
}

const round = (n: number) => Math.round(n * 10) / 10;
