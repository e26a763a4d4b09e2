/**
 * The chip encoder simulator as its own process on a real pseudo-terminal (socat), the driver over
 * SerialTransport on the other end, cards put at the contact station through the HTTP control channel: the
 * same bytes a serial-attached reader would exchange.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCardKey, type Ef06Data, encodeEf06, externalAuthCryptogram } from '@sik/contract/ssse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findExecutable,
  type SimulatorProcess,
  startPtyPair,
  startSimulatorProcess,
  stopChild,
} from '../../transport/pty-testing.ts';
import { SerialTransport } from '../../transport/serial.ts';
import type { ChipEncoder } from './chip-encoder.ts';
import { createChipEncoderDriver } from './driver.ts';
import { type ChipEncoderSimulatorControl, httpControl } from './simulator-control.ts';
import { quietLogger, waitForStatus } from './testing.ts';

const SIMULATOR_MAIN = 'device-agent/src/devices/chip-encoder/simulator-main.ts';
const SOCAT = findExecutable('socat');
const SKIP_REASON = 'socat not found on PATH (apt-get install socat): pseudo-terminal tests skipped';
const MASTER_HEX = 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf';
const SERIAL = 'SN-PTY-0001';
/** Synthetic data: not a real person. */
const EF06: Ef06Data = {
  socialSecurityNumber: '11010519491231002X',
  name: '李四',
  sex: '2',
  nation: '01',
  birthplace: '110105',
  birthDate: '1949-12-31',
};

describe('chip encoder over a real pseudo-terminal', () => {
  if (!SOCAT) {
    if (process.env.CI) {
      it('has socat (required in CI)', () => {
        throw new Error(`socat is required when CI is set: ${SKIP_REASON}`);
      });
    } else {
      it.skip(SKIP_REASON, () => undefined);
    }
    return;
  }
  const socatPath = SOCAT;
  const dir = mkdtempSync(join(tmpdir(), 'sik-chip-pty-'));
  const simEnd = join(dir, 'reader');
  const hostEnd = join(dir, 'host');
  let socat: ChildProcess | undefined;
  let simulator: SimulatorProcess | undefined;
  let control: ChipEncoderSimulatorControl;
  let encoder: ChipEncoder;

  beforeAll(async () => {
    socat = await startPtyPair(socatPath, simEnd, hostEnd);
    simulator = await startSimulatorProcess(SIMULATOR_MAIN, [
      '--port',
      simEnd,
      '--baud',
      '115200',
      '--master-key',
      MASTER_HEX,
    ]);
    control = httpControl(simulator.ready.controlUrl);
    encoder = createChipEncoderDriver(new SerialTransport({ path: hostEnd, baudRate: 115200 }), {
      // Generous: other test files load the machine while this one runs.
      commandTimeoutMs: 2000,
      logger: quietLogger(),
    });
    await encoder.start();
  });

  afterAll(async () => {
    await encoder?.stop();
    await stopChild(simulator?.child);
    await stopChild(socat);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a card inserted through POST /card is authenticated, written and read back', async () => {
    expect(encoder.status).toMatchObject({ device: 'online', media: 'notPresent' });
    expect(await encoder.openCard()).toMatchObject({ errorCode: 'noCard' });
    await control.insertCard(SERIAL);
    expect(await encoder.openCard()).toMatchObject({ completion: 'success', serial: SERIAL });
    const challenge = await encoder.getChallenge();
    if (challenge.completion !== 'success') throw new Error(challenge.detail);
    const key = deriveCardKey(Buffer.from(MASTER_HEX, 'hex'), SERIAL);
    expect(await encoder.externalAuthenticate(externalAuthCryptogram(key, challenge.challenge))).toEqual({
      completion: 'success',
    });
    expect(await encoder.writeFile('EF06', encodeEf06(EF06))).toEqual({ completion: 'success' });
    expect(await encoder.readEf06()).toEqual({ completion: 'success', data: EF06 });
    const card = await control.card(SERIAL);
    expect(Object.keys(card.ef06)).toHaveLength(6);
    expect(await control.state()).toMatchObject({ cardSerial: SERIAL, authenticated: true, fault: 'none' });
  });

  it('faults over the control channel', async () => {
    await control.setFault('muteCard');
    expect(await encoder.openCard()).toMatchObject({ errorCode: 'cardMute' });
    await control.setFault('none');
    await control.removeCard();
    expect(await encoder.refreshStatus()).toEqual({ completion: 'success', media: 'notPresent' });
    await expect(control.setFault('melted' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(control.insertCard('')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('chip encoder over a real pseudo-terminal: unplugged and plugged back', () => {
  if (!SOCAT) {
    it.skip(SKIP_REASON, () => undefined);
    return;
  }
  const socatPath = SOCAT;
  const dir = mkdtempSync(join(tmpdir(), 'sik-chip-unplug-'));
  const simEnd = join(dir, 'reader');
  const hostEnd = join(dir, 'host');
  const start = async () => {
    const socat = await startPtyPair(socatPath, simEnd, hostEnd);
    const simulator = await startSimulatorProcess(SIMULATOR_MAIN, [
      '--port',
      simEnd,
      '--baud',
      '115200',
      '--master-key',
      MASTER_HEX,
    ]);
    return { socat, simulator };
  };
  let line: Awaited<ReturnType<typeof start>> | undefined;
  let encoder: ChipEncoder | undefined;

  afterAll(async () => {
    await encoder?.stop();
    await stopChild(line?.simulator.child);
    await stopChild(line?.socat);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the line vanishes (socat killed): noDevice, refused; a new line on the same path: online by itself', async () => {
    line = await start();
    encoder = createChipEncoderDriver(new SerialTransport({ path: hostEnd, baudRate: 115200 }), {
      commandTimeoutMs: 2000,
      reconnectMs: { initial: 50, max: 200 },
      // On a pty the hang-up is not always reported to an idle port: a slot poll notices the line is gone.
      pollIntervalMs: 100,
      logger: quietLogger(),
    });
    await encoder.start();
    expect(encoder.status).toMatchObject({ device: 'online', media: 'notPresent' });

    // The reader's cable is pulled: the device node goes away.
    await stopChild(line.socat);
    await stopChild(line.simulator.child);
    line = undefined;
    const lost = await waitForStatus(encoder, (s) => s.device === 'noDevice', 5000);
    expect(lost.media).toBe('unknown');
    expect(await encoder.openCard()).toMatchObject({ completion: 'deviceNotReady', errorCode: 'noDevice' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(encoder.status.device).toBe('noDevice');

    // Plugged back in: a fresh reader process behind a new line on the same path.
    line = await start();
    await waitForStatus(encoder, (s) => s.device === 'online' && s.media !== 'unknown', 10_000);
    await httpControl(line.simulator.ready.controlUrl).insertCard(SERIAL);
    expect(await encoder.openCard()).toMatchObject({ completion: 'success', serial: SERIAL });
  });
});
