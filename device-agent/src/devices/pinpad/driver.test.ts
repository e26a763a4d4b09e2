import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryLineOptions } from '../../transport/memory.ts';
import type { Transport } from '../../transport/transport.ts';
import { createPinPadDriver, type PinPadDriverOptions } from './driver.ts';
import { createInProcessSimulator, type InProcessPinPadSimulator } from './factory.ts';
import type { PinEntryRequest, PinPad, PinPadEvent, PinPadFault } from './pinpad.ts';
import { FrameParser } from './protocol/parser.ts';
import { decryptPinBlock, keyCheckValue, wrapWorkingKey } from './protocol/pin-block.ts';
import { DEMO_MASTER_KEY, DEMO_PIN_KEY, INSTANT_TIMING, type PinPadSimulatorOptions } from './simulator.ts';
import { capturingLogger, delay, quietLogger, waitForEvent, waitForStatus } from './testing.ts';

const FAST: PinPadDriverOptions = {
  pollIntervalMs: 10,
  commandTimeoutMs: 100,
  reconnectMs: { initial: 20, max: 100 },
};

const ACCOUNT = '6222021234567890128';
const ENTRY: PinEntryRequest = { accountNumber: ACCOUNT, minLength: 4, maxLength: 6, timeoutMs: 3000 };

interface Rig extends InProcessPinPadSimulator {
  pinpad: PinPad;
  events: PinPadEvent[];
}

const rigs: Rig[] = [];

async function rig(
  options: {
    line?: MemoryLineOptions;
    driver?: Partial<PinPadDriverOptions>;
    simulator?: Omit<PinPadSimulatorOptions, 'line'>;
    fault?: PinPadFault;
    transport?: (host: Transport) => Transport;
  } = {},
): Promise<Rig> {
  const sim = createInProcessSimulator({
    line: options.line ?? { byteMicros: 0 },
    simulator: { timing: INSTANT_TIMING, logger: quietLogger(), reopenMs: 10, ...options.simulator },
  });
  await sim.simulator.start();
  if (options.fault) await sim.simulator.setFault(options.fault);
  const host = options.transport ? options.transport(sim.pair.a) : sim.pair.a;
  const pinpad = createPinPadDriver(host, { ...FAST, logger: quietLogger(), ...options.driver });
  const events: PinPadEvent[] = [];
  pinpad.on((event) => events.push(event));
  const made = { ...sim, pinpad, events };
  rigs.push(made);
  await pinpad.start();
  return made;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.pinpad.stop();
    await r.simulator.stop();
  }
});

const keyCounts = (events: PinPadEvent[]) => events.flatMap((e) => (e.type === 'keys' ? [e.count] : []));

/**
 * Starts an entry and waits until the pad is in PIN-entry mode, ready for keys. The result comes wrapped:
 * an async function returning the bare promise would wait for the whole entry.
 */
async function startEntry(r: Rig, request: Partial<PinEntryRequest> = {}, signal?: AbortSignal) {
  const started = waitForEvent(r.pinpad, 'keys', 2000, (e) => e.count === 0);
  const outcome = r.pinpad.enterPin({ ...ENTRY, ...request }, signal);
  await started;
  return { outcome };
}

