import { type KioskState, ok } from '@sik/contract';
import type { AgentClient, AgentSnapshot, SendCommand } from './types.ts';

export interface MemoryClient extends AgentClient {
  /** Publish a new state as the agent would. */
  publish(state: KioskState | null): void;
  setStatus(status: AgentSnapshot['status']): void;
}

const acceptAll: SendCommand = async (name) =>
  ok((name === 'session.extend' ? { deadline: Date.now() + 60_000 } : {}) as never);

/** A client without a socket: the `?example=` harness and the unit tests render fixtures through it. */
export function createMemoryClient(
  state: KioskState | null,
  send: SendCommand = acceptAll,
  status: AgentSnapshot['status'] = 'connected',
): MemoryClient {
  let snapshot: AgentSnapshot = { status, state };
  const listeners = new Set<() => void>();
  const set = (next: AgentSnapshot) => {
    snapshot = next;
    for (const listener of listeners) listener();
  };
  return {
    getSnapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send,
    close: () => listeners.clear(),
    publish: (next) => set({ ...snapshot, state: next }),
    setStatus: (next) => set({ ...snapshot, status: next }),
  };
}
