import type { KioskSession } from '../session/kiosk-session.ts';
import type { SimulatorDock } from '../simulator/dock.ts';
import { CommandError, type CommandHandlers } from './commands.ts';

/** Each UI command mapped onto the session or the simulator dock. */
export function createCommandHandlers(session: KioskSession, dock: SimulatorDock | null): CommandHandlers {
  const requireDock = (): SimulatorDock => {
    if (!dock) throw new CommandError('SIMULATOR_DISABLED', 'the simulator dock needs simulated devices');
    return dock;
  };
  const done = (action: () => void) => () => {
    action();
    return {};
  };
  return {
    'session.begin': done(() => session.begin()),
    'session.cancel': done(() => session.cancel()),
    'session.extend': () => ({ deadline: session.extend() }),
    'session.end': done(() => session.end()),
    'session.continue': done(() => session.continueToHome()),
    'service.open': ({ serviceId }) => done(() => session.openService(serviceId))(),
    'display.setMode': ({ mode }) => done(() => session.setDisplayMode(mode))(),
    'staff.call': done(() => session.callStaff()),
    'sim.placeCard': async ({ citizenKey }) => {
      await requireDock().placeCard(citizenKey);
      return {};
    },
    'sim.liftCard': async () => {
      await requireDock().liftCard();
      return {};
    },
    'sim.injectFault': async ({ fault }) => {
      await requireDock().setFault(fault);
      return {};
    },
  };
}
