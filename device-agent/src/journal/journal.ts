import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../log.ts';

const log = createLogger('journal');

/**
 * The kiosk's crash-safe journal: an append-only file of JSON lines, each written and fsynced before the
 * device or the server is asked to act, so that after a crash or a power cut the agent knows what was under way.
 * An entry is opened with `begin` and closed with `finish`; `open()` lists what was begun and never finished.
 * It holds references (idempotency keys, payment ids, masked values), never a PIN, a name or a full ID number.
 */

export interface JournalEntry {
  id: string;
  kind: string;
  data: Record<string, string | number | boolean | null>;
}

type Line =
  | { op: 'begin'; at: string; entry: JournalEntry }
  | { op: 'note'; at: string; id: string; data: JournalEntry['data'] }
  | { op: 'finish'; at: string; id: string; outcome: string };

export class Journal {
  private readonly file: string;
  private readonly entries = new Map<string, JournalEntry>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'journal.jsonl');
    this.load();
  }

  /** Records that work is starting; durable on disk when this returns. */
  begin(kind: string, id: string, data: JournalEntry['data']): void {
    const entry = { id, kind, data: { ...data } };
    this.append({ op: 'begin', at: new Date().toISOString(), entry });
    this.entries.set(id, entry);
  }

  /** Adds facts to an open entry (e.g. the payment id the server gave). */
  note(id: string, data: JournalEntry['data']): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.append({ op: 'note', at: new Date().toISOString(), id, data });
    Object.assign(entry.data, data);
  }

  finish(id: string, outcome: string): void {
    if (!this.entries.has(id)) return;
    this.append({ op: 'finish', at: new Date().toISOString(), id, outcome });
    this.entries.delete(id);
  }

  /** Entries begun and not finished, oldest first. */
  open(kind?: string): JournalEntry[] {
    return [...this.entries.values()].filter((e) => kind === undefined || e.kind === kind);
  }

  private append(line: Line): void {
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, `${JSON.stringify(line)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    for (const [index, raw] of lines.entries()) {
      if (raw.trim() === '') continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        // Only the last line can be torn by a power cut mid-write; anything else is damage worth a warning.
        if (index < lines.length - 2) log.warn({ line: index + 1 }, 'journal line unreadable, skipped');
        continue;
      }
      if (line.op === 'begin') this.entries.set(line.entry.id, line.entry);
      else if (line.op === 'note') {
        const entry = this.entries.get(line.id);
        if (entry) Object.assign(entry.data, line.data);
      } else this.entries.delete(line.id);
    }
    if (this.entries.size > 0) log.info({ open: this.entries.size }, 'journal has unfinished work');
  }
}
