import { defaultSeedData, generateSeedData } from '@sik/seeds';
import { portOption, simOption, stopOnSignals } from '../sim-args.ts';
import { BankHostSimulator, DEMO_PIN_KEY_HEX } from './simulator.ts';

/**
 * The bank host simulator as its own process: `tsx server/src/integrations/bank-host/simulator-main.ts
 * [--port 7410] [--host 127.0.0.1] [--data-dir DIR] [--pin-key HEX] [--citizens N]` (or SIK_BANK_HOST_PORT, ...).
 * Port 0 picks a free one. The accounts are the seeds' bank accounts (`--citizens` must match the server's
 * seed). stdout carries one JSON line when it listens: {"ready":true,"url":...}.
 */
const argv = process.argv.slice(2);
const option = (name: string) => simOption(argv, process.env, 'BANK_HOST', name);
const citizens = option('citizens');
const data = citizens ? generateSeedData({ citizens: Number(citizens) }) : defaultSeedData();
const simulator = new BankHostSimulator({
  accounts: data.bankAccounts,
  pinKeyHex: option('pin-key') ?? DEMO_PIN_KEY_HEX,
  dataDir: option('data-dir') ?? null,
});
const url = await simulator.start(portOption(option('port'), 7410), option('host') ?? '127.0.0.1');
process.stdout.write(`${JSON.stringify({ ready: true, url, accounts: data.bankAccounts.length })}\n`);
stopOnSignals(() => simulator.stop());
