/**
 * `npm run bench`: prints a table and writes bench/results.json (the machine and a list of {id, value, unit,
 * note}). The machine is shared and noisy: quote medians and ratios, not single runs.
 */
import { benchFace } from './face.ts';
import { benchIdCardRead } from './idcard.ts';
import { benchIssuance } from './issuance.ts';
import { benchPayments } from './payments.ts';
import { benchPdf } from './pdf.ts';
import { type BenchResult, printTable, writeResults } from './results-file.ts';
import { benchServerLookup } from './server-lookup.ts';

/** Units and notes for the figures the newer benches return as plain id -> value maps. */
const DESCRIBED: Record<string, { unit: string; note: string }> = {
  'pdf.gen_ms': {
    unit: 'ms',
    note: 'median time to render a 3-page contribution record (pdfkit, CJK subset); goal < 200',
  },
  'pdf.size_kb': { unit: 'KiB', note: 'size of that 3-page record; goal < 100' },
  'payment.posted_per_s': {
    unit: 'payments/s',
    note: 'payments posted per second: server on PGlite (folder) + bank host simulator process, 10 at a time',
  },
  'payment.count': { unit: 'payments', note: 'payments posted in the measured window' },
  'payment.latency_p50_ms': { unit: 'ms', note: 'one payment, request to posted, median' },
  'payment.latency_p95_ms': { unit: 'ms', note: 'one payment, request to posted, 95th percentile' },
};

function described(figures: Record<string, number>): BenchResult[] {
  return Object.entries(figures).map(([id, value]) => ({
    id,
    value,
    unit: DESCRIBED[id]?.unit ?? '',
    note: DESCRIBED[id]?.note ?? '',
  }));
}

const results: BenchResult[] = [];
results.push(...(await benchIdCardRead()));
results.push(...(await benchServerLookup()));
results.push(...described(await benchPdf()));
results.push(...described(await benchPayments()));
results.push(...(await benchFace()));
results.push(...(await benchIssuance()));
writeResults('bench/results.json', results);
printTable(results);
process.exit(0);
