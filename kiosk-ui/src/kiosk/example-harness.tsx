import { ok } from '@sik/contract';
import type { Root } from 'react-dom/client';
import { AgentContext } from '../agent/context.tsx';
import { createMemoryClient } from '../agent/memory-client.ts';
import { isKioskExampleName, kioskExampleNames, kioskExamples } from './examples.ts';
import { KioskApp } from './KioskApp.tsx';
import { ConnectingScreen } from './screens/ConnectingScreen.tsx';

/**
 * Dev-only: `?example=<name>` renders a fixture without a socket, for screenshots and accessibility checks.
 * Commands are accepted and do nothing. `connecting` and `notReady` show the two connection screens.
 */
export function mountExample(root: Root, name: string): void {
  if (name === 'connecting' || name === 'notReady') {
    root.render(<ConnectingScreen refused={name === 'notReady'} />);
    return;
  }
  if (!isKioskExampleName(name)) {
    root.render(
      <main className="page" style={{ padding: 24 }}>
        <h1>Unknown example “{name}”</h1>
        <ul>
          {[...kioskExampleNames, 'connecting', 'notReady'].map((n) => (
            <li key={n}>
              <a href={`?example=${n}`}>{n}</a>
            </li>
          ))}
        </ul>
      </main>,
    );
    return;
  }
  const state = kioskExamples[name](Date.now());
  const client = createMemoryClient(state, async () => ok({} as never));
  root.render(
    <AgentContext value={client}>
      <KioskApp />
    </AgentContext>,
  );
  // The face check screen gets a drawn preview frame through the same path as the agent's `camera.frame`.
  if (state.flow?.step.type === 'faceCapture') {
    const flowId = state.flow.flowId;
    void drawnFrame().then((jpeg) => {
      if (jpeg) client.pushFrame({ flowId, jpeg });
    });
  }
}

/** A 320x240 JPEG of a head and shoulders, drawn (examples carry no photo of anyone). */
async function drawnFrame(): Promise<Uint8Array | null> {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 240;
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.fillStyle = '#8a96a3';
  g.fillRect(0, 0, 320, 240);
  g.fillStyle = '#3d4b5c';
  g.beginPath();
  g.ellipse(160, 250, 110, 60, 0, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#e0b896';
  g.beginPath();
  g.ellipse(160, 118, 52, 70, 0, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#2b2b2b';
  g.beginPath();
  g.ellipse(160, 62, 54, 26, 0, Math.PI, Math.PI * 2);
  g.fill();
  for (const x of [140, 180]) {
    g.beginPath();
    g.arc(x, 112, 5, 0, Math.PI * 2);
    g.fill();
  }
  g.fillRect(148, 150, 24, 4);
  const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/jpeg', 0.8));
  return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
}
