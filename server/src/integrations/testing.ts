import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encryptPinBlock } from '@sik/contract/pin-block';
import { DEMO_PIN, DEMO_PIN_KEY_HEX } from './bank-host/simulator.ts';

/** For tests and the benchmark: simulators as their own processes, free ports, PIN blocks as the PIN pad makes them. */

export const SIMULATOR_MAINS = {
  bankHost: fileURLToPath(new URL('./bank-host/simulator-main.ts', import.meta.url)),
  gateway: fileURLToPath(new URL('./payment-gateway/simulator-main.ts', import.meta.url)),
} as const;

export interface SimulatorProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts a simulator main with tsx and waits for its ready line. */
export async function startSimulatorProcess(
  kind: keyof typeof SIMULATOR_MAINS,
  args: readonly string[] = [],
  timeoutMs = 30_000,
): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SIMULATOR_MAINS[kind], '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} simulator not ready:\n${stderr}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} simulator exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { ready?: boolean; url?: string };
        if (parsed.ready && parsed.url) {
          clearTimeout(timer);
          resolve({ url: parsed.url });
        }
      } catch {
        // not the ready line
      }
    });
  });
  return {
    url: ready.url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    },
  };
}

/** A port free right now (for a server that must know its own URL before it listens). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The PIN block the demo PIN pad makes for `pin` on this account. */
export function demoPinBlock(accountNumber: string, pin: string = DEMO_PIN): string {
  return encryptPinBlock(DEMO_PIN_KEY_HEX, pin, accountNumber);
}

export async function postJson(
  url: string,
  body: unknown = {},
): Promise<{ status: number; json: unknown; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (a settlement file)
  }
  return { status: response.status, json, text };
}

export async function getText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}
