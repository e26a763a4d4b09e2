import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTransportPair, type MemoryTransportPair } from '../../transport/memory.ts';
import { encodeStartEntry, requestFrame } from './protocol/commands.ts';
import { REPLIES, REQUESTS, TEST_ACCOUNT, TEST_PIN_KEY } from './protocol/fixtures.ts';
import { fromHex, toHex } from './protocol/frame.ts';
import { FrameParser } from './protocol/parser.ts';
import { PinPadSimulator, parseKeys } from './simulator.ts';
import { delay, quietLogger } from './testing.ts';

/** The simulator on the far end of a memory pair, driven with raw frames from the near end. */
async function padOnTheLine(pinKeyHex: string | null = TEST_PIN_KEY) {
  const pair: MemoryTransportPair = createMemoryTransportPair({ byteMicros: 0 });
  const simulator = new PinPadSimulator(pair.b, {
    pinKeyHex,
    timing: { replyMs: 0, keyIntervalMs: 0 },
    logger: quietLogger(),
  });
  await simulator.start();
  await pair.a.open();
  const received: number[] = [];
  pair.a.onData((chunk) => received.push(...chunk));
  cleanups.push(() => simulator.stop());
  /** Sends a frame and returns the reply frame (waiting for a whole one, up to a second). */
  const exchange = async (frame: Uint8Array | string): Promise<string> => {
    received.length = 0;
    await pair.a.write(typeof frame === 'string' ? fromHex(frame) : frame);
    await until(() => new FrameParser().push(Uint8Array.from(received)).some((e) => e.kind === 'frame'));
    return toHex(Uint8Array.from(received));
  };
  return { simulator, exchange, received };
}

async function until(done: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await delay(2);
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('PIN pad simulator, byte for byte', () => {
  it('answers the fixtures: status, start, and the PIN block of PIN 123456', async () => {
    const { simulator, exchange, received } = await padOnTheLine();
    expect(await exchange(REQUESTS.status)).toBe(REPLIES.statusIdleKeyLoaded);
    expect(await exchange(REQUESTS.startPinEntry)).toBe(REPLIES.startOk);
    received.length = 0;
    await simulator.pressKeys('123456E');
    await until(() => received.length >= 8);
    // six masked keys, then enter and end of input: no digit on the wire
    expect(toHex(Uint8Array.from(received))).toBe('2A2A2A2A2A2A0DAA');
    expect(await exchange(REQUESTS.getPinBlock)).toBe(REPLIES.pinBlock);
    // Handed out once.
    expect(await exchange(REQUESTS.getPinBlock)).toBe('020231050335'); // ST 05: no PIN block
  });

  it('refuses to start without a key (ST 04), and answers an unknown command with ST 01', async () => {
    const { exchange } = await padOnTheLine(null);
    expect(await exchange(REQUESTS.startPinEntry)).toBe(REPLIES.startNoKey);
    expect(await exchange('0201770375')).toBe('020277010377'); // CMD 77: ST 01 unknown command
  });

  it('answers a frame with a bad checksum with ST 03', async () => {
    const { exchange } = await padOnTheLine();
    expect(await exchange('0201100300')).toBe('020210030312');
  });

  it('ignores keys outside PIN entry, and a second start while one runs is busy (ST 06)', async () => {
    const { simulator, exchange, received } = await padOnTheLine();
    await simulator.pressKeys('12E');
    await delay(20);
    expect(received).toEqual([]);
    const start = requestFrame(
      'startPinEntry',
      encodeStartEntry({ minLength: 4, maxLength: 4, accountNumber: TEST_ACCOUNT }),
    );
    expect(await exchange(start)).toBe(REPLIES.startOk);
    expect(await exchange(start)).toBe('020230060337'); // ST 06 busy
    expect(simulator.state).toMatchObject({ mode: 'pinEntry', keysDown: 0 });
  });

  it('parses keys as text: digits, E / newline, C / ESC, B / backspace', () => {
    expect(parseKeys('12\nE\u001bCB\b')).toEqual([
      '1',
      '2',
      'enter',
      'enter',
      'cancel',
      'cancel',
      'backspace',
      'backspace',
    ]);
    expect(() => parseKeys('12x')).toThrow(/only digits/);
  });
});