describe('PIN pad driver with the simulator over a memory pair', () => {
  it('checks the pad on start: online, with its working key', async () => {
    const { pinpad } = await rig();
    expect(pinpad.status).toEqual({ device: 'online', media: 'unknown', encryptor: 'ready', detail: null });
  });

  it('a PIN entry: keys counted as they come, busy meanwhile, the block decrypts to the PIN', async () => {
    const r = await rig();
    const pending = await startEntry(r);
    expect(r.pinpad.status.device).toBe('busy');
    await r.control.press('123456E');
    const result = await pending.outcome;
    expect(result.completion).toBe('success');
    if (result.completion !== 'success') return;
    expect(result.pinBlockHex).toMatch(/^[0-9a-f]{32}$/);
    expect(decryptPinBlock(DEMO_PIN_KEY, result.pinBlockHex, ACCOUNT)).toBe('123456');
    expect(keyCounts(r.events)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(r.pinpad.status.device).toBe('online');
    expect((await r.control.state()).mode).toBe('idle');
  });

  it('backspace takes a digit back; digits past maxLength and enter before minLength are ignored', async () => {
    const r = await rig();
    let pending = await startEntry(r);
    await r.control.press('12B3E45678E'); // 1 2 ⌫ 3 (enter refused: 2 digits) 4 5 6 7 (ignored) 8 (ignored)
    let result = await pending.outcome;
    expect(
      result.completion === 'success' && decryptPinBlock(DEMO_PIN_KEY, result.pinBlockHex, ACCOUNT),
    ).toBe('134567');
    expect(keyCounts(r.events)).toEqual([0, 1, 2, 1, 2, 3, 4, 5, 6]);

    pending = await startEntry(r, { minLength: 4, maxLength: 4 });
    await r.control.press('9999');
    await r.control.press('E');
    result = await pending.outcome;
    expect(
      result.completion === 'success' && decryptPinBlock(DEMO_PIN_KEY, result.pinBlockHex, ACCOUNT),
    ).toBe('9999');
  });

  it('the cancel key: canceled / userCanceled, and the pad is idle again', async () => {
    const r = await rig();
    const pending = await startEntry(r);
    await r.control.press('12C');
    expect(await pending.outcome).toEqual({
      completion: 'canceled',
      errorCode: 'userCanceled',
      detail: 'the cancel key was pressed',
    });
    expect(keyCounts(r.events).at(-1)).toBe(0);
    expect((await r.control.state()).mode).toBe('idle');
  });

  it('the AbortSignal: canceled, and the entry is canceled on the pad', async () => {
    const r = await rig();
    const abort = new AbortController();
    const pending = await startEntry(r, {}, abort.signal);
    await r.control.press('12');
    abort.abort();
    expect(await pending.outcome).toMatchObject({ completion: 'canceled', errorCode: null });
    expect(await r.control.state()).toMatchObject({ mode: 'idle', keysDown: 0 });
  });

  it('an AbortSignal already aborted: canceled before any byte goes out', async () => {
    const r = await rig();
    expect(await r.pinpad.enterPin(ENTRY, AbortSignal.abort())).toMatchObject({ completion: 'canceled' });
    expect((await r.control.state()).mode).toBe('idle');
  });

  it('nobody presses enter: timeout, and the entry is canceled on the pad', async () => {
    const r = await rig();
    const pending = await startEntry(r, { timeoutMs: 150 });
    await r.control.press('12');
    expect(await pending.outcome).toMatchObject({ completion: 'timeout', errorCode: null });
    expect(await r.control.state()).toMatchObject({ mode: 'idle', keysDown: 0 });
  });

  it.each([
    [{ accountNumber: '12345' }, /accountNumber/],
    [{ accountNumber: '622202123456789012X' }, /accountNumber/],
    [{ minLength: 3 }, /minLength/],
    [{ minLength: 6, maxLength: 5 }, /maxLength/],
    [{ maxLength: 13 }, /maxLength/],
    [{ timeoutMs: 0 }, /timeoutMs/],
  ])('refuses %o with invalidData before any byte goes out', async (change, detail) => {
    let writes = 0;
    const r = await rig({
      transport: (host) => ({
        get description() {
          return host.description;
        },
        get isOpen() {
          return host.isOpen;
        },
        open: () => host.open(),
        close: () => host.close(),
        write: (bytes) => {
          writes += 1;
          return host.write(bytes);
        },
        onData: (listener) => host.onData(listener),
        onDisconnect: (listener) => host.onDisconnect(listener),
      }),
      driver: { pollIntervalMs: 10_000 },
    });
    const before = writes;
    const result = await r.pinpad.enterPin({ ...ENTRY, ...change });
    expect(result).toMatchObject({ completion: 'invalidData', errorCode: null });
    expect(result.completion !== 'success' && result.detail).toMatch(detail);
    // The message names the rule, never the digits it was given.
    expect(JSON.stringify(result)).not.toContain('12345');
    expect(writes).toBe(before);
  });

  it('sends one command at a time; two entries run one after the other', async () => {
    let outstanding = 0;
    let maxOutstanding = 0;
    const replies = new FrameParser();
    const r = await rig({
      line: { byteMicros: 0, chunking: { maxBytes: 3 } },
      transport: (host) => {
        host.onData((chunk) => {
          outstanding -= replies.push(chunk).filter((e) => e.kind === 'frame').length;
        });
        return {
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
      },
      driver: { pollIntervalMs: 1 },
    });
    const first = await startEntry(r);
    const second = r.pinpad.enterPin({ ...ENTRY, minLength: 4, maxLength: 4 });
    await delay(30);
    expect((await r.control.state()).mode).toBe('pinEntry');
    await r.control.press('1111E');
    expect((await first.outcome).completion).toBe('success');
    await waitForEvent(r.pinpad, 'keys', 2000, (e) => e.count === 0);
    await r.control.press('2222E');
    const result = await second;
    expect(
      result.completion === 'success' && decryptPinBlock(DEMO_PIN_KEY, result.pinBlockHex, ACCOUNT),
    ).toBe('2222');
    expect(maxOutstanding).toBe(1);
  });

  it('works on a 9600-baud line delivering in small pieces', async () => {
    const r = await rig({ line: { byteMicros: 1e7 / 9600, chunking: { maxBytes: 4 } } });
    const pending = await startEntry(r);
    await r.control.press('4321E');
    const result = await pending.outcome;
    expect(
      result.completion === 'success' && decryptPinBlock(DEMO_PIN_KEY, result.pinBlockHex, ACCOUNT),
    ).toBe('4321');
  });
});

describe('working keys', () => {
  it('a pad with no key: encryptor noKey, entry refused with keyNotLoaded; a loaded key makes it ready', async () => {
    const r = await rig({ simulator: { pinKeyHex: null } });
    expect(r.pinpad.status.encryptor).toBe('noKey');
    expect(await r.pinpad.enterPin(ENTRY)).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'keyNotLoaded',
    });
    const workingKey = 'fedcba98765432100123456789abcdef';
    const load = await r.pinpad.loadWorkingKey({
      encryptedKeyHex: Buffer.from(wrapWorkingKey(DEMO_MASTER_KEY, workingKey)).toString('hex'),
      checkValueHex: Buffer.from(keyCheckValue(workingKey)).toString('hex'),
    });
    expect(load).toEqual({ completion: 'success' });
    expect(r.pinpad.status.encryptor).toBe('ready');
    const pending = await startEntry(r);
    await r.control.press('2468E');
    const result = await pending.outcome;
    expect(result.completion === 'success' && decryptPinBlock(workingKey, result.pinBlockHex, ACCOUNT)).toBe(
      '2468',
    );
  });

  it('a key whose check value does not match is refused: invalidData / keyCheckFailed', async () => {
    const r = await rig();
    const result = await r.pinpad.loadWorkingKey({
      encryptedKeyHex: Buffer.from(
        wrapWorkingKey(DEMO_MASTER_KEY, 'fedcba98765432100123456789abcdef'),
      ).toString('hex'),
      checkValueHex: '00000000',
    });
    expect(result).toMatchObject({ completion: 'invalidData', errorCode: 'keyCheckFailed' });
    expect(await r.pinpad.loadWorkingKey({ encryptedKeyHex: 'zz', checkValueHex: '00000000' })).toMatchObject(
      {
        completion: 'invalidData',
      },
    );
  });
});

