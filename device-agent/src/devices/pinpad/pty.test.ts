/**
 * The PIN pad simulator as its own process on a real pseudo-terminal (socat), the driver over SerialTransport
 * on the other end, keys pressed through the simulator's HTTP control channel: the same bytes a real pad on
 * /dev/ttyUSB1 would exchange.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findExecutable,
  type SimulatorProcess,
  startPtyPair,
  startSimulatorProcess,
  stopChild,
} from '../../transport/pty-testing.ts';
import { SerialTransport } from '../../transport/serial.ts';
import { createPinPadDriver } from './driver.ts';
import type { PinPad } from './pinpad.ts';
import { decryptPinBlock } from './protocol/pin-block.ts';
import { httpControl, type PinPadSimulatorControl } from './simulator-control.ts';
import { quietLogger, waitForEvent, waitForStatus } from './testing.ts';

const SIMULATOR_MAIN = 'device-agent/src/devices/pinpad/simulator-main.ts';
const SOCAT = findExecutable('socat');
const SKIP_REASON = 'socat not found on PATH (apt-get install socat): pseudo-terminal tests skipped';
/** Not the demo key: the simulator process is given its key on the command line, as the bank host would be. */
const PIN_KEY = '8899aabbccddeeff0011223344556677';
const ACCOUNT = '6217001234567890123';

describe('PIN pad over a real pseudo-terminal', () => {
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
  const dir = mkdtempSync(join(tmpdir(), 'sik-pinpad-pty-'));
  const simEnd = join(dir, 'pad');
  const hostEnd = join(dir, 'host');
  let socat: ChildProcess | undefined;
  let simulator: SimulatorProcess | undefined;
  let control: PinPadSimulatorControl;
  let pinpad: PinPad;

  beforeAll(async () => {
    socat = await startPtyPair(socatPath, simEnd, hostEnd);
    simulator = await startSimulatorProcess(SIMULATOR_MAIN, [
      '--port',
      simEnd,
      '--baud',
      '9600',
      '--pin-key',
      PIN_KEY,
    ]);
    control = httpControl(simulator.ready.controlUrl);
    pinpad = createPinPadDriver(new SerialTransport({ path: hostEnd, baudRate: 9600 }), {
      pollIntervalMs: 50,
      // Generous: other test files load the machine while this one runs.
      commandTimeoutMs: 1000,
      reconnectMs: { initial: 50, max: 200 },
      logger: quietLogger(),
    });
    await pinpad.start();
  });

  afterAll(async () => {
    await pinpad?.stop();
    await stopChild(simulator?.child);
    await stopChild(socat);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a PIN typed through POST /keys comes back as a block the bank side decrypts', async () => {
    expect(pinpad.status).toMatchObject({ device: 'online', encryptor: 'ready' });
    const started = waitForEvent(pinpad, 'keys', 3000, (e) => e.count === 0);
    const outcome = pinpad.enterPin({ accountNumber: ACCOUNT, minLength: 6, maxLength: 6, timeoutMs: 8000 });
    await started;
    const counted = waitForEvent(pinpad, 'keys', 5000, (e) => e.count === 6);
    await control.press('246810\n');
    await counted;
    const result = await outcome;
    expect(result.completion).toBe('success');
    expect(result.completion === 'success' && decryptPinBlock(PIN_KEY, result.pinBlockHex, ACCOUNT)).toBe(
      '246810',
    );
    expect(await control.state()).toEqual({ mode: 'idle', keyLoaded: true, fault: 'none', keysDown: 0 });
  });

  it('the cancel key over the pty: canceled / userCanceled', async () => {
    const started = waitForEvent(pinpad, 'keys', 3000, (e) => e.count === 0);
    const outcome = pinpad.enterPin({ accountNumber: ACCOUNT, minLength: 4, maxLength: 6, timeoutMs: 8000 });
    await started;
    await control.press('12C');
    expect(await outcome).toMatchObject({ completion: 'canceled', errorCode: 'userCanceled' });
  });

  it('unplugged (the simulator closes its end): offline by silence, back online when plugged', async () => {
    await control.setFault('unplugged');
    const offline = await waitForStatus(pinpad, (s) => s.device === 'offline', 8000);
    expect(offline.detail).toMatch(/no reply/);
    await control.setFault('none');
    await waitForStatus(pinpad, (s) => s.device === 'online', 5000);
  });

  it('refuses unknown keys and faults on the control channel', async () => {
    await expect(control.press('12X')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(control.setFault('melted' as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
