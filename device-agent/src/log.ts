import pino from 'pino';

/**
 * Structured logs on stderr, one namespace per module (STYLE.md rule 14). Never pass names, ID numbers,
 * photos, PINs or face data to a logger: log codes, card types and results.
 */
const root = pino(
  { name: 'device-agent', level: process.env.SIK_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
  pino.destination(2),
);

export function createLogger(namespace: string) {
  return root.child({ ns: namespace });
}
export type Logger = ReturnType<typeof createLogger>;
