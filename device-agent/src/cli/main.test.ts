import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_USAGE, runCli } from './main.ts';
import { EXIT } from './probe-idcard.ts';

/** In-process: what the CLI prints and returns. The pty test runs it as a real child process. */
function captureConsole() {
  const errors: string[] = [];
  const outputs: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.join(' '));
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    outputs.push(args.join(' '));
  });
  return { errors, outputs };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('agent CLI', () => {
  it('prints usage and exits 64 for an unknown command, or none', async () => {
    const { errors } = captureConsole();
    expect(await runCli(['frobnicate'])).toBe(EXIT_USAGE);
    expect(errors[0]).toContain('unknown command: frobnicate');
    expect(errors[0]).toContain('probe idcard --port <path>');
    expect(await runCli([])).toBe(EXIT_USAGE);
    expect(await runCli(['probe'])).toBe(EXIT_USAGE);
  });

  it('prints usage on stdout for --help', async () => {
    const { outputs } = captureConsole();
    expect(await runCli(['--help'])).toBe(0);
    expect(outputs[0]).toContain('probe idcard');
  });

  it.each([
    [['probe', 'idcard']],
    [['probe', 'idcard', '--port', '/tmp/x', '--timeout', 'soon']],
    [['probe', 'idcard', '--port', '/tmp/x', '--baud', '-5']],
    [['probe', 'idcard', '--bogus']],
  ])('exits 64 with the usage for %j', async (argv) => {
    const { errors } = captureConsole();
    expect(await runCli(argv)).toBe(EXIT.usage);
    expect(errors.join('\n')).toContain('usage: probe idcard');
  });

  it('exits 3 with one line on stderr when the port does not exist', async () => {
    const { errors, outputs } = captureConsole();
    const code = await runCli(['probe', 'idcard', '--port', '/nonexistent/ttyX', '--timeout', '1']);
    expect(code).toBe(EXIT.deviceError);
    expect(outputs).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('no reader at /nonexistent/ttyX');
  });
});
