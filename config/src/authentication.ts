import { z } from 'zod';

/** Benefit qualification authentication rules on the server. Placeholder shape: the server work fills it in. */
export const AuthenticationConfig = z.object({
  /** An authentication is valid this many months. */
  validityMonths: z.number().int().min(1).max(24).default(12),
});
export type AuthenticationConfig = z.infer<typeof AuthenticationConfig>;
