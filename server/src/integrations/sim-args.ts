/** `--name value` pairs from argv, then SIK_<PREFIX>_<NAME> environment variables, for the simulator mains. */
export function simOption(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  prefix: string,
  name: string,
): string | undefined {
  const flag = `--${name}`;
  const i = argv.indexOf(flag);
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1];
  const inline = argv.find((a) => a.startsWith(`${flag}=`));
  if (inline) return inline.slice(flag.length + 1);
  return env[`SIK_${prefix}_${name.replaceAll('-', '_').toUpperCase()}`];
}

export function portOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`bad port ${value}`);
  return port;
}

/** Stops on SIGINT/SIGTERM, a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(1);
    stopping = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
