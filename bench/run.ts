/**
 * `npm run bench`: prints a table and writes bench/results.json (the machine and a list of {id, value, unit,
 * note}). The machine is shared and noisy: quote medians and ratios, not single runs.
 */
import { benchIdCardRead } from './idcard.ts';
import { type BenchResult, printTable, writeResults } from './results-file.ts';
import { benchServerLookup } from './server-lookup.ts';

const results: BenchResult[] = [];
results.push(...(await benchIdCardRead()));
results.push(...(await benchServerLookup()));
writeResults('bench/results.json', results);
printTable(results);
process.exit(0);
