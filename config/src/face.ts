import { z } from 'zod';

/** The on-device face check (device-agent/src/face/). Placeholder shape: the face engine work fills it in. */
export const FaceCheckConfig = z.object({
  /** Largest median descriptor distance that counts as the same person. */
  threshold: z.number().min(0.1).max(1).default(0.5),
});
export type FaceCheckConfig = z.infer<typeof FaceCheckConfig>;
