import {
  type ClientToServerEvents,
  type CommandName,
  type CommandRequest,
  type CommandResponse,
  err,
  KioskState,
  type Result,
  type ServerToClientEvents,
  SOCKET_AUTH_TOKEN_KEY,
  SocketEvents,
} from '@sik/contract';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { type AgentClient, type AgentSnapshot, type CameraPreviewFrame, toPreviewFrame } from './types.ts';

export type KioskSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface AgentClientOptions {
  /** Per-boot token from the URL fragment; null shows "not ready" and never connects. */
  token: string | null;
  /** Agent URL; undefined means the page's own origin (the agent serves the UI). */
  url?: string;
  /** How long a command may wait for its acknowledgement. */
  commandTimeoutMs?: number;
  /** After the agent refuses the token, try again this much later (the agent may have been restarting). */
  retryRefusedMs?: number;
  /** For tests: build the socket some other way. */
  connect?: (url: string | undefined, options: Partial<ManagerOptions & SocketOptions>) => KioskSocket;
}

const defaultConnect = (url: string | undefined, options: Partial<ManagerOptions & SocketOptions>) =>
  (url === undefined ? io(options) : io(url, options)) as KioskSocket;

/** The emit shape of a socket with a timeout: the ack gets an error first (socket.io v4 `timeout()`). */
type TimedEmit = (
  name: CommandName,
  envelope: { requestId: string; payload: unknown },
  ack: (error: Error | null, result?: unknown) => void,
) => void;

/**
 * A tiny typed client for the device agent: a store of the last published KioskState (for
 * useSyncExternalStore) and `send`, which wraps each command in `{ requestId, payload }` and resolves with the
 * agent's Result, or with an error Result when there is no connection or no answer in time.
 */
export function createAgentClient(options: AgentClientOptions): AgentClient {
  const listeners = new Set<() => void>();
  let snapshot: AgentSnapshot = { status: options.token ? 'connecting' : 'noToken', state: null };
  const set = (next: AgentSnapshot) => {
    if (next.status === snapshot.status && next.state === snapshot.state) return;
    snapshot = next;
    for (const listener of listeners) listener();
  };
  const store = {
    getSnapshot: () => snapshot,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const frameListeners = new Set<(frame: CameraPreviewFrame) => void>();
  const onCameraFrame = (listener: (frame: CameraPreviewFrame) => void) => {
    frameListeners.add(listener);
    return () => {
      frameListeners.delete(listener);
    };
  };

  const token = options.token;
  if (!token) {
    return {
      ...store,
      send: async () => err('UNAUTHORIZED', 'no kiosk token'),
      onCameraFrame,
      close: () => listeners.clear(),
    };
  }

  const timeoutMs = options.commandTimeoutMs ?? 8_000;
  const retryRefusedMs = options.retryRefusedMs ?? 10_000;
  const socket = (options.connect ?? defaultConnect)(options.url, {
    auth: { [SOCKET_AUTH_TOKEN_KEY]: token },
    reconnectionDelay: 500,
    reconnectionDelayMax: 3_000,
  });
  let lastRevision = -1;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  socket.on('connect', () => {
    // A restarted agent counts revisions from zero again.
    lastRevision = -1;
    set({ status: 'connected', state: null });
  });
  socket.on('disconnect', () => {
    // Nothing of the last state (a citizen's masked name included) outlives the connection.
    set({ status: 'connecting', state: null });
  });
  socket.on('connect_error', () => {
    if (socket.active) {
      set({ status: 'connecting', state: null });
      return;
    }
    // Refused by the agent's middleware: socket.io does not retry by itself.
    set({ status: 'refused', state: null });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => socket.connect(), retryRefusedMs);
  });
  socket.on(SocketEvents.state, (raw) => {
    const parsed = KioskState.safeParse(raw);
    if (!parsed.success) {
      console.warn(
        'kiosk-ui: ignored a state that does not match the contract',
        parsed.error.issues[0]?.path,
      );
      return;
    }
    if (parsed.data.revision < lastRevision) return;
    lastRevision = parsed.data.revision;
    set({ status: 'connected', state: parsed.data });
  });

  socket.on(SocketEvents.cameraFrame, (raw) => {
    const frame = toPreviewFrame(raw);
    if (!frame) return;
    for (const listener of frameListeners) listener(frame);
  });

  const send = <C extends CommandName>(
    name: C,
    payload: CommandRequest<C>,
  ): Promise<Result<CommandResponse<C>>> => {
    if (!socket.connected) return Promise.resolve(err('INTERNAL', 'not connected to the kiosk agent'));
    const envelope = { requestId: crypto.randomUUID(), payload };
    return new Promise((resolve) => {
      // The typed emit cannot follow a generic command name through the mapped event type.
      const timed = socket.timeout(timeoutMs) as unknown as { emit: TimedEmit };
      timed.emit(name, envelope, (error, result) => {
        resolve(
          error
            ? err('INTERNAL', `${name}: the kiosk agent did not answer within ${timeoutMs} ms`)
            : (result as Result<CommandResponse<C>>),
        );
      });
    });
  };

  return {
    ...store,
    send,
    onCameraFrame,
    close: () => {
      clearTimeout(retryTimer);
      socket.removeAllListeners();
      socket.disconnect();
      listeners.clear();
      frameListeners.clear();
    },
  };
}
