import {
  deriveCardKey,
  type Ef05Data,
  type Ef06Data,
  encodeEf05,
  encodeEf06,
  externalAuthCryptogram,
} from '@sik/contract/ssse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../transport/transport.ts';
import type { ChipEncoder } from './chip-encoder.ts';
import { createChipEncoderDriver } from './driver.ts';
import { createInProcessSimulator, type InProcessChipEncoderSimulator } from './factory.ts';
import { FrameParser, REQUEST } from './protocol/frame.ts';
import { capturingLogger, quietLogger, waitForStatus } from './testing.ts';

const MASTER = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const SERIAL = 'SN20261124001';
const CHALLENGE = Buffer.from('1122334455667788', 'hex');
/** Synthetic data: not a real person. */
const EF05: Ef05Data = {
  cardIdentificationCode: '110000D15600000A',
  cardClass: '3',
  specVersion: '3.00',
  issuingOrganisation: '110000',
  issueDate: '2026-11-24',
  expiryDate: '2036-11-24',
  cardNumber: 'A12345678',
};
const EF06: Ef06Data = {
  socialSecurityNumber: '11010519491231002X',
  name: '张三',
  sex: '1',
  nation: '01',
  birthplace: '110105',
  birthDate: '1949-12-31',
};

/** The driver's end of the line, recording every APDU it sends (hex) for byte-exact assertions. */
function recording(transport: Transport): { transport: Transport; apdus: string[] } {
  const apdus: string[] = [];
  const parser = new FrameParser((frame) => {
    if (frame.type === REQUEST.transmit) apdus.push(frame.data.toString('hex').toUpperCase());
  });
  const wrapped: Transport = {
    get description() {
      return transport.description;
    },
    get isOpen() {
      return transport.isOpen;
    },
    open: () => transport.open(),
    close: () => transport.close(),
    write: (bytes) => {
      parser.push(bytes);
      return transport.write(bytes);
    },
    onData: (listener) => transport.onData(listener),
    onDisconnect: (listener) => transport.onDisconnect(listener),
  };
  return { transport: wrapped, apdus };
}

