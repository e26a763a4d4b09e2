import { z } from 'zod';

/** Benefit qualification authentication (待遇领取资格认证) rules on the server. Defaults are the demo's. */
export const AuthenticationConfig = z.object({
  /** An authentication is valid this many months. */
  validityMonths: z.number().int().min(1).max(24).default(12),
  /** The due list shows pensioners whose validity ends within this many days (the contract caps it at 90). */
  dueSoonDays: z.number().int().min(1).max(90).default(30),
  /**
   * The largest face-descriptor distance threshold the bureau accepts from a kiosk: a match decided with a looser
   * threshold (a misconfigured or tampered kiosk) is refused. Kiosks default to 0.5.
   */
  maxThreshold: z.number().min(0.1).max(1).default(0.55),
  /** A consent is good for one check: a reference photo and an outcome within this many minutes of it. */
  consentMinutes: z.number().int().min(1).max(60).default(10),
  /** Face-check lockout per person: this many mismatches (or liveness failures) within the window lock it. */
  lockout: z
    .object({
      maxMismatches: z.number().int().min(1).max(20).default(3),
      windowMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(24 * 60),
      lockMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(24 * 60),
    })
    .default({ maxMismatches: 3, windowMinutes: 24 * 60, lockMinutes: 24 * 60 }),
  /** A bank staff member's sign-in at a kiosk (assisted path) lasts this long. */
  staffSessionMinutes: z
    .number()
    .int()
    .min(1)
    .max(12 * 60)
    .default(15),
  /** Staff sign-in throttle: this many failures of one staff number within the window refuse further tries. */
  staffThrottle: z
    .object({
      maxFailures: z.number().int().min(1).max(50).default(5),
      windowMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(15),
    })
    .default({ maxFailures: 5, windowMinutes: 15 }),
  /** How often the job that suspends lapsed pensions and resumes authenticated ones runs (it also runs at start). */
  jobEveryMs: z
    .number()
    .int()
    .min(1000)
    .default(24 * 3600_000),
});
export type AuthenticationConfig = z.infer<typeof AuthenticationConfig>;
