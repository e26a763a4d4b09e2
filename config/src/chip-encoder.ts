import { z } from 'zod';
import { defaultCardsConfig } from './cards.ts';

/**
 * The contact chip encoder at the card printer's contact station (device-agent/src/devices/chip-encoder/).
 * The simulator derives its cards' keys from the issuer master key: it must be the one the server's simulated
 * card-management service holds (cards.issuerMasterKeyHex), so its default is that default.
 * UNCONFIRMED: real contact readers are PC/SC CCID; a 'pcsc' driver would implement the same ChipEncoder.
 */
export const ChipEncoderDeviceConfig = z.discriminatedUnion('driver', [
  /** In-process simulator; with a simulated card printer the two are linked (one card unit). */
  z.object({
    driver: z.literal('simulator'),
    masterKeyHex: z
      .string()
      .regex(/^[0-9a-fA-F]{32}$/)
      .default(defaultCardsConfig().issuerMasterKeyHex),
  }),
  /** A reader on a serial line (our card unit simulator process on a pty in tests). */
  z.object({
    driver: z.literal('serial'),
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(115200),
    /** Set when the far end is our card unit simulator: the dock drives the chip faults through it. */
    simulatorControlUrl: z.string().url().optional(),
  }),
]);
export type ChipEncoderDeviceConfig = z.infer<typeof ChipEncoderDeviceConfig>;
