/**
 * What the service flows need from the kiosk's PIN pad and printers, in the flows' own terms. The device
 * drivers (devices/pinpad, devices/receipt-printer, devices/a4-printer) are adapted to this in
 * peripherals-from-devices.ts; the flows never see a driver, a completion code or a byte.
 */

export type DeviceOutcome<T = Record<never, never>> =
  | ({ ok: true } & T)
  | {
      ok: false;
      /** canceled: the citizen pressed cancel; timeout: nobody typed; notReady / failed: the device. */
      reason: 'canceled' | 'timeout' | 'notReady' | 'failed';
      /** For the citizen, in plain Chinese. */
      message: string;
    };

export interface PinRequest {
  /** The account the PIN block is bound to (ISO 9564 format 0); held in memory only. */
  accountNumber: string;
  pinLength: number;
  timeoutMs: number;
}

export interface ReceiptContent {
  title: string;
  lines: { label: string; value: string }[];
  /** Printed as a QR code under the lines, e.g. the payment reference. */
  qr?: string;
  footer?: string;
}

export interface Peripherals {
  /** PIN on the PIN pad: the pad builds the encrypted block; `onKeys` hears only how many keys are down. */
  enterPin(
    request: PinRequest,
    onKeys: (count: number) => void,
    signal: AbortSignal,
  ): Promise<DeviceOutcome<{ pinBlockHex: string }>>;
  /**
   * The social security card's own PIN (PROTOCOLS.md section 7: the kiosk verifies it on the card itself, so
   * the pad reports the digits in clear instead of building a block). The digits stay in memory; `onKeys`
   * hears only how many keys are down. The caller overwrites nothing it cannot: it drops the string at once.
   */
  enterCardPin(
    request: { pinLength: number; timeoutMs: number },
    onKeys: (count: number) => void,
    signal: AbortSignal,
  ): Promise<DeviceOutcome<{ pin: string }>>;
  printReceipt(content: ReceiptContent, signal: AbortSignal): Promise<DeviceOutcome>;
  printPdf(pdf: Uint8Array, jobName: string, signal: AbortSignal): Promise<DeviceOutcome>;
}
