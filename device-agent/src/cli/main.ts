/**
 * Diagnostics CLI: `npm run agent -- <command> [options]`. Each command is one entry in COMMANDS, loaded only
 * when chosen, and returns the process exit code.
 */
import { pathToFileURL } from 'node:url';

interface CliCommand {
  usage: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, CliCommand> = {
  'probe idcard': {
    usage: 'probe idcard --port <path> [--baud <n>] [--timeout <seconds>]',
    run: async (argv) => (await import('./probe-idcard.ts')).probeIdCard(argv),
  },
};

export const EXIT_USAGE = 64;

export function usage(): string {
  return ['usage: npm run agent -- <command>', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join(
    '\n',
  );
}

export async function runCli(argv: string[]): Promise<number> {
  // Commands are one or two words ("probe idcard"); the rest are the command's own arguments.
  for (const words of [2, 1]) {
    const command = argv.length >= words ? COMMANDS[argv.slice(0, words).join(' ')] : undefined;
    if (command) return command.run(argv.slice(words));
  }
  if (argv[0] === '--help' || argv[0] === 'help') {
    console.log(usage());
    return 0;
  }
  console.error(argv.length === 0 ? usage() : `unknown command: ${argv.join(' ')}\n${usage()}`);
  return EXIT_USAGE;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
