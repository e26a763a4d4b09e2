import { type KioskState, ok } from '@sik/contract';
import type { AgentClient, AgentSnapshot, CameraPreviewFrame, SendCommand } from './types.ts';

export interface MemoryClient extends AgentClient {
  /** Publish a new state as the agent would. */
  publish(state: KioskState | null): void;
  setStatus(status: AgentSnapshot['status']): void;
  /** Deliver a camera preview frame as the agent's `camera.frame` event would. */
  pushFrame(frame: CameraPreviewFrame): void;
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
  const frameListeners = new Set<(frame: CameraPreviewFrame) => void>();
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
    onCameraFrame: (listener) => {
      frameListeners.add(listener);
      return () => {
        frameListeners.delete(listener);
      };
    },
    pushFrame: (frame) => {
      for (const listener of frameListeners) listener(frame);
    },
    close: () => {
      listeners.clear();
      frameListeners.clear();
    },
    publish: (next) => set({ ...snapshot, state: next }),
    setStatus: (next) => set({ ...snapshot, status: next }),
  };
}
