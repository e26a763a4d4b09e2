import { type IdCardFault, maskIdNumber, type SimulatorView } from '@sik/contract';
import { demoCardHolders } from '@sik/seeds';
import type { IdCardSimulatorControl } from '../devices/idcard/simulator-control.ts';
import { CommandError } from '../socket/commands.ts';

/**
 * The simulator dock behind the UI's test panel: places a chosen demo citizen's card on the simulated reader,
 * lifts it, injects reader faults. Exists only when the devices are simulated and the dock is enabled.
 */
export class SimulatorDock {
  private readonly holders = demoCardHolders();
  private cardOnReader: string | null = null;
  private fault: IdCardFault = 'none';

  constructor(
    private readonly control: IdCardSimulatorControl,
    private readonly changed: () => void,
  ) {}

  view(): SimulatorView {
    return {
      cardOnReader: this.cardOnReader,
      fault: this.fault,
      citizens: this.holders.map((h) => ({
        key: h.key,
        label: h.label,
        cardType: h.identity.cardType,
        // The dock is for testers, but it is still on a screen a bystander may see.
        maskedIdNumber: maskIdNumber(h.identity.idNumber),
      })),
    };
  }

  async placeCard(citizenKey: string): Promise<void> {
    const holder = this.holders.find((h) => h.key === citizenKey);
    if (!holder) throw new CommandError('NOT_FOUND', `citizenKey: no demo citizen ${citizenKey}`);
    await this.control.placeCard(holder.identity);
    this.cardOnReader = holder.key;
    this.changed();
  }

  async liftCard(): Promise<void> {
    await this.control.liftCard();
    this.cardOnReader = null;
    this.changed();
  }

  async setFault(fault: IdCardFault): Promise<void> {
    await this.control.setFault(fault);
    this.fault = fault;
    this.changed();
  }
}
