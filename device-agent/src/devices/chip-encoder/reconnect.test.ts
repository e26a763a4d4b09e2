/**
 * The chip encoder's line goes away (the reader unplugged or power-cycled) and comes back: the in-memory pair's
 * unplug()/plug() play the cable; the simulator's end is opened again when plugged, as a reader powering up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChipEncoder } from './chip-encoder.ts';
import { createChipEncoderDriver } from './driver.ts';
import { createInProcessSimulator, type InProcessChipEncoderSimulator } from './factory.ts';
import { quietLogger, waitForStatus } from './testing.ts';

const MASTER = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const SERIAL = 'SN20261124777';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(
  options: { replyDelayMs?: number; pollIntervalMs?: number; unplugged?: boolean } = {},
): Promise<{ encoder: ChipEncoder; sim: InProcessChipEncoderSimulator; opens: () => number }> {
  const sim = createInProcessSimulator({
    line: { byteMicros: 0 },
    simulator: { masterKey: MASTER, replyDelayMs: options.replyDelayMs ?? 0, logger: quietLogger() },
  });
  if (options.unplugged) sim.pair.unplug();
  else await sim.simulator.start();
  let opens = 0;
  const open = sim.pair.a.open.bind(sim.pair.a);
  sim.pair.a.open = () => {
    opens += 1;
    return open();
  };
  const encoder = createChipEncoderDriver(sim.pair.a, {
    commandTimeoutMs: 5000,
    reconnectMs: { initial: 20, max: 80 },
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    logger: quietLogger(),
  });
  await encoder.start();
  cleanups.push(async () => {
    await encoder.stop();
    await sim.simulator.stop().catch(() => undefined);
  });
  return { encoder, sim, opens: () => opens };
}

describe('chip encoder driver: line lost and back', () => {
  it('unplugged while idle: noDevice, calls refused, reopened with backoff, online by itself', async () => {
    const { encoder, sim, opens } = await setup();
    await sim.control.insertCard(SERIAL);
    expect(encoder.status.device).toBe('online');
    sim.pair.unplug('reader cable pulled');
    expect(encoder.status).toEqual({
      device: 'noDevice',
      media: 'unknown',
      detail: 'line lost: reader cable pulled',
    });

    const started = performance.now();
    expect(await encoder.openCard()).toMatchObject({ completion: 'deviceNotReady', errorCode: 'noDevice' });
    expect(await encoder.refreshStatus()).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
    expect(performance.now() - started).toBeLessThan(200);

    const before = opens();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // 20, 40, 80, 80, ... ms between attempts: a fixed 20 ms retry would have tried about 25 times.
    expect(opens() - before).toBeGreaterThanOrEqual(3);
    expect(opens() - before).toBeLessThanOrEqual(12);
    expect(encoder.status).toMatchObject({ device: 'noDevice', detail: 'memory:a: unplugged' });

    sim.pair.plug();
    await sim.pair.b.open();
    const back = await waitForStatus(encoder, (s) => s.device === 'online' && s.media !== 'unknown');
    expect(back).toEqual({ device: 'online', media: 'present', detail: null });
    expect(await encoder.openCard()).toMatchObject({ completion: 'success', serial: SERIAL });
  });

  it('unplugged with a call in flight: it fails at once with noDevice, not at its timeout', async () => {
    const { encoder, sim } = await setup({ replyDelayMs: 300 });
    await sim.control.insertCard(SERIAL);
    const opening = encoder.openCard();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pulled = performance.now();
    sim.pair.unplug('reader switched off');
    const result = await opening;
    expect(performance.now() - pulled).toBeLessThan(200);
    expect(result).toMatchObject({
      completion: 'hardwareError',
      errorCode: 'noDevice',
      detail: 'line lost: reader switched off',
    });
    // Calls queued behind it are refused too, without waiting for anything.
    expect(await encoder.readEf06()).toMatchObject({ errorCode: 'noDevice' });

    // The simulator, unlike a reader switched off, still answers the lost call later: let that pass first.
    await new Promise((resolve) => setTimeout(resolve, 400));
    sim.pair.plug();
    await sim.pair.b.open();
    await waitForStatus(encoder, (s) => s.device === 'online' && s.media !== 'unknown');
    expect(await encoder.openCard()).toMatchObject({ completion: 'success', serial: SERIAL });
  });

  it('starts with the reader absent: noDevice until it appears', async () => {
    const { encoder, sim } = await setup({ unplugged: true });
    expect(encoder.status).toMatchObject({ device: 'noDevice', media: 'unknown' });
    expect(await encoder.openCard()).toMatchObject({ completion: 'deviceNotReady', errorCode: 'noDevice' });
    sim.pair.plug();
    await sim.simulator.start();
    expect(await waitForStatus(encoder, (s) => s.device === 'online' && s.media !== 'unknown')).toMatchObject(
      {
        media: 'notPresent',
      },
    );
  });

  it('polling (opt-in): a reader that went silent is noticed without a call and comes back', async () => {
    const sim = createInProcessSimulator({
      line: { byteMicros: 0 },
      simulator: { masterKey: MASTER, logger: quietLogger() },
    });
    await sim.simulator.start();
    const encoder = createChipEncoderDriver(sim.pair.a, {
      commandTimeoutMs: 100,
      pollIntervalMs: 20,
      reconnectMs: { initial: 20, max: 80 },
      logger: quietLogger(),
    });
    await encoder.start();
    cleanups.push(async () => {
      await encoder.stop();
      await sim.simulator.stop().catch(() => undefined);
    });
    expect(encoder.status.device).toBe('online');
    // The simulator stops listening; the line stays: silence, not a disconnect.
    await sim.simulator.stop();
    await waitForStatus(encoder, (s) => s.device === 'offline');
    await sim.simulator.start();
    await waitForStatus(encoder, (s) => s.device === 'online', 3000);
  });
});
