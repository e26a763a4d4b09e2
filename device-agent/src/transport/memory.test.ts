import { describe, expect, it } from 'vitest';
import { createMemoryTransportPair, seededRandom } from './memory.ts';
import { TransportError } from './transport.ts';

function collect(transport: { onData(listener: (chunk: Uint8Array) => void): () => void }) {
  const chunks: Uint8Array[] = [];
  transport.onData((chunk) => chunks.push(chunk));
  return {
    chunks,
    bytes: () => Uint8Array.from(chunks.flatMap((chunk) => Array.from(chunk))),
  };
}

const sequence = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

describe('memory transport pair', () => {
  it('carries bytes both ways, in order, asynchronously', async () => {
    const pair = createMemoryTransportPair({ byteMicros: 0 });
    await pair.a.open();
    await pair.b.open();
    const atB = collect(pair.b);
    const atA = collect(pair.a);
    const write = pair.a.write(Uint8Array.of(1, 2, 3));
    // Never delivered inside the writer's call: a listener cannot re-enter the code that wrote.
    expect(atB.chunks).toEqual([]);
    await write;
    await pair.a.write(Uint8Array.of(4));
    await pair.b.write(Uint8Array.of(9));
    expect(Array.from(atB.bytes())).toEqual([1, 2, 3, 4]);
    expect(Array.from(atA.bytes())).toEqual([9]);
  });

  it('splits writes into random small pieces when asked, without losing or reordering a byte', async () => {
    const pair = createMemoryTransportPair({
      byteMicros: 0,
      chunking: { maxBytes: 7, random: seededRandom(1) },
    });
    await pair.a.open();
    await pair.b.open();
    const atB = collect(pair.b);
    await Promise.all([pair.a.write(sequence(300)), pair.a.write(sequence(50))]);
    expect(atB.chunks.length).toBeGreaterThan(40);
    expect(atB.chunks.every((chunk) => chunk.length >= 1 && chunk.length <= 7)).toBe(true);
    expect(Array.from(atB.bytes())).toEqual([...Array.from(sequence(300)), ...Array.from(sequence(50))]);
  });

  it('takes the wire time of the baud rate: 1295 bytes at 115200 is about 112 ms', async () => {
    const pair = createMemoryTransportPair();
    await pair.a.open();
    await pair.b.open();
    const atB = collect(pair.b);
    const started = performance.now();
    await pair.a.write(sequence(1295));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(105);
    expect(elapsed).toBeLessThan(1000); // generous: CI machines stall
    expect(atB.bytes().length).toBe(1295);
    // Delivered progressively, as a UART would, not in one lump at the end.
    expect(atB.chunks.length).toBeGreaterThan(10);
  });

  it('unplug() cuts both ends mid-stream; open() fails until plug()', async () => {
    const pair = createMemoryTransportPair({ byteMicros: 100 });
    await pair.a.open();
    await pair.b.open();
    const reasons: string[] = [];
    pair.a.onDisconnect((reason) => reasons.push(`a:${reason}`));
    pair.b.onDisconnect((reason) => reasons.push(`b:${reason}`));
    const atB = collect(pair.b);
    const inFlight = pair.a.write(sequence(1000)); // 100 ms on this wire
    await new Promise((resolve) => setTimeout(resolve, 20));
    pair.unplug('cable pulled');
    await expect(inFlight).rejects.toMatchObject({ name: 'TransportError', code: 'disconnected' });
    const received = atB.bytes().length;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(1000);
    expect(reasons.sort()).toEqual(['a:cable pulled', 'b:cable pulled']);
    expect(pair.a.isOpen).toBe(false);
    expect(pair.b.isOpen).toBe(false);
    await expect(pair.a.open()).rejects.toBeInstanceOf(TransportError);
    await expect(pair.a.write(Uint8Array.of(1))).rejects.toMatchObject({ code: 'notOpen' });

    pair.plug();
    await pair.a.open();
    await pair.b.open();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(atB.bytes().length).toBe(received); // nothing of the cut write arrives later
    await pair.a.write(Uint8Array.of(7));
    expect(atB.bytes().at(-1)).toBe(7);
  });

  it('a closed end hears nothing', async () => {
    const pair = createMemoryTransportPair({ byteMicros: 0 });
    await pair.a.open();
    const atB = collect(pair.b);
    await pair.a.write(Uint8Array.of(1));
    expect(atB.chunks).toEqual([]);
  });
});
