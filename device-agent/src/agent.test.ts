import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentConfig } from '@sik/config';
import {
  type ClientToServerEvents,
  type KioskState,
  maskIdNumber,
  type ServerToClientEvents,
  SocketEvents,
} from '@sik/contract';
import { demoCardHolders } from '@sik/seeds';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startAgent } from './agent.ts';

/**
 * The agent as the UI sees it: a real socket.io connection, the in-process ID card simulator speaking real
 * frames, and a server that is not there (port 9 refuses), so the greeting must say records are unreachable.
 */
describe('device agent over its socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sik-agent-'));
  let agent: Agent;
  let client: Socket<ServerToClientEvents, ClientToServerEvents>;
  const states: KioskState[] = [];
  const latest = () => states.at(-1) as KioskState;

  beforeAll(async () => {
    const config = AgentConfig.parse({
      serverUrl: 'http://127.0.0.1:9',
      dataDir: dir,
      uiDistDir: null,
      listen: { host: '127.0.0.1', port: 0 },
      serverTimeoutMs: 500,
      devices: {
        cardPrinter: { driver: 'simulator', timing: 'instant' },
        chipEncoder: { driver: 'simulator' },
      },
    });
    agent = await startAgent(config, { socketToken: 'test-token' });
    client = io(agent.socket.url, { auth: { token: 'test-token' }, transports: ['websocket'] });
    client.on(SocketEvents.state, (state) => states.push(state));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  });

  afterAll(async () => {
    client?.close();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = <C extends keyof ClientToServerEvents>(name: C, payload: unknown) =>
    new Promise<unknown>((resolve) => {
      // biome-ignore lint/suspicious/noExplicitAny: the test sends deliberately malformed envelopes too
      (client.emit as any)(name, { requestId: `t-${Date.now()}`, payload }, resolve);
    });

  it('refuses a connection without the per-boot token', async () => {
    const stranger = io(agent.socket.url, { auth: { token: 'wrong' }, transports: ['websocket'] });
    const error = await new Promise<Error>((resolve) => stranger.once('connect_error', resolve));
    stranger.close();
    expect(error.message).toBe('UNAUTHORIZED');
  });

  it('answers a malformed command with a code naming the field', async () => {
    const reply = await send('sim.injectFault', { fault: 'meltdown' });
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'fault' });
    const noId = await new Promise((resolve) => {
      // biome-ignore lint/suspicious/noExplicitAny: an envelope without a request id
      (client.emit as any)('session.begin', { payload: {} }, resolve);
    });
    expect(noId).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'requestId' });
  });

  it('reads a placed card through the simulator, greets with masked data, and wipes on lift', async () => {
    const holder = demoCardHolders()[0];
    if (!holder) throw new Error('no demo card holders');
    expect(await send('session.begin', {})).toEqual({ ok: true, data: {} });
    expect(await send('sim.placeCard', { citizenKey: holder.key })).toEqual({ ok: true, data: {} });
    await expect.poll(() => latest().phase, { timeout: 10_000 }).toBe('greeting');
    expect(latest().session?.maskedIdNumber).toBe(maskIdNumber(holder.identity.idNumber));
    expect(latest().notice?.code).toBe('serverUnreachable');
    expect(JSON.stringify(states)).not.toContain(holder.identity.idNumber);
    expect(agent.session.currentIdentity()?.idNumber).toBe(holder.identity.idNumber);

    expect(await send('sim.liftCard', {})).toEqual({ ok: true, data: {} });
    await expect.poll(() => latest().phase, { timeout: 10_000 }).toBe('attract');
    expect(latest().session).toBeNull();
    expect(agent.session.currentIdentity()).toBeNull();
  });

  it('sim.pinpadKeys types the social security card PIN of a clear entry', async () => {
    const entry = agent.pinpad.pinpad.enterClearPin({ minLength: 6, maxLength: 6, timeoutMs: 10_000 });
    await expect.poll(() => agent.pinpad.pinpad.status.device, { timeout: 5000 }).toBe('busy');
    expect(await send('sim.pinpadKeys', { keys: '135790E' })).toEqual({ ok: true, data: {} });
    expect(await entry).toEqual({ completion: 'success', pin: '135790' });
  });

  it('publishes the card printer and chip encoder, and the dock drives the linked card unit', async () => {
    await expect.poll(() => latest().devices.cardPrinter.device, { timeout: 10_000 }).toBe('online');
    expect(latest().devices.cardPrinter.media).toBe('ok');
    expect(latest().devices.chipEncoder).toMatchObject({ device: 'online', media: 'unknown' });
    expect(latest().simulator?.cardPrinter).toEqual({
      fault: 'none',
      chipFault: 'none',
      feeder: 50,
      rejectBox: 0,
      cardInSlot: false,
    });
    expect(await send('sim.cardPrinterFault', { fault: 'cardNotTaken' })).toEqual({ ok: true, data: {} });
    expect(await send('sim.chipFault', { fault: 'muteCard' })).toEqual({ ok: true, data: {} });
    expect(latest().simulator?.cardPrinter).toMatchObject({ fault: 'cardNotTaken', chipFault: 'muteCard' });
    expect(await send('sim.chipFault', { fault: 'none' })).toEqual({ ok: true, data: {} });
    expect(await send('sim.takeCard', {})).toEqual({ ok: true, data: { taken: false } });
    // A card presented in the slot: the dock sees it, the citizen takes it.
    const { printer } = agent.cardUnit.printer;
    expect(await printer.pickToContact()).toMatchObject({ completion: 'success' });
    expect(await printer.eject()).toMatchObject({ completion: 'success' });
    await expect.poll(() => latest().simulator?.cardPrinter?.cardInSlot, { timeout: 10_000 }).toBe(true);
    expect(latest().simulator?.cardPrinter?.feeder).toBe(49);
    expect(await send('sim.takeCard', {})).toEqual({ ok: true, data: { taken: true } });
    expect(latest().simulator?.cardPrinter?.cardInSlot).toBe(false);
    expect(await send('sim.cardPrinterFault', { fault: 'onFire' })).toMatchObject({
      ok: false,
      code: 'INVALID_INPUT',
    });
  });
});
