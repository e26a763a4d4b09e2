import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface BenchResult {
  id: string;
  value: number;
  unit: string;
  note: string;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function machine() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    note: 'shared, noisy machine: compare medians and ratios, not single runs',
  };
}

export function writeResults(path: string, results: BenchResult[]): void {
  writeFileSync(path, `${JSON.stringify({ machine: machine(), results }, null, 2)}\n`);
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [r.id, `${r.value}`, r.unit, r.note]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length), 6));
  for (const row of [['id', 'value', 'unit', 'note'], ...rows]) {
    console.log(row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  '));
  }
}
