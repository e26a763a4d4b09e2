import { CR, ESC, PRINT_JOB } from './commands.ts';

/**
 * The two ends of the byte stream, pure and chunk-safe (bytes may arrive in any pieces).
 * Host side: ReplyParser turns bytes into reply lines. Device side: CommandParser turns bytes into commands and
 * print jobs. Text is latin1 (the command set is ASCII).
 */

const MAX_LINE = 256;

/** Reply lines ended by CR; an LF is dropped; a line longer than MAX_LINE is junk and dropped. */
export class ReplyParser {
  private line = '';
  private overflow = false;

  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    for (const byte of chunk) {
      if (byte === CR) {
        if (!this.overflow) lines.push(this.line);
        this.line = '';
        this.overflow = false;
      } else if (byte !== 0x0a) {
        if (this.line.length >= MAX_LINE) this.overflow = true;
        else this.line += String.fromCharCode(byte);
      }
    }
    return lines;
  }
}

export type DeviceInput =
  | { type: 'command'; text: string }
  | { type: 'printJob'; format: string; data: Uint8Array }
  /** A print job header that cannot be read (bad length): the printer answers with an error. */
  | { type: 'badPrintJob'; text: string };

/** Largest print job payload the device side accepts. */
export const MAX_PRINT_JOB_BYTES = 8 * 1024 * 1024;

/**
 * Commands `ESC text CR`, bytes before an ESC ignored (junk); `ESC Pdi;png;<length> CR` is followed by exactly
 * <length> payload bytes, which may contain any byte value.
 */
export class CommandParser {
  private state: 'idle' | 'command' | 'payload' = 'idle';
  private text = '';
  private payload: Uint8Array = new Uint8Array(0);
  private filled = 0;
  private format = '';

  /** Whether a print job's image bytes are still expected. */
  get inPrintJob(): boolean {
    return this.state === 'payload';
  }

  /**
   * Drops a print job whose bytes stopped coming (the host died mid-transfer): the next ESC is a command again.
   * Returns how many bytes of the job had arrived, or null when no job was open.
   */
  abandonPrintJob(): number | null {
    if (this.state !== 'payload') return null;
    const received = this.filled;
    this.state = 'idle';
    this.payload = new Uint8Array(0);
    this.filled = 0;
    return received;
  }

  push(chunk: Uint8Array): DeviceInput[] {
    const out: DeviceInput[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'payload') {
        const take = Math.min(chunk.length - i, this.payload.length - this.filled);
        this.payload.set(chunk.subarray(i, i + take), this.filled);
        this.filled += take;
        i += take;
        if (this.filled === this.payload.length) {
          out.push({ type: 'printJob', format: this.format, data: this.payload });
          this.state = 'idle';
        }
        continue;
      }
      const byte = chunk[i++] as number;
      if (byte === ESC) {
        this.state = 'command';
        this.text = '';
      } else if (this.state === 'command') {
        if (byte === CR) {
          this.state = 'idle';
          this.finishCommand(out);
        } else if (this.text.length >= MAX_LINE) {
          this.state = 'idle';
        } else {
          this.text += String.fromCharCode(byte);
        }
      }
    }
    return out;
  }

  private finishCommand(out: DeviceInput[]): void {
    const parts = this.text.split(';');
    if (parts[0] !== PRINT_JOB.name) {
      out.push({ type: 'command', text: this.text });
      return;
    }
    const length = Number(parts[2]);
    if (
      parts.length !== 3 ||
      !/^\d{1,9}$/.test(parts[2] ?? '') ||
      length < 1 ||
      length > MAX_PRINT_JOB_BYTES
    ) {
      out.push({ type: 'badPrintJob', text: this.text });
      return;
    }
    this.format = parts[1] ?? '';
    this.payload = new Uint8Array(length);
    this.filled = 0;
    this.state = 'payload';
  }
}
