import {
  type CameraScene,
  type CardPrinterFault,
  type ChipEncoderFault,
  type IdCardFault,
  maskIdNumber,
  type SimulatorView,
} from '@sik/contract';
import { DEMO_STAFF, demoCardHolders } from '@sik/seeds';
import { DEMO_FACES } from '@sik/seeds/face-photos';
import { Secret, TOTP } from 'otpauth';
import type { CardUnitSimulatorControl } from '../devices/card-unit/card-unit.ts';
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
  /** The face the camera simulator was last given as the card holder. */
  private lastCast: string | null = null;
  /** The card unit simulator as last read (its state lives in the simulator, perhaps another process). */
  private cardUnit: SimulatorView['cardPrinter'] = null;

  constructor(
    private readonly control: IdCardSimulatorControl,
    private readonly changed: () => void,
    private readonly others: DockPeripherals = {},
  ) {}

  view(): SimulatorView {
    return {
      cardOnReader: this.cardOnReader,
      fault: this.fault,
      cameraScene: this.others.camera?.scene ?? null,
      cardPrinter: this.cardUnit,
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
    await this.recast();
    this.changed();
  }

  async liftCard(): Promise<void> {
    // The camera keeps showing the last holder: nobody is checked without a card on the reader.
    await this.control.liftCard();
    this.cardOnReader = null;
    this.changed();
  }

  /**
   * What stands in front of the simulated camera. The card holder of the scenes is the face of the demo
   * citizen whose card lies on the reader (another demo face for 'otherPerson').
   */
  async setCameraScene(scene: CameraScene): Promise<void> {
    const camera = this.others.camera;
    if (!camera) throw new CommandError('SIMULATOR_DISABLED', 'the camera is not simulated');
    const cast = this.cast();
    this.lastCast = cast.cardHolder;
    await camera.setScene(scene, cast);
    this.changed();
  }

  /** The demo staff member's sign-in with the one-time code their authenticator would show now. */
  staffOtp(): { staffNumber: string; password: string; otp: string } {
    const totp = new TOTP({
      secret: Secret.fromBase32(DEMO_STAFF.totpSecretBase32),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    return { staffNumber: DEMO_STAFF.staffNumber, password: DEMO_STAFF.password, otp: totp.generate() };
  }

  private cast(): { cardHolder: string | null } {
    return { cardHolder: this.cardOnReader ? (DEMO_FACES[this.cardOnReader] ?? null) : null };
  }

  /** A new card on the reader puts its holder's face in the current scene (scenes take a while to render). */
  private async recast(): Promise<void> {
    const camera = this.others.camera;
    const cast = this.cast();
    if (!camera || cast.cardHolder === this.lastCast) return;
    this.lastCast = cast.cardHolder;
    await camera.setScene(camera.scene, cast);
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

  /** Reads the card unit simulator again (after a card moved) and publishes the view when it changed. */
  async refreshCardUnit(): Promise<void> {
    const unit = this.others.cardUnit;
    if (!unit) return;
    const [printer, chip] = await Promise.all([unit.printer.state(), unit.chip.state()]);
    const next: SimulatorView['cardPrinter'] = {
      fault: printer.fault,
      chipFault: chip.fault,
      feeder: printer.feeder.length,
      rejectBox: printer.rejectBox.length,
      cardInSlot: printer.cardInSlot !== null,
    };
    if (JSON.stringify(next) === JSON.stringify(this.cardUnit)) return;
    this.cardUnit = next;
    this.changed();
  }

  async setCardPrinterFault(fault: CardPrinterFault): Promise<void> {
    await this.requireCardUnit().printer.setFault(fault);
    await this.refreshCardUnit();
  }

  async setChipFault(fault: ChipEncoderFault): Promise<void> {
    await this.requireCardUnit().chip.setFault(fault);
    await this.refreshCardUnit();
  }

  /** The citizen takes the card presented in the printer's output slot. */
  async takeCard(): Promise<{ taken: boolean }> {
    const taken = await this.requireCardUnit().printer.takeCard();
    await this.refreshCardUnit();
    return taken;
  }

  private requireCardUnit(): CardUnitSimulatorControl {
    if (!this.others.cardUnit)
      throw new CommandError('SIMULATOR_DISABLED', 'the card printer and chip encoder are not simulated');
    return this.others.cardUnit;
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
  /** The card printer and its chip encoder (one linked card unit simulator). */
  cardUnit?: CardUnitSimulatorControl;
  /** The camera simulator's scene control (device-agent/src/devices/camera). */
  camera?: {
    setScene(scene: CameraScene, cast: { cardHolder: string | null }): Promise<void>;
    readonly scene: CameraScene;
  };
}
