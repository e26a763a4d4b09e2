/**
 * The line framing between the host and the contact reader (OUR definition, UNCONFIRMED: real units are
 * PC/SC CCID over USB; this is the serial framing the simulator and a serial-attached reader speak):
 *
 *   STX 0x02 | LEN (2 bytes, big-endian, = 1 + data length) | TYPE (1 byte) | DATA | BCC | ETX 0x03
 *
 * BCC is the XOR of LEN, TYPE and DATA. One request, one reply; the host never has two requests out.
 *
 * Host -> reader TYPE: 0x10 power on the card (reply DATA = ATR), 0x11 power off, 0x12 slot status,
 * 0x20 transmit APDU (DATA = C-APDU, reply DATA = R-APDU incl. SW1 SW2).
 * Reader -> host TYPE: 0x80 ok, 0x81 no card in the slot, 0x82 card mute (no answer from the chip),
 * 0x83 reader error (bad frame, unknown TYPE).
 * Slot status reply DATA: one byte, 0x00 no card, 0x01 card present (unpowered), 0x02 card powered.
 */

export const STX = 0x02;
export const ETX = 0x03;

export const REQUEST = { powerOn: 0x10, powerOff: 0x11, slotStatus: 0x12, transmit: 0x20 } as const;
export const REPLY = { ok: 0x80, noCard: 0x81, cardMute: 0x82, readerError: 0x83 } as const;
export const SLOT = { empty: 0x00, present: 0x01, powered: 0x02 } as const;

/** Most data a frame carries (a short APDU: 5 + 255 + 1, or 256 + 2 reply bytes, rounded up). */
export const MAX_FRAME_DATA = 300;

export interface Frame {
  type: number;
  data: Buffer;
}

export function encodeFrame(type: number, data: Uint8Array = new Uint8Array()): Buffer {
  if (data.length > MAX_FRAME_DATA) throw new RangeError('frame data too long');
  const len = data.length + 1;
  const body = Buffer.concat([Buffer.from([len >> 8, len & 0xff, type]), Buffer.from(data)]);
  let bcc = 0;
  for (const byte of body) bcc ^= byte;
  return Buffer.concat([Buffer.from([STX]), body, Buffer.from([bcc, ETX])]);
}

/**
 * Incremental parser: feed it chunks as the line delivers them; it calls onFrame for each good frame and
 * onGarbage for bytes it had to skip (no STX, bad length, bad BCC, missing ETX).
 */
export class FrameParser {
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    private readonly onGarbage: (reason: string) => void = () => undefined,
  ) {}

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): void {
    this.buffer = Buffer.concat([this.buffer, Buffer.from(chunk)]);
    for (;;) {
      const start = this.buffer.indexOf(STX);
      if (start < 0) {
        if (this.buffer.length > 0) this.onGarbage('bytes without STX');
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (start > 0) {
        this.onGarbage('bytes before STX');
        this.buffer = this.buffer.subarray(start);
      }
      if (this.buffer.length < 3) return;
      const len = ((this.buffer[1] ?? 0) << 8) | (this.buffer[2] ?? 0);
      if (len < 1 || len > MAX_FRAME_DATA + 1) {
        this.onGarbage('impossible length');
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      const total = 1 + 2 + len + 2;
      if (this.buffer.length < total) return;
      const body = this.buffer.subarray(1, 3 + len);
      let bcc = 0;
      for (const byte of body) bcc ^= byte;
      if (this.buffer[3 + len] !== bcc || this.buffer[4 + len] !== ETX) {
        this.onGarbage('bad BCC or ETX');
        this.buffer = this.buffer.subarray(1);
        continue;
      }
      const frame = { type: body[2] ?? 0, data: Buffer.from(body.subarray(3)) };
      this.buffer = this.buffer.subarray(total);
      this.onFrame(frame);
    }
  }
}
