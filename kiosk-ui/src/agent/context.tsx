import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AgentClient, AgentSnapshot, SendCommand } from './types.ts';

export const AgentContext = createContext<AgentClient | null>(null);

function useAgentClient(): AgentClient {
  const client = useContext(AgentContext);
  if (!client) throw new Error('AgentContext is missing: wrap the tree in <AgentContext value={client}>');
  return client;
}

/** The connection status and the last KioskState the agent published; re-renders on every change. */
export function useKioskState(): AgentSnapshot {
  const client = useAgentClient();
  return useSyncExternalStore(client.subscribe, client.getSnapshot);
}

/** Subscribe to camera preview frames (see AgentClient.onCameraFrame). */
export function useCameraFrameSource(): AgentClient['onCameraFrame'] {
  return useAgentClient().onCameraFrame;
}

export function useSendCommand(): SendCommand {
  return useAgentClient().send;
}
