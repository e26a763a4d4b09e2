import { join } from 'node:path';
import type { CameraScene } from '@sik/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { startProcess } from '../../../../tests/support/processes.ts';
import { CameraError } from './camera.ts';
import { createCameraDevice } from './factory.ts';
import { createHttpLivenessSensor } from './liveness.ts';
import { testCardScenes } from './scene-source.ts';
import { CameraSimulator } from './simulator.ts';
import { httpControl, inProcessControl, startCameraControlServer } from './simulator-control.ts';
import { ffmpegChildren, quietLogger } from './testing.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSimulator(initialScene: CameraScene = 'cardHolder') {
  const simulator = new CameraSimulator({
    sceneSource: testCardScenes({ seconds: 1 }),
    initialScene,
    livenessDelayMs: 20,
    logger: quietLogger(),
  });
  const address = await simulator.start({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => simulator.stop());
  return { simulator, address };
}

describe('camera simulator', () => {
  it('the liveness module answers per scene (live / notLive / noFace), over HTTP', async () => {
    const { simulator, address } = await startSimulator();
    const liveness = createHttpLivenessSensor(address.livenessUrl, { logger: quietLogger() });
    expect(liveness.method).toBe('binocular');
    const expected: Array<[CameraScene, string]> = [
      ['cardHolder', 'live'],
      ['stillPhoto', 'notLive'],
      ['noFace', 'noFace'],
      ['otherPerson', 'live'],
    ];
    for (const [scene, result] of expected) {
      await simulator.setScene(scene, { cardHolder: 'face-a' });
      expect(await liveness.check(), scene).toBe(result);
    }
    expect(simulator.state.livenessChecks).toBe(4);
  });

  it('liveness while unplugged: deviceNotReady; an aborted check: canceled', async () => {
    const { simulator, address } = await startSimulator();
    const liveness = createHttpLivenessSensor(address.livenessUrl, { logger: quietLogger() });
    await simulator.setScene('unplugged', { cardHolder: null });
    await expect(liveness.check()).rejects.toMatchObject({ name: 'CameraError', code: 'deviceNotReady' });
    await simulator.setScene('cardHolder', { cardHolder: null });
    const controller = new AbortController();
    const checking = liveness.check(controller.signal);
    controller.abort();
    await expect(checking).rejects.toMatchObject({ code: 'canceled' });
  });

  it('a liveness module answering nonsense or an error: hardwareError', async () => {
    const { createServer } = await import('node:http');
    let answer: unknown = { code: 3, message: 'NIR sensor fault' };
    const server = createServer((_q, r) =>
      r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const address = server.address() as { port: number };
    const liveness = createHttpLivenessSensor(`http://127.0.0.1:${address.port}`, { logger: quietLogger() });
    const error = (await liveness.check().catch((e: unknown) => e)) as CameraError;
    expect(error).toBeInstanceOf(CameraError);
    expect(error).toMatchObject({ code: 'hardwareError', reason: null });
    expect(error.message).toMatch(/liveness module error 3: NIR sensor fault/);
    answer = { code: 0, live: true };
    await expect(liveness.check()).rejects.toMatchObject({ code: 'hardwareError', reason: 'protocolError' });
  });

  it('serves a snapshot, and refuses connections while unplugged', async () => {
    const { simulator, address } = await startSimulator('noFace');
    const snapshot = new Uint8Array(await (await fetch(`${address.baseUrl}/snapshot.jpg`)).arrayBuffer());
    expect([...snapshot.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    await simulator.setScene('unplugged', { cardHolder: null });
    await expect(fetch(`${address.baseUrl}/snapshot.jpg`)).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
    await simulator.setScene('noFace', { cardHolder: null });
    expect((await fetch(`${address.baseUrl}/snapshot.jpg`)).status).toBe(200);
  });

  it('the last of two quick scene changes wins', async () => {
    const { simulator } = await startSimulator();
    await Promise.all([
      simulator.setScene('twoFaces', { cardHolder: null }),
      simulator.setScene('dark', { cardHolder: null }),
    ]);
    expect(simulator.scene).toBe('dark');
  });

  it("shows nobody at once when the card holder changes, while the next person's scene renders", async () => {
    const cards = testCardScenes({ seconds: 1 });
    let release: () => void = () => undefined;
    const simulator = new CameraSimulator({
      // The second card holder's scene takes until the test releases it, as a slow render would.
      sceneSource: async (scene, cast) => {
        if (cast.cardHolder === 'face-b') await new Promise<void>((resolve) => (release = resolve));
        return cards(scene, cast);
      },
      initialScene: 'cardHolder',
      initialCast: { cardHolder: 'face-a' },
      livenessDelayMs: 20,
      logger: quietLogger(),
    });
    const address = await simulator.start({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => simulator.stop());
    const liveness = createHttpLivenessSensor(address.livenessUrl);
    expect(await liveness.check()).toBe('live');
    const switching = simulator.setScene('cardHolder', { cardHolder: 'face-b' });
    // The previous holder has stepped away: nobody in front of the camera until face-b's scene is ready.
    expect(simulator.scene).toBe('noFace');
    expect(await liveness.check()).toBe('noFace');
    release();
    await switching;
    expect(simulator.scene).toBe('cardHolder');
    expect(await liveness.check()).toBe('live');
  });

  it('control channel over HTTP: setScene, state, a scene that does not exist', async () => {
    const { simulator } = await startSimulator();
    const server = await startCameraControlServer(inProcessControl(simulator), {
      host: '127.0.0.1',
      port: 0,
    });
    cleanups.push(() => server.close());
    const control = httpControl(server.url);
    await control.refresh();
    expect(control.scene).toBe('cardHolder');
    await control.setScene('stillPhoto', { cardHolder: 'face-b' });
    expect(simulator.scene).toBe('stillPhoto');
    expect(await control.state()).toMatchObject({
      scene: 'stillPhoto',
      cardHolderCast: true,
      fps: 10,
      frames: 10,
    });
    await expect(control.setScene('sideways' as CameraScene, { cardHolder: null })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'scene',
    });
  });
});

describe('camera simulator as its own process (e2e shape)', () => {
  it('prints its URLs; the agent reads it through ffmpeg and drives it over the control channel', async () => {
    const entry = join(import.meta.dirname, 'simulator-main.ts');
    const started = await startProcess(entry, ['--frames', 'testcard', '--scene', 'cardHolder'], {
      SIK_LOG_LEVEL: 'warn',
    });
    cleanups.push(() => started.stop());
    const ready = started.ready as { streamUrl: string; livenessUrl: string; controlUrl: string };
    expect(ready).toMatchObject({
      ready: true,
      streamUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/video\.mjpeg$/),
      livenessUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      controlUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const device = await createCameraDevice({
      driver: 'ffmpeg',
      source: { kind: 'url', url: ready.streamUrl },
      livenessUrl: ready.livenessUrl,
      simulatorControlUrl: ready.controlUrl,
    });
    cleanups.push(() => device.close());
    expect(device.camera.status).toEqual({ device: 'online', detail: null });
    expect(device.simulator?.scene).toBe('cardHolder');
    expect(await device.liveness?.check()).toBe('live');
    await device.simulator?.setScene('stillPhoto', { cardHolder: 'face-a' });
    expect(await device.liveness?.check()).toBe('notLive');
    const stream = await device.camera.open();
    expect((await stream.nextFrame())?.data.length).toBe(640 * 480 * 3);
    await device.simulator?.setScene('unplugged', { cardHolder: null });
    expect((await stream.ended).reason).toBe('unplugged');
    expect(device.camera.status.device).toBe('noDevice');
    await device.simulator?.setScene('noFace', { cardHolder: null });
    expect(device.camera.status).toEqual({ device: 'online', detail: null });
    expect(ffmpegChildren()).toEqual([]);
  });
});

describe('createCameraDevice', () => {
  it('simulator: an in-process MJPEG camera read through ffmpeg, with binocular liveness', async () => {
    const device = await createCameraDevice(
      { driver: 'simulator', initialScene: 'cardHolder' },
      { sceneSource: testCardScenes({ seconds: 1 }), logger: quietLogger() },
    );
    cleanups.push(() => device.close());
    expect(device.camera.status).toEqual({ device: 'online', detail: null });
    expect(device.simulator?.scene).toBe('cardHolder');
    expect(await device.liveness?.check()).toBe('live');
    const stream = await device.camera.open();
    const frame = await stream.nextFrame();
    expect(frame).toMatchObject({ width: 640, height: 480 });
    const statuses: string[] = [];
    device.camera.onStatus((s) => statuses.push(s.device));
    await device.simulator?.setScene('unplugged', { cardHolder: null });
    expect(await stream.ended).toMatchObject({ reason: 'unplugged' });
    expect(await stream.nextFrame()).toBeNull();
    await device.simulator?.setScene('cardHolder', { cardHolder: null });
    expect(statuses).toEqual(['noDevice', 'online']);
    await device.close();
    expect(ffmpegChildren()).toEqual([]);
  });

  it('simulator without the binocular module: liveness null (head-turn challenge)', async () => {
    const device = await createCameraDevice(
      { driver: 'simulator', binocular: false },
      { sceneSource: testCardScenes({ seconds: 1 }), logger: quietLogger() },
    );
    cleanups.push(() => device.close());
    expect(device.liveness).toBeNull();
    expect(device.simulator?.scene).toBe('noFace');
  });

  it('none: no camera, status noDevice, open() refuses', async () => {
    const device = await createCameraDevice({ driver: 'none' });
    expect(device.camera.status).toEqual({ device: 'noDevice', detail: 'camera not configured' });
    expect(device.liveness).toBeNull();
    expect(device.simulator).toBeNull();
    await expect(device.camera.open()).rejects.toMatchObject({ code: 'deviceNotReady' });
  });
});
