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
  const client = createMemoryClient(kioskExamples[name](Date.now()), async () => ok({} as never));
  root.render(
    <AgentContext value={client}>
      <KioskApp />
    </AgentContext>,
  );
}
