/**
 * Test support for devices on real pseudo-terminals (socat) with a simulator in its own process; not used at
 * run time. The same steps as device-agent/src/devices/idcard/pty.test.ts, shared by the newer devices.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root, where `node --import tsx <entry>` runs. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function findExecutable(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two linked pseudo-terminals at the given paths (symlinks made by socat); kill the child to remove them. */
export async function startPtyPair(socatPath: string, first: string, second: string): Promise<ChildProcess> {
  const child = spawn(socatPath, [`pty,raw,echo=0,link=${first}`, `pty,raw,echo=0,link=${second}`], {
    stdio: 'ignore',
  });
  await waitForFile(first, 5000);
  await waitForFile(second, 5000);
  return child;
}

/** A TypeScript entry point as a child process, through tsx, from the repository root. */
export function runTs(
  entry: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): ChildProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: REPOSITORY_ROOT,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface SimulatorProcess {
  child: ChildProcess;
  /** The JSON line the simulator printed once ready. */
  ready: { ready: boolean; controlUrl: string; controlPort: number } & Record<string, unknown>;
  /** What it wrote on stderr so far. */
  log(): string;
}

/** Starts a simulator-main.ts and waits for its ready line on stdout. */
export async function startSimulatorProcess(
  entry: string,
  args: string[],
  env: Record<string, string | undefined> = { SIK_LOG_LEVEL: 'warn' },
  timeoutMs = 20_000,
): Promise<SimulatorProcess> {
  const child = runTs(entry, args, env);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = await new Promise<SimulatorProcess['ready']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator not ready:\n${stderr}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as SimulatorProcess['ready']);
    });
  });
  return { child, ready, log: () => stderr };
}

export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
