/**
 * `npm start`: the whole kiosk on embedded defaults, as three processes — the server on PGlite in .data/server
 * (seeded with demo data on first start), the device agent with simulated devices, and the kiosk UI built by
 * Vite and served by the agent — plus the two outside systems a branch talks to, simulated as their own
 * processes with their own ledgers: the bank host (account debits with PIN) and the QR payment gateway.
 * Prints the URL to open. Ctrl-C stops everything.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';

const SERVER_PORT = Number(process.env.SIK_SERVER_PORT ?? 7400);
const BANK_PORT = Number(process.env.SIK_BANK_HOST_PORT ?? 7410);
const GATEWAY_PORT = Number(process.env.SIK_GATEWAY_PORT ?? 7420);
const AGENT_PORT = Number(process.env.SIK_AGENT_PORT ?? 7300);
const PROVISIONING_TOKEN = process.env.SIK_PROVISIONING_TOKEN ?? 'demo-provisioning-token-change-me';
const children: ChildProcess[] = [];

function start(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // Children log JSON on stderr; keep it in a file-like prefix so the demo's own lines stay readable.
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    if (process.env.SIK_DEMO_VERBOSE || /"level":(40|50|60)/.test(line)) console.error(`[${name}] ${line}`);
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[demo] ${name} stopped (${signal ?? code}); stopping the demo`);
      stop(1);
    }
  });
  return child;
}

function firstJsonLine(child: ChildProcess, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('timed out waiting for the process to start')),
      timeoutMs,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // not our line
      }
    });
  });
}

let stopping = false;
function stop(code: number): void {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

console.log('[demo] building the kiosk UI…');
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
  cwd: 'kiosk-ui',
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('[demo] the kiosk UI did not build');
  process.exit(1);
}

console.log('[demo] starting the bank host and payment gateway simulators (ledgers in .data/)…');
const bank = start(
  'bank',
  [
    'server/src/integrations/bank-host/simulator-main.ts',
    '--port',
    String(BANK_PORT),
    '--data-dir',
    '.data/bank-host',
  ],
  {},
);
const gateway = start(
  'gateway',
  [
    'server/src/integrations/payment-gateway/simulator-main.ts',
    '--port',
    String(GATEWAY_PORT),
    '--data-dir',
    '.data/payment-gateway',
  ],
  {},
);
const [bankReady, gatewayReady] = await Promise.all([
  firstJsonLine(bank, 60_000),
  firstJsonLine(gateway, 60_000),
]);

console.log('[demo] starting the server (PGlite in .data/server; the first start seeds demo data)…');
const server = start('server', ['server/src/main.ts'], {
  PORT: String(SERVER_PORT),
  SIK_SERVER_CONFIG_JSON: JSON.stringify({
    publicBaseUrl: `http://127.0.0.1:${SERVER_PORT}`,
    payments: { bankHostUrl: String(bankReady.url), gatewayUrl: String(gatewayReady.url) },
  }),
});
const serverReady = await firstJsonLine(server, 180_000);
console.log(`[demo] server ready at ${String(serverReady.url)}`);

console.log('[demo] starting the device agent with simulated devices…');
const agentConfig = JSON.stringify({
  listen: { host: '127.0.0.1', port: AGENT_PORT },
  gatewaySimulatorUrl: String(gatewayReady.url),
});
const agent = start('agent', ['device-agent/src/main.ts'], {
  SIK_SERVER_URL: `http://127.0.0.1:${SERVER_PORT}`,
  SIK_PROVISIONING_TOKEN: PROVISIONING_TOKEN,
  SIK_AGENT_CONFIG_JSON: agentConfig,
});
const agentReady = await firstJsonLine(agent, 60_000);
console.log('');
console.log('  Kiosk ready. Open this URL in a browser (the simulator dock is on the right edge):');
console.log(`  ${String(agentReady.kioskUrl)}`);
console.log('');
console.log('  Ctrl-C stops the demo. Data stays in .data/ (delete it to start fresh).');
