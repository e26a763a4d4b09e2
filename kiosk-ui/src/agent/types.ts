import type { CommandName, CommandRequest, CommandResponse, KioskState, Result } from '@sik/contract';

/**
 * connecting: no live socket (yet, or again); noToken: the page was opened without a token;
 * refused: the agent rejected the token; connected: live, state arrives on every change.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'refused' | 'noToken';

export interface AgentSnapshot {
  status: ConnectionStatus;
  /** The last state the agent published on the live connection; null whenever there is none. */
  state: KioskState | null;
}

export type SendCommand = <C extends CommandName>(
  name: C,
  payload: CommandRequest<C>,
) => Promise<Result<CommandResponse<C>>>;

/** What the React tree needs from a connection: a store to subscribe to and a way to send commands. */
export interface AgentClient {
  getSnapshot(): AgentSnapshot;
  subscribe(listener: () => void): () => void;
  send: SendCommand;
  close(): void;
}
