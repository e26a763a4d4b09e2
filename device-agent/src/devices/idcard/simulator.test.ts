import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTransportPair, type MemoryTransportPair } from '../../transport/memory.ts';
import { createInProcessSimulator } from './factory.ts';
import { requestFrame } from './protocol/commands.ts';
import { REPLIES } from './protocol/fixtures.ts';
import { buildRequest, decodeResponseBody, fromHex, toHex } from './protocol/frame.ts';
import { FrameParser, type ParserEvent } from './protocol/parser.ts';
import { decodeReadPayload } from './protocol/read-payload.ts';
import { decodeTextBlock } from './protocol/text-block.ts';
import { SAMPLE_CARDS } from './sample-cards.ts';
import { demoPhoto, IdCardSimulator, INSTANT_TIMING } from './simulator.ts';
import { httpControl, startIdCardControlServer } from './simulator-control.ts';
import { delay, quietLogger } from './testing.ts';

/** A host end that sends raw frames and collects what comes back, for byte-level checks of the simulator. */
async function rawHost(pair: MemoryTransportPair) {
  const parser = new FrameParser();
  const events: ParserEvent[] = [];
  pair.a.onData((chunk) => events.push(...parser.push(chunk)));
  await pair.a.open();
  return {
    events,
    async exchange(frame: Uint8Array, waitMs = 20): Promise<ParserEvent[]> {
      events.length = 0;
      await pair.a.write(frame);
      await delay(waitMs);
      return [...events];
    },
  };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function setup() {
  const sim = createInProcessSimulator({
    line: { byteMicros: 0 },
    simulator: { timing: INSTANT_TIMING, logger: quietLogger() },
  });
  await sim.simulator.start();
  stops.push(() => sim.simulator.stop());
  return { ...sim, host: await rawHost(sim.pair) };
}

const sw3Of = (events: ParserEvent[]): number[] =>
  events.flatMap((e) => (e.kind === 'frame' ? [decodeResponseBody(e.body)?.sw3 ?? -1] : []));

describe('IdCardSimulator on the wire', () => {
  it('answers find with the exact frames of PROTOCOLS.md', async () => {
    const { host, simulator } = await setup();
    const none = await host.exchange(requestFrame('findCard'));
    expect(none.map((e) => (e.kind === 'frame' ? toHex(e.frame) : e.kind))).toEqual([REPLIES.findNoCard]);
    simulator.placeCard(SAMPLE_CARDS.resident);
    const found = await host.exchange(requestFrame('findCard'));
    expect(found.map((e) => (e.kind === 'frame' ? toHex(e.frame) : e.kind))).toEqual([
      REPLIES.findCardPresent,
    ]);
    const selected = await host.exchange(requestFrame('selectCard'));
    expect(selected.map((e) => (e.kind === 'frame' ? toHex(e.frame) : e.kind))).toEqual([REPLIES.selectOk]);
  });

  it('answers read with no card 41, and select of an already read card 81', async () => {
    const { host, simulator } = await setup();
    const read = await host.exchange(requestFrame('readTextPhoto'));
    expect(read.map((e) => (e.kind === 'frame' ? toHex(e.frame) : e.kind))).toEqual([REPLIES.readNoCard]);
    simulator.placeCard(SAMPLE_CARDS.resident);
    expect(sw3Of(await host.exchange(requestFrame('selectCard')))).toEqual([0x90]);
    expect(sw3Of(await host.exchange(requestFrame('readTextPhoto')))).toEqual([0x90]);
    expect(sw3Of(await host.exchange(requestFrame('selectCard')))).toEqual([0x81]);
    simulator.liftCard();
    simulator.placeCard(SAMPLE_CARDS.resident);
    expect(sw3Of(await host.exchange(requestFrame('selectCard')))).toEqual([0x90]);
  });

  it('reads text, photo and fingerprint (30 10), and has no newer address (30 03 -> 91)', async () => {
    const { host, simulator } = await setup();
    const photo = demoPhoto('fp');
    simulator.placeCard(SAMPLE_CARDS.foreignPermanent2017, photo);
    await host.exchange(requestFrame('selectCard'));
    const [reply] = await host.exchange(requestFrame('readTextPhotoFingerprint'));
    expect(reply?.kind).toBe('frame');
    if (reply?.kind !== 'frame') return;
    expect(reply.frame.length).toBe(7 + 3 + 6 + 256 + 1024 + 1024 + 1);
    const payload = decodeReadPayload(decodeResponseBody(reply.body)?.data ?? new Uint8Array(), true);
    expect(decodeTextBlock(payload.text)).toEqual(SAMPLE_CARDS.foreignPermanent2017);
    expect(payload.photo).toEqual(photo);
    expect(payload.fingerprint?.length).toBe(1024);
    simulator.liftCard();
    simulator.placeCard(SAMPLE_CARDS.foreignPermanent2017);
    await host.exchange(requestFrame('selectCard'));
    expect(sw3Of(await host.exchange(requestFrame('readNewestAddress')))).toEqual([0x91]);
  });

  it('answers the SAM commands, and a 16-byte SAM id', async () => {
    const { host } = await setup();
    expect(sw3Of(await host.exchange(requestFrame('resetSam')))).toEqual([0x90]);
    expect(sw3Of(await host.exchange(requestFrame('samStatus')))).toEqual([0x90]);
    const [id] = await host.exchange(requestFrame('samId'));
    expect(id?.kind === 'frame' && decodeResponseBody(id.body)?.data.length).toBe(16);
  });

  it('answers an unknown command 21, a bad checksum 10 and an impossible length 11', async () => {
    const { host } = await setup();
    expect(sw3Of(await host.exchange(buildRequest(0x55, 0x01)))).toEqual([0x21]);
    const bad = requestFrame('findCard');
    bad[bad.length - 1] = 0x00;
    expect(sw3Of(await host.exchange(bad))).toEqual([0x10]);
    expect(sw3Of(await host.exchange(fromHex('AAAAAA9669FFFF')))).toEqual([0x11]);
  });

  it.each([
    ['noCard', 'findCard', 0x80],
    ['readFailed', 'readTextPhoto', 0x41],
    ['samNotAuthorised', 'findCard', 0x66],
    ['samSelfTestFailed', 'resetSam', 0x60],
    ['samSelfTestFailed', 'samStatus', 0x60],
  ] as const)('fault %s makes %s answer %i', async (fault, command, sw3) => {
    const { host, simulator } = await setup();
    simulator.placeCard(SAMPLE_CARDS.resident);
    await host.exchange(requestFrame('selectCard'));
    await simulator.setFault(fault);
    expect(sw3Of(await host.exchange(requestFrame(command)))).toEqual([sw3]);
  });

  it('checksumError sends a whole frame with a wrong CHK', async () => {
    const { host, simulator } = await setup();
    await simulator.setFault('checksumError');
    const events = await host.exchange(requestFrame('findCard'));
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['badChecksum']));
    expect(events.some((e) => e.kind === 'frame')).toBe(false);
  });

  it('garbledFrame sends junk, never an acceptable frame', async () => {
    const { host, simulator } = await setup();
    await simulator.setFault('garbledFrame');
    for (let i = 0; i < 20; i++) {
      const events = await host.exchange(requestFrame('findCard'), 5);
      expect(events.length).toBeGreaterThan(0);
      expect(events.some((e) => e.kind === 'frame')).toBe(false);
    }
  });

  it('unplugMidFrame sends half a reply, pulls the plug, and plugs back when the fault is cleared', async () => {
    const { host, simulator, pair } = await setup();
    simulator.placeCard(SAMPLE_CARDS.resident);
    await simulator.setFault('unplugMidFrame');
    const seen: number[] = [];
    pair.a.onData((chunk) => seen.push(chunk.length));
    await pair.a.write(requestFrame('findCard'));
    await delay(20);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(8); // 8 of the 15 bytes
    expect(pair.plugged).toBe(false);
    expect(pair.a.isOpen).toBe(false);
    await simulator.setFault('none');
    expect(pair.plugged).toBe(true);
    await pair.a.open();
    expect(sw3Of(await host.exchange(requestFrame('findCard')))).toEqual([0x9f]);
  });

  it('reopens its end by itself when the line comes back', async () => {
    const { host, pair } = await setup();
    pair.unplug();
    await delay(120);
    pair.plug();
    await delay(120);
    await pair.a.open();
    expect(sw3Of(await host.exchange(requestFrame('samStatus')))).toEqual([0x90]);
  });

  it('models wire time when asked (wireBaud), for lines that deliver at once', async () => {
    const pair = createMemoryTransportPair({ byteMicros: 0 });
    const simulator = new IdCardSimulator(pair.b, {
      timing: { ...INSTANT_TIMING, wireBaud: 115200 },
      logger: quietLogger(),
    });
    await simulator.start();
    stops.push(() => simulator.stop());
    const host = await rawHost(pair);
    simulator.placeCard(SAMPLE_CARDS.resident);
    await host.exchange(requestFrame('selectCard'));
    host.events.length = 0;
    const started = performance.now();
    await pair.a.write(requestFrame('readTextPhoto'));
    while (!host.events.some((e) => e.kind === 'frame')) await delay(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('refuses a card it could not carry', () => {
    const simulator = new IdCardSimulator(createMemoryTransportPair().b, { logger: quietLogger() });
    expect(() => simulator.placeCard({ ...SAMPLE_CARDS.resident, name: '名'.repeat(20) })).toThrow(
      RangeError,
    );
    expect(() => simulator.placeCard(SAMPLE_CARDS.resident, new Uint8Array(10))).toThrow(/1024 bytes/);
    expect(simulator.cardOnReader).toBe(false);
  });
});

describe('simulator control', () => {
  it('HTTP and in-process controls drive the same simulator', async () => {
    const { simulator, control } = await setup();
    const server = await startIdCardControlServer(control, { host: '127.0.0.1', port: 0 });
    stops.push(() => server.close());
    const http = httpControl(server.url);
    expect(await http.state()).toEqual({ cardOnReader: false, fault: 'none' });
    const photo = demoPhoto('http');
    await http.placeCard(SAMPLE_CARDS.hkMacaoTaiwan, photo);
    expect(simulator.cardOnReader).toBe(true);
    await http.setFault('readFailed');
    expect(await control.state()).toEqual({ cardOnReader: true, fault: 'readFailed' });
    await http.liftCard();
    expect(await http.state()).toEqual({ cardOnReader: false, fault: 'readFailed' });
  });

  it('answers bad requests with { ok: false, code, message }', async () => {
    const { control } = await setup();
    const server = await startIdCardControlServer(control, { host: '127.0.0.1', port: 0 });
    stops.push(() => server.close());
    const put = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'PUT', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { ok: boolean; code?: string; message?: string; field?: string },
      }));
    expect(await put('/fault', { fault: 'onFire' })).toMatchObject({
      status: 400,
      body: { ok: false, code: 'INVALID_INPUT' },
    });
    expect(await put('/card', { identity: { cardType: 'resident' } })).toMatchObject({
      status: 400,
      body: { ok: false, code: 'INVALID_INPUT', field: 'identity' },
    });
    const tooLong = { ...SAMPLE_CARDS.resident, address: '很'.repeat(36) };
    const refused = await put('/card', { identity: tooLong });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('address needs 72 bytes');
    const missing = await fetch(`${server.url}/nothing`);
    expect(missing.status).toBe(404);
    await expect(httpControl(server.url).setFault('onFire' as never)).rejects.toMatchObject({
      name: 'ControlError',
      code: 'INVALID_INPUT',
    });
  });
});