describe('faults, and recovery after each', () => {
  it('keyStuck: hardwareError, entry refused with deviceFault; back online when cleared', async () => {
    const r = await rig();
    await r.simulator.setFault('keyStuck');
    const broken = await waitForStatus(r.pinpad, (s) => s.device === 'hardwareError');
    expect(broken.detail).toBe('a key is stuck');
    expect(await r.pinpad.enterPin(ENTRY)).toMatchObject({
      completion: 'hardwareError',
      errorCode: 'deviceFault',
    });
    await r.simulator.setFault('none');
    await waitForStatus(r.pinpad, (s) => s.device === 'online');
    const pending = await startEntry(r);
    await r.control.press('1357E');
    expect((await pending.outcome).completion).toBe('success');
  });

  it('keyStuck during an entry: the pad ends it, hardwareError / deviceFault', async () => {
    const r = await rig();
    const pending = await startEntry(r);
    await r.control.press('12');
    await r.simulator.setFault('keyStuck');
    expect(await pending.outcome).toMatchObject({ completion: 'hardwareError', errorCode: 'deviceFault' });
  });

  it('clearDigits: a pad that sends a digit in clear gets its entry canceled, and the digit goes nowhere', async () => {
    const { logger, lines } = capturingLogger();
    const r = await rig({ fault: 'clearDigits', driver: { logger } });
    const pending = await startEntry(r);
    await r.control.press('7');
    expect(await pending.outcome).toMatchObject({ completion: 'hardwareError', errorCode: 'protocolError' });
    expect((await r.control.state()).mode).toBe('idle');
    expect(JSON.stringify(r.events)).not.toContain('7');
    expect(lines.join('\n')).toContain('clear digit');
  });

  it('unplugged: noDevice, calls answer deviceNotReady; plugged back, online and working', async () => {
    const r = await rig();
    await r.simulator.setFault('unplugged');
    await waitForStatus(r.pinpad, (s) => s.device === 'noDevice');
    expect(r.pair.plugged).toBe(false);
    expect(await r.pinpad.enterPin(ENTRY)).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
    await r.simulator.setFault('none');
    await waitForStatus(r.pinpad, (s) => s.device === 'online');
    const pending = await startEntry(r);
    await r.control.press('8642E');
    expect((await pending.outcome).completion).toBe('success');
  });

  it('unplugged in the middle of an entry: hardwareError / noDevice at once', async () => {
    const r = await rig({ driver: { pollIntervalMs: 10_000 } });
    const pending = await startEntry(r);
    await r.control.press('12');
    r.pair.unplug('cable pulled');
    expect(await pending.outcome).toMatchObject({ completion: 'hardwareError', errorCode: 'noDevice' });
    expect(r.pinpad.status.device).toBe('noDevice');
  });

  it.each([
    ['garbledFrame', /checksum|broken reply|no reply|check failed/],
    ['noResponse', /no reply/],
  ] as const)('%s: offline with a detail, then back online', async (fault, detail) => {
    const r = await rig();
    await r.simulator.setFault(fault);
    const offline = await waitForStatus(r.pinpad, (s) => s.device === 'offline');
    expect(offline.detail).toMatch(detail);
    expect(await r.pinpad.enterPin(ENTRY)).toMatchObject({ completion: 'deviceNotReady' });
    await r.simulator.setFault('none');
    await waitForStatus(r.pinpad, (s) => s.device === 'online');
    const pending = await startEntry(r);
    await r.control.press('5555E');
    expect((await pending.outcome).completion).toBe('success');
  });

  it('not started: deviceNotReady', async () => {
    const sim = createInProcessSimulator({ line: { byteMicros: 0 } });
    const pinpad = createPinPadDriver(sim.pair.a, { ...FAST, logger: quietLogger() });
    expect(await pinpad.enterPin(ENTRY)).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
  });
});

