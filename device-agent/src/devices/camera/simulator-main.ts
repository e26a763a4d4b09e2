/**
 * The camera simulator as its own process, a network camera with a binocular liveness module on loopback:
 *
 *   tsx device-agent/src/devices/camera/simulator-main.ts [--http 127.0.0.1:8554] [--control 127.0.0.1:7315]
 *     [--scene noFace] [--card-holder face-a] [--frames faces|testcard]
 *
 * Prints one JSON line {"ready":true,"streamUrl":...,"livenessUrl":...,"controlUrl":...} on stdout once both
 * ports listen. The agent reaches it as it would a real camera:
 *   { driver: 'ffmpeg', source: { kind: 'url', url: streamUrl }, livenessUrl, simulatorControlUrl: controlUrl }
 * --frames faces (default) shows the face fixtures' scenes; testcard shows ffmpeg test patterns (no faces).
 * The control channel is described in simulator-control.ts.
 */
import { parseArgs } from 'node:util';
import { CameraScene } from '@sik/contract';
import { createLogger } from '../../log.ts';
import { faceFixtureScenes, testCardScenes } from './scene-source.ts';
import { CameraSimulator } from './simulator.ts';
import { inProcessControl, startCameraControlServer } from './simulator-control.ts';

const USAGE =
  'usage: simulator-main.ts [--http 127.0.0.1:<port>] [--control 127.0.0.1:<port>] [--scene <scene>] ' +
  '[--card-holder <face id>] [--frames faces|testcard]';

function fail(message: string, code: number): never {
  process.stderr.write(`camera simulator: ${message}\n`);
  process.exit(code);
}

function loopback(value: string | undefined, what: string): { host: string; port: number } {
  const [host = '', portText = ''] = (value ?? '').split(':');
  const port = Number(portText);
  if (host !== '127.0.0.1' && host !== 'localhost')
    fail(`--${what} must listen on loopback (127.0.0.1:<port>)`, 64);
  if (!Number.isInteger(port) || port < 0) fail(`--${what} port must be a number\n${USAGE}`, 64);
  return { host, port };
}

async function main(): Promise<void> {
  let values: { http?: string; control?: string; scene?: string; 'card-holder'?: string; frames?: string };
  try {
    ({ values } = parseArgs({
      options: {
        http: { type: 'string', default: '127.0.0.1:0' },
        control: { type: 'string', default: '127.0.0.1:0' },
        scene: { type: 'string', default: 'noFace' },
        'card-holder': { type: 'string' },
        frames: { type: 'string', default: 'faces' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 64);
  }
  const scene = CameraScene.safeParse(values.scene);
  if (!scene.success) fail(`--scene must be one of ${CameraScene.options.join(', ')}`, 64);
  if (values.frames !== 'faces' && values.frames !== 'testcard')
    fail(`--frames: faces or testcard\n${USAGE}`, 64);
  const simulator = new CameraSimulator({
    sceneSource: values.frames === 'testcard' ? testCardScenes() : faceFixtureScenes(),
    initialScene: scene.data,
    initialCast: { cardHolder: values['card-holder'] ?? null },
    logger: createLogger('camera-simulator'),
  });
  let address: Awaited<ReturnType<CameraSimulator['start']>>;
  try {
    address = await simulator.start(loopback(values.http, 'http'));
  } catch (error) {
    fail(`cannot start: ${(error as Error).message}`, 70);
  }
  const control = await startCameraControlServer(
    inProcessControl(simulator),
    loopback(values.control, 'control'),
  );
  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      streamUrl: address.streamUrl,
      livenessUrl: address.livenessUrl,
      controlUrl: control.url,
      controlPort: control.port,
      port: address.port,
    })}\n`,
  );
  const shutdown = async () => {
    await control.close();
    await simulator.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

await main();
