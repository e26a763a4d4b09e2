import { COMMAND_NAMES, COMMANDS, type CommandName, DLE, ESC, FS, GS } from './commands.ts';

export type EscPosEvent =
  /** Printable bytes (0x20 and up): ASCII, or GB18030 in Chinese mode, whose bytes are never below 0x30 after the first. */
  | { kind: 'text'; bytes: Uint8Array }
  /** A command of the table, whole: params is everything after its prefix. */
  | { kind: 'command'; name: CommandName; params: Uint8Array }
  /** A control byte, or an ESC / GS / FS / DLE sequence, that is not in the table: its length is unknown, so
   *  only the introducer and the byte after it are dropped (a real printer would misread what follows too). */
  | { kind: 'unknown'; bytes: Uint8Array };

const INTRODUCERS: readonly number[] = [ESC, GS, FS, DLE];

/**
 * Streaming ESC/POS parser for the printer's side of the line (the simulator): push chunks as they arrive, get
 * text runs and whole commands back in order. A command cut by the end of a chunk waits for the rest.
 */
export class EscPosParser {
  private buffer = new Uint8Array(0);

  get pending(): number {
    return this.buffer.length;
  }

  reset(): void {
    this.buffer = new Uint8Array(0);
  }

  push(chunk: Uint8Array): EscPosEvent[] {
    this.append(chunk);
    const events: EscPosEvent[] = [];
    while (this.buffer.length > 0) {
      const first = this.buffer[0] ?? 0;
      if (first >= 0x20) {
        let end = 1;
        while (end < this.buffer.length && (this.buffer[end] ?? 0) >= 0x20) end += 1;
        events.push({ kind: 'text', bytes: this.buffer.slice(0, end) });
        this.drop(end);
        continue;
      }
      const match = this.matchCommand();
      if (match === 'incomplete') break;
      if (match) {
        events.push({
          kind: 'command',
          name: match.name,
          params: this.buffer.slice(COMMANDS[match.name].prefix.length, match.length),
        });
        this.drop(match.length);
        continue;
      }
      const unknownLength = INTRODUCERS.includes(first) ? 2 : 1;
      if (this.buffer.length < unknownLength) break;
      events.push({ kind: 'unknown', bytes: this.buffer.slice(0, unknownLength) });
      this.drop(unknownLength);
    }
    return events;
  }

  /** The table command at the start of the buffer, 'incomplete' while it cannot tell yet, null for none. */
  private matchCommand(): { name: CommandName; length: number } | 'incomplete' | null {
    let waiting = false;
    for (const name of COMMAND_NAMES) {
      const prefix = COMMANDS[name].prefix;
      const available = Math.min(prefix.length, this.buffer.length);
      let matches = true;
      for (let i = 0; i < available; i++) {
        if (this.buffer[i] !== prefix[i]) {
          matches = false;
          break;
        }
      }
      if (!matches) continue;
      if (this.buffer.length < prefix.length) {
        waiting = true;
        continue;
      }
      const length = COMMANDS[name].length(this.buffer);
      return length === null ? 'incomplete' : { name, length };
    }
    return waiting ? 'incomplete' : null;
  }

  private append(chunk: Uint8Array): void {
    if (this.buffer.length === 0) {
      this.buffer = chunk.slice();
      return;
    }
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    this.buffer = joined;
  }

  private drop(count: number): void {
    this.buffer = this.buffer.subarray(count);
  }
}
