import type { IdCardFault } from '@sik/contract';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryLineOptions } from '../../transport/memory.ts';
import { createMemoryTransportPair } from '../../transport/memory.ts';
import type { Transport } from '../../transport/transport.ts';
import { createIdCardDriver, type IdCardDriverOptions } from './driver.ts';
import { createInProcessSimulator, type InProcessIdCardSimulator } from './factory.ts';
import type { IdCardEvent, IdCardReader } from './idcard.ts';
import { toHex } from './protocol/frame.ts';
import { FrameParser } from './protocol/parser.ts';
import { SAMPLE_CARDS } from './sample-cards.ts';
import { demoPhoto, INSTANT_TIMING } from './simulator.ts';
import { capturingLogger, delay, quietLogger, waitForEvent, waitForStatus } from './testing.ts';

const FAST: IdCardDriverOptions = {
  pollIntervalMs: 10,
  commandTimeoutMs: 100,
  reconnectMs: { initial: 20, max: 100 },
};

interface Rig extends InProcessIdCardSimulator {
  reader: IdCardReader;
  events: IdCardEvent[];
}

const rigs: Rig[] = [];

async function rig(
  options: { line?: MemoryLineOptions; driver?: Partial<IdCardDriverOptions>; fault?: IdCardFault } = {},
): Promise<Rig> {
  const sim = createInProcessSimulator({
    line: options.line ?? { byteMicros: 0 },
    simulator: { timing: INSTANT_TIMING, logger: quietLogger(), reopenMs: 10 },
  });
  await sim.simulator.start();
  if (options.fault) await sim.simulator.setFault(options.fault);
  const reader = createIdCardDriver(sim.pair.a, { ...FAST, logger: quietLogger(), ...options.driver });
  const events: IdCardEvent[] = [];
  reader.on((event) => events.push(event));
  const made = { ...sim, reader, events };
  rigs.push(made);
  await reader.start();
  return made;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.reader.stop();
    await r.simulator.stop();
  }
});

const count = (events: IdCardEvent[], type: IdCardEvent['type']) =>
  events.filter((e) => e.type === type).length;

describe('ID card driver with the simulator over a memory pair', () => {
  it('sees a card lifted and placed again within one poll interval as a new placement', async () => {
    // A slow poll, so lift + place certainly fall between two find commands.
    const { reader, simulator, events } = await rig({ driver: { pollIntervalMs: 400 } });
    simulator.placeCard(SAMPLE_CARDS.resident);
    await waitForEvent(reader, 'cardRead', 3000);
    simulator.liftCard();
    simulator.placeCard(SAMPLE_CARDS.residentDated);
    const second = await waitForEvent(reader, 'cardRead', 3000);
    expect(second.identity.idNumber).toBe(SAMPLE_CARDS.residentDated.idNumber);
    expect(events.map((e) => e.type).filter((t) => t !== 'status')).toEqual([
      'cardRead',
      'cardRemoved',
      'cardRead',
    ]);
  });

  it('checks the reader on start and reports it online with no card', async () => {
    const { reader } = await rig();
    expect(reader.status.device).toBe('online');
    await waitForStatus(reader, (s) => s.media === 'notPresent');
    expect(reader.status).toEqual({ device: 'online', media: 'notPresent', detail: null });
  });

  it.each(Object.entries(SAMPLE_CARDS))('reads a placed %s card with its photo', async (_name, identity) => {
    const { reader, simulator, events } = await rig();
    const photo = demoPhoto(`photo of ${identity.cardType}`);
    const read = waitForEvent(reader, 'cardRead');
    simulator.placeCard(identity, photo);
    const event = await read;
    expect(event.identity).toEqual(identity);
    expect(event.photo).toEqual(photo);
    // busy while reading, online with the card present after
    const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status.device] : []));
    expect(statuses).toContain('busy');
    expect(reader.status).toMatchObject({ device: 'online', media: 'present' });
  });

  it('raises cardRead once per placement and cardRemoved when the card is lifted', async () => {
    const { reader, simulator, events } = await rig();
    const read = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.residentDated);
    await read;
    await delay(100); // ten polls with the card still on the reader
    expect(count(events, 'cardRead')).toBe(1);
    const removed = waitForEvent(reader, 'cardRemoved');
    simulator.liftCard();
    await removed;
    expect(reader.status.media).toBe('notPresent');
  });

  it('needs the same card lifted and placed again before reading it a second time', async () => {
    const { reader, simulator, events } = await rig();
    const first = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.resident);
    await first;
    await delay(60);
    expect(count(events, 'cardRead')).toBe(1);
    const removed = waitForEvent(reader, 'cardRemoved');
    simulator.liftCard();
    await removed;
    const second = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.resident);
    expect((await second).identity.idNumber).toBe(SAMPLE_CARDS.resident.idNumber);
    expect(count(events, 'cardRead')).toBe(2);
  });

  it('sends one command at a time and waits for each reply', async () => {
    const sim = createInProcessSimulator({
      line: { byteMicros: 0, chunking: { maxBytes: 5 } },
      simulator: { timing: { ...INSTANT_TIMING, findMs: 2, readMs: 5 }, logger: quietLogger() },
    });
    await sim.simulator.start();
    let outstanding = 0;
    let maxOutstanding = 0;
    const replies = new FrameParser();
    const host = sim.pair.a;
    host.onData((chunk) => {
      outstanding -= replies.push(chunk).filter((e) => e.kind === 'frame').length;
    });
    const spy: Transport = {
      get description() {
        return host.description;
      },
      get isOpen() {
        return host.isOpen;
      },
      open: () => host.open(),
      close: () => host.close(),
      write: (bytes) => {
        outstanding += 1;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        return host.write(bytes);
      },
      onData: (listener) => host.onData(listener),
      onDisconnect: (listener) => host.onDisconnect(listener),
    };
    const reader = createIdCardDriver(spy, { ...FAST, pollIntervalMs: 1, logger: quietLogger() });
    rigs.push({ ...sim, reader, events: [] });
    await reader.start();
    const pending = reader.readCard({ timeoutMs: 2000 });
    sim.simulator.placeCard(SAMPLE_CARDS.hkMacaoTaiwan);
    expect((await pending).completion).toBe('success');
    expect(maxOutstanding).toBe(1);
  });

  it('reads through a line with real 115200-baud timing and split deliveries', async () => {
    // The command timeout (100 ms) is shorter than the read reply's wire time: it must measure silence.
    const { reader, simulator } = await rig({ line: { chunking: { maxBytes: 48 } } });
    const started = performance.now();
    const read = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.foreignPermanent2023);
    expect((await read).identity).toEqual(SAMPLE_CARDS.foreignPermanent2023);
    // The 1295-byte reply alone is 112 ms on the wire.
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('never logs names, ID numbers or photo bytes', async () => {
    const { logger, lines } = capturingLogger();
    const { reader, simulator } = await rig({ driver: { logger } });
    const photo = demoPhoto('log check');
    const read = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.resident, photo);
    await read;
    const log = lines.join('\n');
    expect(log).toContain('"cardType":"resident"');
    for (const secret of [SAMPLE_CARDS.resident.name, SAMPLE_CARDS.resident.idNumber, '110105', '北京']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain(toHex(photo.subarray(30, 46)));
    expect(log.toLowerCase()).not.toContain(toHex(photo.subarray(30, 46)).toLowerCase());
  });
});

