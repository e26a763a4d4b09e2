import { z } from 'zod';

/**
 * The face check camera and its liveness module. Owned by the camera driver (device-agent/src/devices/camera/).
 * Placeholder shape: the camera work fills it in.
 */
export const CameraDeviceConfig = z.discriminatedUnion('driver', [
  /** Simulated camera in-process (scenes from the face fixtures), the demo default. */
  z.object({ driver: z.literal('simulator') }),
  /** No camera: the face check is offered only through staff (assisted path). */
  z.object({ driver: z.literal('none') }),
]);
export type CameraDeviceConfig = z.infer<typeof CameraDeviceConfig>;
