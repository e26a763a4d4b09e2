import { CameraScene } from '@sik/contract';
import {
  ControlError,
  type ControlServer,
  controlClient,
  startControlServer,
  stringField,
} from '../../transport/control-http.ts';
import type { CameraSimulatorControl } from './camera.ts';
import type { CameraSimulator, CameraSimulatorState } from './simulator.ts';

/** The dock's and tests' handle on a camera simulator, in this process or behind HTTP. */
export interface CameraSimulatorHandle extends CameraSimulatorControl {
  state(): Promise<CameraSimulatorState>;
}

function checkScene(scene: unknown): CameraScene {
  const parsed = CameraScene.safeParse(scene);
  if (!parsed.success) throw new ControlError('INVALID_INPUT', 'scene: not a known camera scene', 'scene');
  return parsed.data;
}

export function inProcessControl(simulator: CameraSimulator): CameraSimulatorHandle {
  return {
    get scene() {
      return simulator.scene;
    },
    async setScene(scene, cast) {
      await simulator.setScene(checkScene(scene), { cardHolder: cast.cardHolder });
    },
    async state() {
      return simulator.state;
    },
  };
}

/**
 * The control client for a simulator process (simulator-main.ts). `scene` is what was last set through this
 * client, or read by refresh() (the factory calls it once).
 */
export function httpControl(
  baseUrl: string,
  timeoutMs = 15_000,
): CameraSimulatorHandle & { refresh(): Promise<void> } {
  const call = controlClient(baseUrl, timeoutMs);
  let scene: CameraScene = 'noFace';
  return {
    get scene() {
      return scene;
    },
    async setScene(next, cast) {
      await call('POST', '/scene', { scene: next, cardHolder: cast.cardHolder });
      scene = next;
    },
    state: () => call<CameraSimulatorState>('GET', '/state'),
    async refresh() {
      scene = (await call<CameraSimulatorState>('GET', '/state')).scene;
    },
  };
}

/**
 * The camera simulator's control channel (its own port, beside the camera's):
 *   POST /scene {scene, cardHolder: string | null}  (answers once the scene's frames are being served)
 *   GET  /state
 */
export function startCameraControlServer(
  control: CameraSimulatorHandle,
  listen: { host: string; port: number },
): Promise<ControlServer> {
  return startControlServer(
    {
      'POST /scene': async (body) => {
        const scene = checkScene(stringField(body, 'scene'));
        const cardHolder = body?.cardHolder ?? null;
        if (cardHolder !== null && typeof cardHolder !== 'string')
          throw new ControlError('INVALID_INPUT', 'cardHolder: expected a string or null', 'cardHolder');
        await control.setScene(scene, { cardHolder });
      },
      'GET /state': () => control.state(),
    },
    listen,
  );
}