describe('privacy', () => {
  it('no digit of the PIN, and not the account number, reaches a log line or an event', async () => {
    const driverLog = capturingLogger();
    const simulatorLog = capturingLogger();
    const r = await rig({
      driver: { logger: driverLog.logger },
      simulator: { logger: simulatorLog.logger },
      line: { byteMicros: 0, chunking: { maxBytes: 2 } },
    });
    // A PIN of digits that appear nowhere else in what is logged (counts and lengths stay below 7).
    const pin = '987987';
    const pending = await startEntry(r);
    await r.control.press('987B7987'); // 9 8 7 ⌫ 7 9 8 7
    await r.control.press('E');
    const result = await pending.outcome;
    expect(
      result.completion === 'success' && decryptPinBlock(DEMO_PIN_KEY, result.pinBlockHex, ACCOUNT),
    ).toBe(pin);
    // Everything the driver and the simulator logged, minus the fields pino adds (time, pid, hostname).
    const logged = [...driverLog.lines, ...simulatorLog.lines].map((line) => {
      const {
        time: _time,
        pid: _pid,
        hostname: _hostname,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    expect(logged.length).toBeGreaterThan(3);
    expect(logged.join('\n')).toContain('PIN entry started');
    const events = JSON.stringify(r.events);
    for (const text of [logged.join('\n'), events]) {
      for (const digit of new Set(pin)) expect(text).not.toContain(digit);
      expect(text).not.toContain(ACCOUNT.slice(-13, -1));
    }
    expect(keyCounts(r.events)).toEqual([0, 1, 2, 3, 2, 3, 4, 5, 6]);
  });
});

describe('clear PIN entry (the social security card PIN, verified on the card)', () => {
  const CARD_PIN = { minLength: 6, maxLength: 6, timeoutMs: 3000 };

  async function startClear(r: Rig, request: Partial<typeof CARD_PIN> = {}, signal?: AbortSignal) {
    const started = waitForEvent(r.pinpad, 'keys', 2000, (e) => e.count === 0);
    const outcome = r.pinpad.enterClearPin({ ...CARD_PIN, ...request }, signal);
    await started;
    return { outcome };
  }

  it('the pad reports digits as 0x30-0x39, enter 0x0D and 0xAA; the digits come back to the caller', async () => {
    const r = await rig();
    const seen: number[] = [];
    r.pair.a.onData((chunk) => {
      // Key bytes only (frames start with STX 02 and are longer).
      if (chunk.length <= 2 && chunk[0] !== 0x02) seen.push(...chunk);
    });
    const pending = await startClear(r);
    expect(await r.control.state()).toMatchObject({ mode: 'clearEntry' });
    await r.control.press('1234B456E');
    expect(await pending.outcome).toEqual({ completion: 'success', pin: '123456' });
    expect(seen).toEqual([0x31, 0x32, 0x33, 0x34, 0x08, 0x34, 0x35, 0x36, 0x0d, 0xaa]);
    expect(keyCounts(r.events)).toEqual([0, 1, 2, 3, 4, 3, 4, 5, 6]);
    expect(r.pinpad.status.device).toBe('online');
    expect(await r.control.state()).toMatchObject({ mode: 'idle', keysDown: 0 });
  });

  it('needs no working key; enter before the length is refused by the pad; cancel and timeout', async () => {
    const r = await rig({ simulator: { pinKeyHex: null } });
    const first = await startClear(r);
    await r.control.press('12E3456'); // enter ignored at 2 digits
    await r.control.press('C');
    expect(await first.outcome).toMatchObject({ completion: 'canceled', errorCode: 'userCanceled' });
    const second = await startClear(r, { timeoutMs: 100 });
    await r.control.press('12');
    expect(await second.outcome).toMatchObject({ completion: 'timeout' });
    expect(await r.control.state()).toMatchObject({ mode: 'idle' });
  });

  it('refuses bad lengths before anything goes to the pad', async () => {
    const r = await rig();
    expect(await r.pinpad.enterClearPin({ minLength: 3, maxLength: 6, timeoutMs: 1000 })).toMatchObject({
      completion: 'invalidData',
    });
    expect(await r.pinpad.enterClearPin({ minLength: 6, maxLength: 6, timeoutMs: 0 })).toMatchObject({
      completion: 'invalidData',
    });
  });

  it('the bank PIN entry still refuses clear digits after a clear entry', async () => {
    const r = await rig();
    const clear = await startClear(r);
    await r.control.press('654321E');
    expect(await clear.outcome).toEqual({ completion: 'success', pin: '654321' });
    const pending = await startEntry(r);
    await r.control.press('1234E');
    const result = await pending.outcome;
    expect(
      result.completion === 'success' && decryptPinBlock(DEMO_PIN_KEY, result.pinBlockHex, ACCOUNT),
    ).toBe('1234');
  });

  it('no digit reaches a log line, the status or an event', async () => {
    const driverLog = capturingLogger();
    const simulatorLog = capturingLogger();
    const r = await rig({
      driver: { logger: driverLog.logger },
      simulator: { logger: simulatorLog.logger },
      line: { byteMicros: 0, chunking: { maxBytes: 2 } },
    });
    const statuses: string[] = [];
    r.pinpad.on((event) => {
      if (event.type === 'status') statuses.push(JSON.stringify(event.status));
    });
    // Digits that appear nowhere else in what is logged (counts and lengths stay below 7).
    const pending = await startClear(r);
    await r.control.press('987B7987');
    await r.control.press('E');
    expect(await pending.outcome).toEqual({ completion: 'success', pin: '987987' });
    const timed = await startClear(r, { timeoutMs: 100 });
    await r.control.press('98');
    const failedResult = await timed.outcome;
    const logged = [...driverLog.lines, ...simulatorLog.lines].map((line) => {
      const {
        time: _time,
        pid: _pid,
        hostname: _hostname,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    expect(logged.join('\n')).toContain('clear PIN entry started');
    for (const text of [
      logged.join('\n'),
      JSON.stringify(r.events),
      statuses.join('\n'),
      JSON.stringify(r.pinpad.status),
      JSON.stringify(failedResult),
    ]) {
      for (const digit of ['7', '8', '9']) expect(text).not.toContain(digit);
    }
  });
});
