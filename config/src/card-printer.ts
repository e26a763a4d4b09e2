import { z } from 'zod';

/**
 * The card printer (device-agent/src/devices/card-printer/). The simulator's timings default to the realistic
 * ones (device-agent/src/devices/card-printer/simulator.ts REALISTIC_TIMING: ~20 s print, vendor brochures quote
 * 150-225 single-sided cards per hour, UNCONFIRMED); 'instant' for fast tests, or each value in ms.
 */
const SimulatorTiming = z.object({
  replyMs: z.number().int().min(0).max(10_000).optional(),
  pickMs: z.number().int().min(0).max(60_000).optional(),
  moveMs: z.number().int().min(0).max(60_000).optional(),
  printMs: z.number().int().min(0).max(300_000).optional(),
  ejectMs: z.number().int().min(0).max(60_000).optional(),
  takeMs: z.number().int().min(0).max(600_000).optional(),
});

export const CardPrinterDeviceConfig = z.discriminatedUnion('driver', [
  z.object({
    driver: z.literal('simulator'),
    timing: z.union([z.enum(['realistic', 'instant']), SimulatorTiming]).default('realistic'),
    /**
     * The blanks in the simulated feeder: `count` consecutive chip serials from `firstSerial` (upper-case hex, the
     * contract's ChipSerial). Absent: the demo kiosk's stock (seeds/src/cards.ts DEMO_BLANKS), which the
     * server's seed loads too (config cannot import the seeds, which import config).
     */
    blanks: z
      .object({
        firstSerial: z.string().regex(/^[0-9A-F]{8,32}$/),
        count: z.number().int().min(0).max(10_000),
      })
      .optional(),
  }),
  /** Real printers are usually USB (a CDC serial or a vendor pipe); our simulator process sits on a pty. */
  z.object({
    driver: z.literal('serial'),
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(115200),
    simulatorControlUrl: z.string().url().optional(),
  }),
]);
export type CardPrinterDeviceConfig = z.infer<typeof CardPrinterDeviceConfig>;
