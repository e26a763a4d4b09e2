import { portOption, simOption, stopOnSignals } from '../sim-args.ts';
import { DEMO_GATEWAY_SECRET, PaymentGatewaySimulator } from './simulator.ts';

/**
 * The QR payment gateway simulator as its own process: `tsx server/src/integrations/payment-gateway/
 * simulator-main.ts [--port 7420] [--host 127.0.0.1] [--data-dir DIR] [--secret S]` (or SIK_GATEWAY_PORT, ...).
 * Port 0 picks a free one. stdout carries one JSON line when it listens: {"ready":true,"url":...}.
 */
const argv = process.argv.slice(2);
const option = (name: string) => simOption(argv, process.env, 'GATEWAY', name);
const simulator = new PaymentGatewaySimulator({
  secret: option('secret') ?? DEMO_GATEWAY_SECRET,
  dataDir: option('data-dir') ?? null,
});
const url = await simulator.start(portOption(option('port'), 7420), option('host') ?? '127.0.0.1');
process.stdout.write(`${JSON.stringify({ ready: true, url })}\n`);
stopOnSignals(async () => {
  await simulator.stop();
});
