import { type CommandName, type KioskState, ok, type Result } from '@sik/contract';
import { act, render } from '@testing-library/react';
import { vi } from 'vitest';
import { AgentContext } from '../agent/context.tsx';
import { createMemoryClient } from '../agent/memory-client.ts';
import type { AgentSnapshot, SendCommand } from '../agent/types.ts';
import { KioskApp } from '../kiosk/KioskApp.tsx';
import { SpeakerContext } from '../speech/context.tsx';
import type { Speaker } from '../speech/speech.ts';

/** A send that records every command and answers ok (session.extend with a deadline). */
export function recordingSend() {
  const send = vi.fn(
    async (name: CommandName, _payload: unknown): Promise<Result<unknown>> =>
      ok(name === 'session.extend' ? { deadline: Date.now() + 60_000 } : {}),
  );
  // A vi.fn cannot carry SendCommand's generic signature; the calls it records are what the tests check.
  return send as typeof send & SendCommand;
}

/** No speech in tests unless a test brings its own speaker. */
export const silentSpeaker: Speaker = {
  supported: false,
  speak: () => {},
  stop: () => {},
  isSpeaking: () => false,
  subscribe: () => () => {},
};

/** Renders the whole kiosk page the way main.tsx does, on a memory client instead of a socket. */
export function renderKiosk(
  state: KioskState | null,
  options: { send?: SendCommand; status?: AgentSnapshot['status']; speaker?: Speaker } = {},
) {
  const send = options.send ?? recordingSend();
  const client = createMemoryClient(state, send, options.status ?? 'connected');
  const view = render(
    <SpeakerContext value={options.speaker ?? silentSpeaker}>
      <AgentContext value={client}>
        <KioskApp />
      </AgentContext>
    </SpeakerContext>,
  );
  return {
    ...view,
    client,
    send,
    publish: (next: KioskState | null) => act(() => client.publish(next)),
  };
}

/** A tap, with React's updates (and the command's promise) flushed. */
export async function tap(element: Element): Promise<void> {
  const { fireEvent } = await import('@testing-library/react');
  await act(async () => {
    fireEvent.click(element);
  });
}
