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
    private readonly others: DockPeripherals = {},
  ) {}

  view(): SimulatorView {
    return {
      cardOnReader: this.cardOnReader,
      fault: this.fault,
      cameraScene: null,
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

  /** Keys on the simulated PIN pad, as a citizen's fingers would press them. */
  async pressPinpadKeys(keys: string): Promise<void> {
    if (!this.others.pinpad) throw new CommandError('SIMULATOR_DISABLED', 'the PIN pad is not simulated');
    await this.others.pinpad.press(keys);
  }

  /** The citizen's phone scans the QR on screen and pays, at the payment gateway simulator. */
  async payQr(content: string): Promise<void> {
    if (!this.others.gateway) throw new CommandError('SIMULATOR_DISABLED', 'no payment gateway simulator');
    await this.others.gateway.pay(content);
  }
}

/** Simulated devices and systems besides the ID reader that the dock can drive. */
export interface DockPeripherals {
  /** Keys: digits, 'C' cancel, 'B' backspace, 'E' enter. */
  pinpad?: { press(keys: string): Promise<void> };
  gateway?: { pay(qrContent: string): Promise<void> };
}
