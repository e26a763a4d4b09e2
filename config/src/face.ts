import { z } from 'zod';

/**
 * The on-device face check (device-agent/src/face/). Defaults are the demo's. The threshold comes from measured
 * distances on the fixture faces (`npm run face:accuracy`): the one same-person pair of independent photos scored
 * 0.44 (0.43 as a camera scene, 0.42–0.45 per straight-ahead frame, ~0.5 mid-turn), the closest of 65
 * different-person pairs 0.525 (the demo's camera strangers 0.72 and more). A tiny set: see the script's output.
 */
export const FaceCheckConfig = z.object({
  /** Largest median descriptor distance that counts as the same person. */
  threshold: z.number().min(0.1).max(1).default(0.5),
  /** Good frames whose median distance makes the decision. */
  framesNeeded: z.number().int().min(1).max(15).default(3),
  /** Detector for camera frames: 'tiny' (Tiny Face Detector, ~3x faster) or 'ssd' (SSD MobileNet v1). */
  detector: z.enum(['tiny', 'ssd']).default('tiny'),
  /** The whole check, from "look at the camera" to a decision. */
  timeoutMs: z.number().int().min(1000).max(120_000).default(20_000),
  /** The head-turn challenge, from the instruction to the turn. */
  challengeTimeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
  /** How far (degrees of estimated yaw, from the straight-ahead frames) the head must turn to pass the challenge. */
  challengeYawDeg: z.number().min(5).max(60).default(10),
  /** Frames during the turn may score up to this much above the threshold (a turned face scores a little worse). */
  challengeDistanceSlack: z.number().min(0).max(0.5).default(0.08),
  /** The camera image is mirrored (left and right swapped) before it reaches the agent. */
  mirrored: z.boolean().default(false),
  /** Per-frame quality gates. */
  quality: z
    .object({
      /** Face box width as a share of the frame width. */
      minFaceWidth: z.number().min(0.05).max(1).default(0.2),
      maxFaceWidth: z.number().min(0.1).max(1).default(0.7),
      /** Largest distance of the face centre from the frame centre, as a share of the frame's size. */
      maxOffCenter: z.number().min(0.05).max(0.5).default(0.22),
      /** Largest estimated yaw / pitch (degrees) for a frame used in the decision. */
      maxYawDeg: z.number().min(5).max(60).default(30),
      maxPitchDeg: z.number().min(5).max(60).default(25),
      /** Smallest mean luma (0–255) over the face; over the whole frame when no face is found. */
      minFaceBrightness: z.number().min(0).max(255).default(60),
      minFrameBrightness: z.number().min(0).max(255).default(40),
      /** Smallest variance of the Laplacian over the face, per unit of contrast. */
      minSharpness: z.number().min(0).max(100).default(1.2),
    })
    .default({
      minFaceWidth: 0.2,
      maxFaceWidth: 0.7,
      maxOffCenter: 0.22,
      maxYawDeg: 30,
      maxPitchDeg: 25,
      minFaceBrightness: 60,
      minFrameBrightness: 40,
      minSharpness: 1.2,
    }),
  /** This many consecutive frames with an unmoving face (box and pose) are a still image, not a person. */
  stillFrames: z.number().int().min(3).max(100).default(6),
  /** Checks a citizen may start in one visit before only the assisted path is offered. */
  maxAttempts: z.number().int().min(1).max(10).default(3),
  /**
   * The WLT decoder plugin that turns the ID card's photo into the reference photo when the photo registry has
   * none for the person; null (the default): no card photo is used, and such a person is served by staff.
   * WLT is the card chip's proprietary wavelet format and its decoders are vendor libraries, so the agent runs
   * the decoder as an external program, with this contract:
   *  - it is started as `command args...` directly (no shell), with the agent's environment and working folder;
   *  - it reads the card's photo (1024 bytes of WLT, exactly as the reader returned them) on stdin, until EOF;
   *  - it writes one JPEG (starting FF D8 FF, at most 1 MiB) on stdout and exits with code 0;
   *  - any other exit code, a signal, output that is not a JPEG or too large, or no answer within timeoutMs is a
   *    failure: the agent kills it if still running, and the citizen is served by staff;
   *  - it must not write the photo anywhere (files, logs); its stderr is discarded (never logged: it could hold
   *    personal data), so a decoder that needs diagnostics keeps them free of the card's data.
   * The decoded JPEG stays in the agent's memory for the one check and is overwritten after it.
   */
  idCardPhotoDecoder: z
    .object({
      /** The program: an absolute path, or a name found on PATH. */
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      /** The decoder is killed (SIGKILL) when it has not exited by then. */
      timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    })
    .nullable()
    .default(null),
});
export type FaceCheckConfig = z.infer<typeof FaceCheckConfig>;
