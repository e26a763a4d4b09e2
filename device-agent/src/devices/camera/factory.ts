import { CAMERA_TIMING_DEFAULTS, type CameraDeviceConfig, type CameraTiming } from '@sik/config';
import type { Logger } from '../../log.ts';
import {
  type Camera,
  CameraError,
  type CameraStatus,
  type LivenessSensor,
  type SceneSource,
} from './camera.ts';
import { createFfmpegCamera, type FfmpegCamera } from './driver.ts';
import { createHttpLivenessSensor } from './liveness.ts';
import { faceFixtureScenes } from './scene-source.ts';
import { CameraSimulator } from './simulator.ts';
import { type CameraSimulatorHandle, httpControl, inProcessControl } from './simulator-control.ts';

export interface CameraDevice {
  /** Started: its status is current and checked while idle; subscribe with camera.onStatus. */
  camera: Camera;
  /** The binocular module's liveness; null means the head-turn challenge checks liveness. */
  liveness: LivenessSensor | null;
  /** The simulator the dock drives (in-process or over HTTP); null for a real camera. */
  simulator: CameraSimulatorHandle | null;
  close(): Promise<void>;
}

export interface CameraDeviceOptions {
  /** What the in-process simulator shows (default: the face fixtures' scenes). */
  sceneSource?: SceneSource;
  logger?: Logger;
}

function timing(config: CameraTiming, logger?: Logger) {
  const picked: Partial<typeof CAMERA_TIMING_DEFAULTS> = {};
  for (const key of Object.keys(CAMERA_TIMING_DEFAULTS) as (keyof CameraTiming)[]) {
    if (config[key] !== undefined) Object.assign(picked, { [key]: config[key] });
  }
  return { ...CAMERA_TIMING_DEFAULTS, ...picked, ...(logger ? { logger } : {}) };
}

/** After the dock changes the scene, the camera's status follows at once rather than at the next check. */
function refreshingStatus(control: CameraSimulatorHandle, camera: FfmpegCamera): CameraSimulatorHandle {
  return {
    get scene() {
      return control.scene;
    },
    async setScene(scene, cast) {
      await control.setScene(scene, cast);
      await camera.refreshStatus();
    },
    state: () => control.state(),
  };
}

/**
 * The camera the profile asks for:
 *   simulator  an MJPEG camera simulator on 127.0.0.1 (port 0) in this process, read through ffmpeg like any
 *              network camera, with its binocular liveness module unless binocular is false;
 *   ffmpeg     a v4l2 camera, file, image sequence or URL; a liveness module if livenessUrl is set; the
 *              simulator process's control channel if simulatorControlUrl is set;
 *   none       no camera (status noDevice, open() refuses): only the staff-assisted path.
 */
export async function createCameraDevice(
  config: CameraDeviceConfig,
  options: CameraDeviceOptions = {},
): Promise<CameraDevice> {
  if (config.driver === 'none')
    return { camera: noCamera(), liveness: null, simulator: null, close: async () => {} };

  if (config.driver === 'simulator') {
    const simulator = new CameraSimulator({
      sceneSource: options.sceneSource ?? faceFixtureScenes(),
      initialScene: config.initialScene ?? 'noFace',
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const address = await simulator.start({ host: '127.0.0.1', port: 0 });
    const camera = createFfmpegCamera(
      { kind: 'url', url: address.streamUrl },
      timing(config, options.logger),
    );
    await camera.start();
    return {
      camera,
      liveness: config.binocular === false ? null : createHttpLivenessSensor(address.livenessUrl),
      simulator: refreshingStatus(inProcessControl(simulator), camera),
      async close() {
        await camera.stop();
        await simulator.stop();
      },
    };
  }

  const camera = createFfmpegCamera(config.source, timing(config, options.logger));
  await camera.start();
  let simulator: CameraSimulatorHandle | null = null;
  if (config.simulatorControlUrl) {
    const control = httpControl(config.simulatorControlUrl);
    await control.refresh().catch(() => {});
    simulator = refreshingStatus(control, camera);
  }
  return {
    camera,
    liveness: config.livenessUrl ? createHttpLivenessSensor(config.livenessUrl) : null,
    simulator,
    close: () => camera.stop(),
  };
}

/** The camera of a kiosk without one. */
function noCamera(): Camera {
  const status: CameraStatus = { device: 'noDevice', detail: 'camera not configured' };
  return {
    status,
    onStatus: () => () => {},
    open: async () => {
      throw new CameraError('deviceNotReady', 'camera not configured', 'noDevice');
    },
  };
}
