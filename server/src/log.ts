import pino from 'pino';

/**
 * Structured logs (pino), one namespace per module (STYLE.md rule 14). Never pass names or ID numbers to a
 * logger: log person ids, masked values, codes and results. The redaction below is a safety net, not the rule.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Logs go to stderr: stdout carries only the ready line for whoever launched the server (as the agent does). */
export function createRootLogger(level: LogLevel): pino.Logger {
  return pino(
    {
      name: 'server',
      level,
      base: { pid: process.pid },
      redact: { paths: ['idNumber', '*.idNumber', 'body', '*.body'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** SIK_LOG_LEVEL (shared with the agent, set by test and bench launchers) wins over the configured level. */
export function logLevelFrom(env: NodeJS.ProcessEnv, configured: LogLevel): LogLevel {
  const wanted = env.SIK_LOG_LEVEL as LogLevel | undefined;
  return wanted && LEVELS.includes(wanted) ? wanted : configured;
}

export type Logger = pino.Logger;
