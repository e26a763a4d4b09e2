import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from './journal.ts';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sik-journal-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('journal', () => {
  it('keeps begun, unfinished work across a restart (a new instance on the same folder)', () => {
    const dir = freshDir();
    const first = new Journal(dir);
    first.begin('payment', 'key-a', { amountCents: 50000, paymentKey: 'key-a' });
    first.begin('payment', 'key-b', { amountCents: 20000, paymentKey: 'key-b' });
    first.note('key-a', { paymentId: 'PAY-1' });
    first.finish('key-b', 'posted');

    const second = new Journal(dir);
    expect(second.open()).toEqual([
      { id: 'key-a', kind: 'payment', data: { amountCents: 50000, paymentKey: 'key-a', paymentId: 'PAY-1' } },
    ]);
    second.finish('key-a', 'posted');
    expect(new Journal(dir).open()).toEqual([]);
  });

  it('survives a line torn by a power cut at the end of the file', () => {
    const dir = freshDir();
    const journal = new Journal(dir);
    journal.begin('payment', 'key-a', { amountCents: 1 });
    appendFileSync(join(dir, 'journal.jsonl'), '{"op":"finish","at":"2026-');
    expect(new Journal(dir).open().map((e) => e.id)).toEqual(['key-a']);
  });

  it('filters by kind and ignores finishing what is not open', () => {
    const journal = new Journal(freshDir());
    journal.begin('payment', 'p', {});
    journal.begin('print', 'q', {});
    journal.finish('unknown', 'x');
    expect(journal.open('payment').map((e) => e.id)).toEqual(['p']);
    expect(journal.open().length).toBe(2);
  });

  it('writes one JSON line per step, with no more than what it was given', () => {
    const dir = freshDir();
    const journal = new Journal(dir);
    journal.begin('payment', 'k', { year: 2026 });
    journal.finish('k', 'posted');
    const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).op)).toEqual(['begin', 'finish']);
  });
});
