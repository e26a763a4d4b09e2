import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface Started {
  child: ChildProcess;
  ready: Record<string, unknown>;
  /** Everything the process wrote to stderr, for failure messages. */
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a TypeScript entry point as its own process (as in production: three processes) and waits for the
 * first JSON line on stdout, which each of our processes prints when it is ready.
 */
export async function startProcess(
  entry: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} not ready in ${timeoutMs} ms:\n${stderr}`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready:\n${stderr}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // a line that is not our ready line
      }
    });
  });
  return {
    child,
    ready,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

/** A pair of connected pseudo-terminals made by socat; the paths are symlinks to /dev/pts/N. */
export async function startPtyPair(dir: string): Promise<{ a: string; b: string; stop(): Promise<void> }> {
  const a = `${dir}/ttyA`;
  const b = `${dir}/ttyB`;
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`socat did not start: ${seen}`)), 10_000);
    child.once('error', (error) =>
      reject(new Error(`socat could not run (is it installed?): ${error.message}`)),
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    a,
    b,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