describe('faults, and recovery after each', () => {
  it('noCard: a card on the reader is not found until the fault clears', async () => {
    const { reader, simulator, events } = await rig({ fault: 'noCard' });
    simulator.placeCard(SAMPLE_CARDS.resident);
    await delay(80);
    expect(count(events, 'cardRead')).toBe(0);
    expect(reader.status.media).toBe('notPresent');
    const read = waitForEvent(reader, 'cardRead');
    await simulator.setFault('none');
    await read;
  });

  it('readFailed: retries, then cardReadFailed; the card must be re-placed to read', async () => {
    const { reader, simulator, events } = await rig({ fault: 'readFailed' });
    const failed = waitForEvent(reader, 'cardReadFailed');
    simulator.placeCard(SAMPLE_CARDS.residentDated);
    const event = await failed;
    expect(event.errorCode).toBe('cardUnreadable');
    expect(event.detail).toContain('41');
    await simulator.setFault('none');
    await delay(60);
    expect(count(events, 'cardRead')).toBe(0);
    expect(count(events, 'cardReadFailed')).toBe(1);
    const removed = waitForEvent(reader, 'cardRemoved');
    simulator.liftCard();
    await removed;
    const read = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.residentDated);
    await read;
  });

  it('readFailed: readCard answers invalidData / cardUnreadable', async () => {
    const { reader, simulator } = await rig({ fault: 'readFailed' });
    const pending = reader.readCard({ timeoutMs: 2000 });
    simulator.placeCard(SAMPLE_CARDS.resident);
    expect(await pending).toMatchObject({ completion: 'invalidData', errorCode: 'cardUnreadable' });
  });

  it.each([
    ['garbledFrame', /no valid reply|reader check failed/],
    ['checksumError', /checksum mismatch/],
  ] as const)('%s: the reader goes offline with a detail, and comes back', async (fault, detail) => {
    const { reader, simulator } = await rig();
    await simulator.setFault(fault);
    const offline = await waitForStatus(reader, (s) => s.device === 'offline');
    expect(offline.detail).toMatch(detail);
    expect(offline.media).toBe('unknown');
    await simulator.setFault('none');
    await waitForStatus(reader, (s) => s.device === 'online');
    const read = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.foreignPermanent2017);
    expect((await read).identity).toEqual(SAMPLE_CARDS.foreignPermanent2017);
  });

  it('unplugMidFrame: noDevice, then back online when plugged back, and reads again', async () => {
    const { reader, simulator, pair } = await rig();
    await simulator.setFault('unplugMidFrame');
    const lost = await waitForStatus(reader, (s) => s.device === 'noDevice');
    expect(lost.detail).toContain('unplug');
    expect(pair.plugged).toBe(false);
    await delay(80); // reconnect attempts fail while unplugged
    expect(reader.status.device).toBe('noDevice');
    await simulator.setFault('none'); // plugs the pair back in
    await waitForStatus(reader, (s) => s.device === 'online');
    const read = waitForEvent(reader, 'cardRead');
    simulator.placeCard(SAMPLE_CARDS.resident);
    await read;
  });

  it('a cable pulled by hand during a read: noDevice, then reconnect', async () => {
    const { reader, simulator, pair, events } = await rig({ line: { byteMicros: 86.8 } });
    const busy = waitForStatus(reader, (s) => s.device === 'busy');
    simulator.placeCard(SAMPLE_CARDS.resident);
    await busy;
    await delay(5);
    pair.unplug('cable pulled');
    await waitForStatus(reader, (s) => s.device === 'noDevice');
    pair.plug();
    await waitForStatus(reader, (s) => s.device === 'online');
    // The reader lost power with the card on it: the card is read afresh.
    await waitForEvent(reader, 'cardRead');
    expect(count(events, 'cardReadFailed')).toBe(0);
  });

  it.each([
    ['samNotAuthorised', 'SAM not authorised'],
    ['samSelfTestFailed', 'SAM self-test failed'],
  ] as const)('%s during polling: hardwareError with detail, recovery after', async (fault, detail) => {
    const { reader, simulator, events } = await rig();
    simulator.placeCard(SAMPLE_CARDS.resident);
    await waitForEvent(reader, 'cardRead');
    simulator.liftCard();
    await waitForEvent(reader, 'cardRemoved');
    await simulator.setFault(fault);
    const broken = await waitForStatus(reader, (s) => s.device === 'hardwareError');
    expect(broken.detail).toContain(detail);
    simulator.placeCard(SAMPLE_CARDS.hkMacaoTaiwan);
    await delay(60);
    expect(count(events, 'cardRead')).toBe(1);
    await simulator.setFault('none');
    await waitForStatus(reader, (s) => s.device === 'online' && s.detail === null);
    const read = waitForEvent(reader, 'cardRead');
    expect((await read).identity).toEqual(SAMPLE_CARDS.hkMacaoTaiwan);
  });

  it('samSelfTestFailed at start: hardwareError from the first check; readCard fails at once', async () => {
    const { reader, simulator, events } = await rig({ fault: 'samSelfTestFailed' });
    expect(reader.status.device).toBe('hardwareError');
    // Straight to hardwareError: no brief "online" while the check was under way.
    expect(events.flatMap((e) => (e.type === 'status' ? [e.status.device] : []))).toEqual(['hardwareError']);
    expect(reader.status.detail).toContain('reset SAM: SW3 60 SAM self-test failed');
    const result = await reader.readCard({ timeoutMs: 2000 });
    expect(result).toMatchObject({ completion: 'hardwareError', errorCode: 'samError' });
    await simulator.setFault('none');
    await waitForStatus(reader, (s) => s.device === 'online');
  });

  it('a reader that never answers: offline after the start check, with the command named', async () => {
    const pair = createMemoryTransportPair({ byteMicros: 0 });
    await pair.b.open(); // an open line with nobody answering
    const reader = createIdCardDriver(pair.a, { ...FAST, logger: quietLogger() });
    await reader.start();
    try {
      expect(reader.status.device).toBe('offline');
      expect(reader.status.detail).toBe('reader check failed: reset SAM: no reply within 100 ms');
      expect(await reader.readCard({ timeoutMs: 100 })).toMatchObject({
        completion: 'hardwareError',
        errorCode: 'noDevice',
      });
    } finally {
      await reader.stop();
    }
  });
});

