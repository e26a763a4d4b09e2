import type { CommandName, CommandRequest, CommandResponse, ErrorCode, Result } from '@sik/contract';
import { createContext, useCallback, useContext } from 'react';
import { useSendCommand } from '../agent/context.tsx';

/** Lets any screen say "that did not work" in one shared place without knowing where it is shown. */
export const ProblemContext = createContext<(failed: boolean) => void>(() => {});

/**
 * Sends a command and reports a failure to the citizen in plain words. WRONG_PHASE is not reported: it means
 * the agent already moved on (an auto-advance raced the tap), and the next published state shows where.
 */
export function useCommand() {
  const send = useSendCommand();
  const report = useContext(ProblemContext);
  return useCallback(
    async <C extends CommandName>(
      name: C,
      payload: CommandRequest<C>,
      quiet: readonly ErrorCode[] = [],
    ): Promise<Result<CommandResponse<C>>> => {
      const result = await send(name, payload);
      report(!result.ok && result.code !== 'WRONG_PHASE' && !quiet.includes(result.code));
      return result;
    },
    [send, report],
  );
}

/** Whether the last command failed, for the current page to say so. */
export const ProblemShownContext = createContext(false);
