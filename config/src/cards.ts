import { z } from 'zod';

/** Social security card issuance on the server (issue 4). Defaults are the demo's. */
export const CardsConfig = z.object({
  /** The letter card numbers start with (a letter and 8 digits, 9 characters). */
  cardNumberPrefix: z
    .string()
    .regex(/^[A-Z]$/)
    .default('K'),
  /** A card is valid this many years from the day it is issued. */
  validityYears: z.number().int().min(1).max(20).default(10),
  /**
   * The issuer master key (SM4, 16 bytes hex) the simulated card-management service derives card keys from.
   * DEMO ONLY: a real deployment never holds it; the card-management system (or its HSM) does.
   */
  issuerMasterKeyHex: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/)
    .default('0123456789ABCDEFFEDCBA9876543210'),
  /** Issuing institution code written to EF05 (UNCONFIRMED format). */
  issuerCode: z
    .string()
    .regex(/^[0-9]{6,12}$/)
    .default('441300'),
  /**
   * A card application needs a verification of the person (face check, or staff confirmation) at the same
   * kiosk within this many minutes.
   */
  identityCheckMinutes: z.number().int().min(1).max(120).default(15),
});
export type CardsConfig = z.infer<typeof CardsConfig>;
export const defaultCardsConfig = (): CardsConfig => CardsConfig.parse({});
