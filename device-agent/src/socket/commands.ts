import {
  type CommandName,
  type CommandRequest,
  type CommandResponse,
  Commands,
  describeZodError,
  err,
  ok,
  type Result,
} from '@sik/contract';
import { FlowError } from '../flows/flow.ts';
import { createLogger } from '../log.ts';
import { SessionError } from '../session/kiosk-session.ts';

const log = createLogger('commands');

export type CommandHandlers = {
  [C in CommandName]: (payload: CommandRequest<C>) => Promise<CommandResponse<C>> | CommandResponse<C>;
};

/** Thrown by a handler to answer a command with a specific code. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: 'SIMULATOR_DISABLED' | 'DEVICE_ERROR' | 'INVALID_INPUT' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Validates a command's envelope against the contract, runs its handler and turns every exception into a
 * coded Result: the one place where command errors become codes (STYLE.md rule 4).
 */
export async function dispatchCommand<C extends CommandName>(
  name: C,
  envelope: unknown,
  handlers: CommandHandlers,
): Promise<Result<CommandResponse<C>>> {
  const requestId = (envelope as { requestId?: unknown } | null)?.requestId;
  if (typeof requestId !== 'string' || requestId.length === 0) {
    return err('INVALID_INPUT', 'requestId: every command needs a request id', 'requestId');
  }
  const parsed = Commands[name].request.safeParse((envelope as { payload?: unknown }).payload ?? {});
  if (!parsed.success) return describeZodError(parsed.error);
  try {
    const handler = handlers[name] as (payload: unknown) => Promise<CommandResponse<C>> | CommandResponse<C>;
    const data = await handler(parsed.data);
    log.debug({ requestId, command: name }, 'command done');
    return ok(data);
  } catch (error) {
    if (error instanceof SessionError || error instanceof CommandError || error instanceof FlowError) {
      log.info({ requestId, command: name, code: error.code }, 'command refused');
      return err(error.code, error.message);
    }
    log.error({ requestId, command: name, err: (error as Error).message }, 'command failed');
    return err('INTERNAL', `${name} failed`);
  }
}