describe('readCard', () => {
  it('returns the identity of the next card placed', async () => {
    const { reader, simulator } = await rig();
    const pending = reader.readCard({ timeoutMs: 2000 });
    simulator.placeCard(SAMPLE_CARDS.foreignPermanent2023);
    const result = await pending;
    expect(result.completion).toBe('success');
    if (result.completion === 'success') expect(result.identity).toEqual(SAMPLE_CARDS.foreignPermanent2023);
  });

  it('times out with noCard when nothing is placed', async () => {
    const { reader } = await rig();
    expect(await reader.readCard({ timeoutMs: 60 })).toMatchObject({
      completion: 'timeout',
      errorCode: 'noCard',
    });
  });

  it('honours an AbortSignal', async () => {
    const { reader } = await rig();
    const abort = new AbortController();
    const pending = reader.readCard({ timeoutMs: 5000 }, abort.signal);
    setTimeout(() => abort.abort(), 20);
    expect(await pending).toMatchObject({ completion: 'canceled' });
  });

  it('refuses a bad request before touching the reader, and answers when not started', async () => {
    const { reader } = await rig();
    expect(await reader.readCard({ timeoutMs: 0 })).toMatchObject({ completion: 'invalidData' });
    const idle = createIdCardDriver(createMemoryTransportPair().a, { ...FAST, logger: quietLogger() });
    expect(await idle.readCard({ timeoutMs: 10 })).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
  });
});
