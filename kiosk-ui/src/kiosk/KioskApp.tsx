import { useKioskState } from '../agent/context.tsx';
import { KioskView } from './KioskView.tsx';
import { ConnectingScreen } from './screens/ConnectingScreen.tsx';

/** The kiosk page: connecting, not ready, or the agent's current state. */
export function KioskApp() {
  const { status, state } = useKioskState();
  if (status === 'noToken' || status === 'refused') return <ConnectingScreen refused />;
  if (status !== 'connected' || !state) return <ConnectingScreen refused={false} />;
  return <KioskView state={state} />;
}
