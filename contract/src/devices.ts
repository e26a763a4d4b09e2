import { z } from 'zod';

/** Device state (XFS4IoT common status): published on every change, never inferred from the last error. */
export const DeviceState = z.enum(['online', 'offline', 'hardwareError', 'busy', 'noDevice']);
export type DeviceState = z.infer<typeof DeviceState>;

/** Whether an ID card lies on the reader. */
export const IdCardMedia = z.enum(['present', 'notPresent', 'unknown']);
export type IdCardMedia = z.infer<typeof IdCardMedia>;

export const IdCardReaderStatus = z.object({
  device: DeviceState,
  media: IdCardMedia,
  /** Last problem in words an engineer can act on (never personal data); null when healthy. */
  detail: z.string().nullable(),
});
export type IdCardReaderStatus = z.infer<typeof IdCardReaderStatus>;

/** PIN pad and printers: the device state, and for printers their paper. */
export const PeripheralStatus = z.object({
  device: DeviceState,
  /** Paper (printers); 'unknown' for devices without media. */
  media: z.enum(['ok', 'low', 'out', 'unknown']),
  detail: z.string().nullable(),
});
export type PeripheralStatus = z.infer<typeof PeripheralStatus>;

export const DevicesStatus = z.object({
  idcard: IdCardReaderStatus,
  pinpad: PeripheralStatus,
  receiptPrinter: PeripheralStatus,
  a4Printer: PeripheralStatus,
  /** The face check camera (media 'unknown'). */
  camera: PeripheralStatus,
  /** The card printer; media is its blank-card feeder (ok / low / out). */
  cardPrinter: PeripheralStatus,
  /** The contact chip encoder at the printer's chip station (media 'unknown'). */
  chipEncoder: PeripheralStatus,
});
export type DevicesStatus = z.infer<typeof DevicesStatus>;

/** Faults the ID card simulator can be told to produce (PROTOCOLS.md section 1 status words and the wire). */
export const IdCardFault = z.enum([
  'none',
  'noCard',
  'garbledFrame',
  'checksumError',
  'unplugMidFrame',
  'samNotAuthorised',
  'samSelfTestFailed',
  'readFailed',
]);
export type IdCardFault = z.infer<typeof IdCardFault>;

/** Faults the card printer simulator can be told to produce (PROTOCOLS.md section 4 status set). */
export const CardPrinterFault = z.enum([
  'none',
  /** The feeder reports empty and picking fails (the stack itself is kept). */
  'feederEmpty',
  /** A card jams: every movement fails and status shows a jam, until the fault is cleared. */
  'jam',
  /** The next movement jams once; rejecting the card clears it (a misfeed the printer recovers from). */
  'jamOnce',
  /** The ribbon is used up: status says so and printing fails. */
  'ribbonOut',
  /** The reject box is full: status says so and rejecting fails. */
  'rejectBoxFull',
  /** The cover is open: status says so and every movement fails. */
  'coverOpen',
  /** A card presented in the output slot is never taken (the simulated citizen walks away). */
  'cardNotTaken',
]);
export type CardPrinterFault = z.infer<typeof CardPrinterFault>;

/** Faults the chip encoder simulator can be told to produce. */
export const ChipEncoderFault = z.enum([
  'none',
  /** The contact station is empty (whatever card the simulator holds). */
  'noCard',
  /** The card's chip does not answer. */
  'muteCard',
  /** UPDATE RECORD and SET PIN fail with 6581 (memory failure). */
  'writeError',
  /** READ RECORD returns the stored record with one byte flipped. */
  'readBackCorruption',
]);
export type ChipEncoderFault = z.infer<typeof ChipEncoderFault>;
