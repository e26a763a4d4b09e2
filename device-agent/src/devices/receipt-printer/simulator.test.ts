import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTransportPair } from '../../transport/memory.ts';
import { SAMPLE_RECEIPT_BYTES, SAMPLE_RECEIPT_TEXT, STATUS_BYTES } from './protocol/fixtures.ts';
import type { ReceiptPrinterFault } from './receipt-printer.ts';
import { ReceiptPrinterSimulator } from './simulator.ts';
import { delay, quietLogger } from './testing.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function printerOnTheLine() {
  const pair = createMemoryTransportPair({ byteMicros: 0 });
  const simulator = new ReceiptPrinterSimulator(pair.b, { timing: { statusMs: 0 }, logger: quietLogger() });
  await simulator.start();
  await pair.a.open();
  const received: number[] = [];
  pair.a.onData((chunk) => received.push(...chunk));
  cleanups.push(() => simulator.stop());
  /** Sends bytes and returns the answers once `expected` bytes came (or after a quiet 20 ms when none are). */
  const send = async (hex: string, expected = 0) => {
    received.length = 0;
    await pair.a.write(new Uint8Array(Buffer.from(hex, 'hex')));
    const deadline = Date.now() + 1000;
    if (expected === 0) await delay(20);
    while (received.length < expected && Date.now() < deadline) await delay(2);
    return [...received];
  };
  return { simulator, send };
}

describe('receipt printer simulator, byte for byte', () => {
  it('renders the sample stream into one receipt', async () => {
    const { simulator, send } = await printerOnTheLine();
    expect(await send(SAMPLE_RECEIPT_BYTES)).toEqual([]);
    expect(simulator.receipts.map((r) => r.text)).toEqual([SAMPLE_RECEIPT_TEXT]);
  });

  it.each<[ReceiptPrinterFault, number[]]>([
    ['none', [STATUS_BYTES.online, 0x12, STATUS_BYTES.paperOk]],
    ['paperNearEnd', [STATUS_BYTES.online, 0x12, STATUS_BYTES.paperNearEnd]],
    ['paperOut', [STATUS_BYTES.offline, STATUS_BYTES.paperEndStop, STATUS_BYTES.paperOut]],
    ['coverOpen', [STATUS_BYTES.offline, STATUS_BYTES.coverOpen, STATUS_BYTES.paperOk]],
    ['offline', [STATUS_BYTES.offline, 0x52, STATUS_BYTES.paperOk]],
  ])('%s: DLE EOT 1, 2, 4 answer %j', async (fault, answers) => {
    const { simulator, send } = await printerOnTheLine();
    await simulator.setFault(fault);
    expect(await send('100401' + '100402' + '100404', 3)).toEqual(answers);
  });

  it('answers DLE EOT in the middle of print data, and prints nothing while the cover is open', async () => {
    const { simulator, send } = await printerOnTheLine();
    await simulator.setFault('coverOpen');
    expect(await send('1B401C26' + '100401' + '410A1D5600', 1)).toEqual([STATUS_BYTES.offline]);
    expect(simulator.receipts).toEqual([]);
    expect(simulator.state.droppedBytes).toBeGreaterThan(0);
  });
});