describe('chip encoder driver against the simulator', () => {
  let sim: InProcessChipEncoderSimulator;
  let encoder: ChipEncoder;
  let apdus: string[];
  let logLines: string[];

  beforeEach(async () => {
    sim = createInProcessSimulator({
      line: { byteMicros: 0, chunking: { maxBytes: 7 } },
      simulator: { masterKey: MASTER, challenge: () => Buffer.from(CHALLENGE), logger: quietLogger() },
    });
    await sim.simulator.start();
    const rec = recording(sim.pair.a);
    apdus = rec.apdus;
    const captured = capturingLogger();
    logLines = captured.lines;
    encoder = createChipEncoderDriver(rec.transport, { commandTimeoutMs: 1000, logger: captured.logger });
  });

  afterEach(async () => {
    await encoder.stop();
    await sim.simulator.stop();
  });

  async function authenticate(serial = SERIAL, master = MASTER) {
    const challenge = await encoder.getChallenge();
    if (challenge.completion !== 'success') throw new Error(challenge.detail);
    return encoder.externalAuthenticate(
      externalAuthCryptogram(deriveCardKey(master, serial), challenge.challenge),
    );
  }

  it('empty station: online, notPresent; openCard says noCard', async () => {
    await encoder.start();
    expect(encoder.status).toEqual({ device: 'online', media: 'notPresent', detail: null });
    expect(await encoder.openCard()).toMatchObject({ completion: 'deviceNotReady', errorCode: 'noCard' });
  });

  it('personalises a blank card with byte-exact APDUs and reads it back', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    expect(encoder.status.media).toBe('present');
    expect(await encoder.openCard()).toMatchObject({ completion: 'success', serial: SERIAL });
    const auth = await authenticate();
    expect(auth).toEqual({ completion: 'success' });
    const cryptogram = externalAuthCryptogram(deriveCardKey(MASTER, SERIAL), CHALLENGE).toString('hex');
    expect(apdus).toEqual([
      `80CA000100`,
      '00A404000F7378312E73682EC9E7BBE1B1A3D5CF',
      '0084000008',
      `0082000110${cryptogram.toUpperCase()}`,
    ]);
    apdus.length = 0;
    expect(await encoder.writeFile('EF05', encodeEf05(EF05))).toEqual({ completion: 'success' });
    expect(apdus.slice(0, 3)).toEqual([
      '00A4000002EF05',
      '00DC010412011031313030303044313536303030303041',
      '00B2010400',
    ]);
    expect(apdus).toHaveLength(1 + 7 * 2);
    expect(apdus).toContain('00DC07040B0709413132333435363738');
    expect(apdus).toContain('00DC050406050420261124');
    expect(await encoder.writeFile('EF06', encodeEf06(EF06))).toEqual({ completion: 'success' });
    expect(await encoder.setPin('246810')).toEqual({ completion: 'success' });
    expect(apdus.at(-1)).toBe('805E000003246810');

    const ef05 = await encoder.readEf05();
    expect(ef05).toEqual({ completion: 'success', data: EF05 });
    expect(await encoder.readEf06()).toEqual({ completion: 'success', data: EF06 });
    expect(await encoder.verifyPin('246810')).toEqual({ completion: 'success' });
    expect(apdus.at(-1)).toBe('0020000003246810');
    expect(sim.simulator.card(SERIAL)?.ef05[7]).toBe('0709413132333435363738');
    // no personal data in the logs: not the name, not the SSN, not the PIN
    const log = logLines.join('\n');
    expect(log).not.toMatch(/11010519491231002X|张三|246810|A12345678/);
    expect(log).toContain(SERIAL);
  });

  it('refuses writes without authentication and with a wrong cryptogram', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    await encoder.openCard();
    const [first] = encodeEf05(EF05);
    if (!first) throw new Error('no record');
    expect(await encoder.writeFile('EF05', [first])).toMatchObject({
      completion: 'invalidData',
      errorCode: 'authFailed',
      sw: '6982',
    });
    // a cryptogram for another card's key
    expect(await authenticate('SN-OTHER')).toMatchObject({ errorCode: 'authFailed', sw: '6982' });
    expect(await encoder.writeFile('EF05', [first])).toMatchObject({ errorCode: 'authFailed' });
    // a cryptogram under another master key
    expect(await authenticate(SERIAL, Buffer.alloc(16, 7))).toMatchObject({ errorCode: 'authFailed' });
    // a replayed cryptogram: the challenge is used up
    const challenge = await encoder.getChallenge();
    if (challenge.completion !== 'success') throw new Error('challenge');
    const good = externalAuthCryptogram(deriveCardKey(MASTER, SERIAL), challenge.challenge);
    expect(await encoder.externalAuthenticate(good)).toEqual({ completion: 'success' });
    expect(await encoder.externalAuthenticate(good)).toMatchObject({ errorCode: 'cardError', sw: '6985' });
    expect(sim.simulator.card(SERIAL)?.ef05).toEqual({});
    // the failed attempt dropped the authentication
    expect(await encoder.setPin('111111')).toMatchObject({ errorCode: 'authFailed' });
  });

  it('blocks the PIN after 3 wrong tries; only set PIN after authentication unblocks', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    await encoder.openCard();
    expect(await encoder.verifyPin('000000')).toMatchObject({
      errorCode: 'pinWrong',
      triesLeft: 2,
      sw: '63C2',
    });
    expect(await encoder.verifyPin('123456')).toEqual({ completion: 'success' }); // resets the counter
    expect(await encoder.verifyPin('000000')).toMatchObject({ errorCode: 'pinWrong', triesLeft: 2 });
    expect(await encoder.verifyPin('000001')).toMatchObject({ errorCode: 'pinWrong', triesLeft: 1 });
    expect(await encoder.verifyPin('000002')).toMatchObject({
      completion: 'userError',
      errorCode: 'pinBlocked',
      triesLeft: 0,
      sw: '63C0',
    });
    expect(await encoder.verifyPin('123456')).toMatchObject({ errorCode: 'pinBlocked', sw: '6983' });
    expect(await encoder.changePin('123456', '654321')).toMatchObject({ errorCode: 'pinBlocked' });
    expect(sim.simulator.card(SERIAL)).toMatchObject({ pinBlocked: true, pinTriesLeft: 0 });
    expect(await authenticate()).toEqual({ completion: 'success' });
    expect(await encoder.setPin('654321')).toEqual({ completion: 'success' });
    expect(await encoder.verifyPin('654321')).toEqual({ completion: 'success' });
    expect(await encoder.changePin('654321', '112233')).toEqual({ completion: 'success' });
    expect(apdus.at(-1)).toBe('805E010007654321FF112233');
    expect(await encoder.verifyPin('112233')).toEqual({ completion: 'success' });
  });

  it('fault writeError: writeFailed, nothing stored', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    await encoder.openCard();
    await authenticate();
    await sim.control.setFault('writeError');
    expect(await encoder.writeFile('EF05', encodeEf05(EF05))).toMatchObject({
      completion: 'hardwareError',
      errorCode: 'writeFailed',
      sw: '6581',
    });
    expect(sim.simulator.card(SERIAL)?.ef05).toEqual({});
  });

  it('fault readBackCorruption: the write is caught by the read-back', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    await encoder.openCard();
    await authenticate();
    await sim.control.setFault('readBackCorruption');
    expect(await encoder.writeFile('EF05', encodeEf05(EF05))).toMatchObject({
      completion: 'hardwareError',
      errorCode: 'verifyFailed',
    });
  });

  it('fault noCard and muteCard', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    await sim.control.setFault('noCard');
    expect(await encoder.openCard()).toMatchObject({ errorCode: 'noCard' });
    expect(encoder.status.media).toBe('notPresent');
    await sim.control.setFault('muteCard');
    expect(await encoder.openCard()).toMatchObject({ completion: 'hardwareError', errorCode: 'cardMute' });
    expect(await encoder.readRecord(1)).toMatchObject({ errorCode: 'cardMute' });
    await sim.control.setFault('none');
    expect(await encoder.openCard()).toMatchObject({ completion: 'success' });
    await sim.control.removeCard();
    expect(await encoder.readRecord(1)).toMatchObject({ errorCode: 'noCard' });
  });

  it('a silent reader: timeout, offline; an aborted call: canceled', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    await sim.simulator.stop(); // the simulator stops listening, the line stays
    const fast = createChipEncoderDriver(sim.pair.a, { commandTimeoutMs: 100, logger: quietLogger() });
    await encoder.stop();
    await fast.start();
    await waitForStatus(fast, (s) => s.device === 'offline');
    expect(await fast.refreshStatus()).toMatchObject({ completion: 'timeout', errorCode: 'noDevice' });
    const controller = new AbortController();
    controller.abort();
    expect(await fast.verifyPin('123456', controller.signal)).toMatchObject({ completion: 'canceled' });
    await fast.stop();
  });

  it('refuses bad arguments without touching the card', async () => {
    await sim.control.insertCard(SERIAL);
    await encoder.start();
    await encoder.openCard();
    apdus.length = 0;
    expect(await encoder.verifyPin('12345')).toMatchObject({ completion: 'invalidData' });
    expect(await encoder.readRecord(0)).toMatchObject({ completion: 'invalidData' });
    expect(apdus).toEqual([]);
    await expect(sim.control.setFault('melted' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(sim.control.card('SN-NEVER')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
