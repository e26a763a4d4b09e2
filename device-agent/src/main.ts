import { loadAgentConfig } from '@sik/config';
import { startAgent } from './agent.ts';
import { createLogger } from './log.ts';

const log = createLogger('main');

/** The agent process: `tsx device-agent/src/main.ts` (config from SIK_AGENT_CONFIG and the environment). */
async function main(): Promise<void> {
  const config = loadAgentConfig();
  const agent = await startAgent(config);
  // stdout carries one line for whoever launched us (the demo script, a kiosk shell): where the UI is.
  process.stdout.write(`${JSON.stringify({ ready: true, kioskUrl: agent.socket.kioskUrl })}\n`);
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await agent.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  log.fatal({ err: error.message, code: (error as { code?: string }).code }, 'agent failed to start');
  console.error(`device-agent: ${error.message}`);
  process.exit(1);
});
