import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAgentClient } from './agent/client.ts';
import { AgentContext } from './agent/context.tsx';
import { readKioskToken } from './agent/token.ts';
import { KioskApp } from './kiosk/KioskApp.tsx';
import { installTheme } from './theme/tokens.ts';
import './theme/kiosk.css';

installTheme();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

// Folded to `false` in a production build, which then contains no fixtures at all.
const examplesEnabled = import.meta.env.DEV || __KIOSK_EXAMPLES__;
const example = examplesEnabled ? new URLSearchParams(window.location.search).get('example') : null;

if (examplesEnabled && example !== null) {
  void import('./kiosk/example-harness.tsx').then(({ mountExample }) => mountExample(root, example));
} else {
  const client = createAgentClient({ token: readKioskToken(window) });
  root.render(
    <StrictMode>
      <AgentContext value={client}>
        <KioskApp />
      </AgentContext>
    </StrictMode>,
  );
}
