import { hostsStaffSignIn } from '../flows/face-verification.ts';
import { FlowError } from '../flows/flow.ts';
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
    'bundle.open': ({ bundleId }) => done(() => session.openBundle(bundleId))(),
    'flow.answer': async ({ value }) => {
      await session.currentFlow().answer(value);
      return {};
    },
    'flow.back': done(() => session.currentFlow().back()),
    'flow.exit': done(() => session.exitFlow()),
    'flow.view': async ({ view }) => {
      await session.currentFlow().showRecords(view);
      return {};
    },
    'flow.print': async () => {
      await session.currentFlow().print();
      return {};
    },
    'flow.retry': async () => {
      await session.currentFlow().retry();
      return {};
    },
    'flow.staffSignIn': async (credentials) => {
      const flow = session.currentFlow();
      if (!hostsStaffSignIn(flow)) throw new FlowError('WRONG_PHASE', 'this service has no staff sign-in');
      await flow.staffSignIn(credentials);
      return {};
    },
    'sim.cameraScene': async ({ scene }) => {
      await requireDock().setCameraScene(scene);
      return {};
    },
    'sim.staffOtp': () => requireDock().staffOtp(),
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
    'sim.pinpadKeys': async ({ keys }) => {
      await requireDock().pressPinpadKeys(keys);
      return {};
    },
    'sim.cardPrinterFault': async ({ fault }) => {
      await requireDock().setCardPrinterFault(fault);
      return {};
    },
    'sim.chipFault': async ({ fault }) => {
      await requireDock().setChipFault(fault);
      return {};
    },
    'sim.takeCard': () => requireDock().takeCard(),
    'sim.payQr': async () => {
      const qr = session.state().flow?.step;
      if (qr?.type !== 'qr') throw new CommandError('INVALID_INPUT', 'no QR code is on screen');
      await requireDock().payQr(qr.content);
      return {};
    },
  };
}
