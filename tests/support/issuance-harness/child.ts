import { type ChildProcess, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildLine, IssueCommand } from '../../../device-agent/src/issuance/testing/child-protocol.ts';

/**
 * The crash child (device-agent/src/issuance/testing/crash-child.ts) seen from the harness: bundled once per run,
 * and one running child with the JSON lines it printed (the lane launches, starts and kills them).
 */

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CHILD_ENTRY = 'device-agent/src/issuance/testing/crash-child.ts';

/**
 * The crash child bundled into one ES module (our TypeScript and zod inlined, native and font packages left to
 * node_modules): it starts in a third of the time tsx needs, which is most of a crash point. Null when esbuild
 * is not there (the child then runs under tsx).
 */
export function bundleChild(): string | null {
  const dir = join(ROOT, 'node_modules', '.cache', 'sik-crash-child');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `crash-child-${process.pid}-${Date.now()}.mjs`);
  const built = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [
      CHILD_ENTRY,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${outfile}`,
      '--external:serialport',
      '--external:@napi-rs/canvas',
      '--external:@embedpdf/fonts-sc',
      '--external:pino',
      "--banner:js=import { createRequire as __sikRequire } from 'node:module'; const require = __sikRequire(import.meta.url);",
      '--log-level=error',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return built.status === 0 ? outfile : null;
}

export class ChildHandle {
  readonly lines: ChildLine[] = [];
  private waiters: (() => void)[] = [];
  private stderrText = '';
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString();
      if (this.stderrText.length > 40_000) this.stderrText = this.stderrText.slice(-20_000);
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      let line: ChildLine;
      try {
        line = JSON.parse(text) as ChildLine;
      } catch {
        return;
      }
      this.lines.push(line);
      this.wake();
    });
    this.exited = once(child, 'exit').then(() => this.wake());
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stderr(): string {
    return this.stderrText.slice(-4000);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits for a line matching `pick` from index `from` on; null when the child exits first or time runs out. */
  async waitFor<T>(
    from: number,
    pick: (line: ChildLine) => T | undefined,
    timeoutMs: number,
  ): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    let i = from;
    for (;;) {
      for (; i < this.lines.length; i++) {
        const found = pick(this.lines[i] as ChildLine);
        if (found !== undefined) return found;
      }
      if (!this.alive) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(command: { issue: IssueCommand } | { exit: true }): void {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }
}
