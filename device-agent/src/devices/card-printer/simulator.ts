import { blankSerialRange, DEMO_BLANKS } from '@sik/seeds';
import { createLogger, type Logger } from '../../log.ts';
import type { Transport } from '../../transport/transport.ts';
import { CARD_IMAGE_HEIGHT, CARD_IMAGE_WIDTH, type CardPrinterFault } from './card-printer.ts';
import {
  type CommandName,
  commandByText,
  type ErrorReason,
  errorReply,
  formatStatusWord,
  formatVolts,
  type StatusFlag,
} from './protocol/commands.ts';
import { pngSize } from './protocol/image.ts';
import { CommandParser, type DeviceInput } from './protocol/stream.ts';

/**
 * Device timings in milliseconds. REALISTIC_TIMING is what the issuance benchmark assumes; tests use
 * INSTANT_TIMING or their own small values.
 */
export interface CardPrinterSimulatorTiming {
  /** Before any reply (sensor reads, settings). */
  replyMs: number;
  /** Feeder to contact station or print position. */
  pickMs: number;
  /** Between stations inside the printer. */
  moveMs: number;
  /** One single-sided colour card (YMCKO). */
  printMs: number;
  /** To the output slot or the reject box. */
  ejectMs: number;
  /** The simulated citizen takes a presented card after this long (unless the cardNotTaken fault is set). */
  takeMs: number;
}

/**
 * Sources (UNCONFIRMED, vendor brochures as commonly quoted, not measured): desktop retransfer/direct-to-card
 * printers of the Evolis Primacy / Zenius class are rated at about 150-225 single-sided YMCKO cards per hour,
 * i.e. 16-24 s per card including feed and eject: we take 20 s of printing plus 2 s feed and 1.5 s eject.
 * Sensor replies a few ms; station moves about a second. A citizen takes the card about 3 s after it appears.
 */
export const REALISTIC_TIMING: CardPrinterSimulatorTiming = {
  replyMs: 5,
  pickMs: 2000,
  moveMs: 1000,
  printMs: 20_000,
  ejectMs: 1500,
  takeMs: 3000,
};
export const INSTANT_TIMING: CardPrinterSimulatorTiming = {
  replyMs: 0,
  pickMs: 0,
  moveMs: 0,
  printMs: 0,
  ejectMs: 0,
  takeMs: 0,
};

export type SimulatedPosition = 'contact' | 'contactless' | 'print' | 'exit';

export interface PrintedCard {
  /** Chip serial of the blank it was printed on. */
  serial: string;
  /** The PNG as received, base64. */
  pngBase64: string;
  printedAt: string;
}

export interface CardPrinterSimulatorState {
  fault: CardPrinterFault;
  /** Blank serials in the feeder, next first. */
  feeder: string[];
  /** The card inside (or in the output slot), with its chip serial. */
  card: { serial: string; position: SimulatedPosition; printed: boolean } | null;
  /** Serial of the card presented in the output slot, waiting to be taken; null when none. */
  cardInSlot: string | null;
  jammed: boolean;
  ribbonPanels: number;
  rejectBox: string[];
  rejectBoxCapacity: number;
  /** Serials of cards presented and taken, oldest first. */
  taken: string[];
  cardsPrinted: number;
  unknownCommands: number;
}

export interface CardPrinterSimulatorOptions {
  timing?: Partial<CardPrinterSimulatorTiming>;
  /** Blank chip serials (upper-case hex) in the feeder, next first (default: the demo stock, DEMO_BLANKS). */
  blanks?: string[];
  ribbonPanels?: number;
  rejectBoxCapacity?: number;
  /** The near-empty sensor trips at this many cards or fewer. */
  nearEmptyAt?: number;
  /** A print job whose bytes pause this long is dropped (default 1000 ms). */
  printJobGapMs?: number;
  logger?: Logger;
}

/**
 * The chip serials of a stack of blanks: upper-case hex of a fixed width, consecutive from `firstSerial`
 * (the contract's ChipSerial); default the demo kiosk's stock, which the server's seed loads too.
 */
export function blankSerials(blanks: { firstSerial: string; count: number } = DEMO_BLANKS): string[] {
  if (!/^[0-9A-F]{8,32}$/.test(blanks.firstSerial))
    throw new RangeError('firstSerial must be 8 to 32 upper-case hex digits');
  return blankSerialRange(blanks.firstSerial, blanks.count);
}

const MOTION: ReadonlySet<CommandName> = new Set([
  'toContact',
  'toContactless',
  'toPrint',
  'eject',
  'retract',
]);

class Refusal extends Error {
  constructor(readonly reason: ErrorReason) {
    super(reason);
  }
}

/**
 * The card printer's peer (STYLE.md rule 9): a feeder of blanks with chip serials, one card moving between
 * stations, a reject box, a ribbon; answers the command table of protocol/commands.ts with configurable timings
 * and fails on request. Keeps every printed image for tests.
 */
export class CardPrinterSimulator {
  private readonly parser = new CommandParser();
  private jobTimer: NodeJS.Timeout | null = null;
  private readonly printJobGapMs: number;
  private readonly timing: CardPrinterSimulatorTiming;
  private readonly log: Logger;
  private feeder: string[];
  private card: CardPrinterSimulatorState['card'] = null;
  private jammed = false;
  private ribbonPanels: number;
  private readonly rejectBox: string[] = [];
  private readonly rejectBoxCapacity: number;
  private readonly nearEmptyAt: number;
  private readonly taken: string[] = [];
  private readonly printed: PrintedCard[] = [];
  private fault: CardPrinterFault = 'none';
  private unknownCommands = 0;
  private output: 'slot' | 'reject' = 'slot';
  private ejectAfterPrint = false;
  private queue: Promise<void> = Promise.resolve();
  private takeTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly contactListeners = new Set<(serial: string | null) => void>();
  /** The serial the contact listeners were last told. */
  private toldAtContact: string | null = null;
  private retracting = false;

  constructor(
    private readonly transport: Transport,
    options: CardPrinterSimulatorOptions = {},
  ) {
    this.timing = { ...INSTANT_TIMING, ...options.timing };
    this.feeder = [...(options.blanks ?? blankSerials())];
    this.ribbonPanels = options.ribbonPanels ?? 200;
    this.rejectBoxCapacity = options.rejectBoxCapacity ?? 30;
    this.nearEmptyAt = options.nearEmptyAt ?? 5;
    this.printJobGapMs = options.printJobGapMs ?? 1000;
    this.log = options.logger ?? createLogger('card-printer-simulator');
  }

  async start(): Promise<void> {
    await this.transport.open();
    this.unsubscribe = this.transport.onData((chunk) => {
      for (const input of this.parser.push(chunk)) {
        this.queue = this.queue.then(() => this.handle(input)).catch(() => undefined);
      }
      this.watchPrintJob();
    });
  }

  /**
   * A print job whose bytes stop for `printJobGapMs` is dropped, as a printer's data timeout does (UNCONFIRMED:
   * the vendor's figure): a host that died mid-transfer must not leave every later command read as image bytes.
   */
  private watchPrintJob(): void {
    if (this.jobTimer) clearTimeout(this.jobTimer);
    this.jobTimer = null;
    if (!this.parser.inPrintJob) return;
    this.jobTimer = setTimeout(() => {
      this.jobTimer = null;
      const received = this.parser.abandonPrintJob();
      if (received !== null) this.log.warn({ received }, 'print job data stopped coming: job dropped');
    }, this.printJobGapMs);
    this.jobTimer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.jobTimer) clearTimeout(this.jobTimer);
    this.jobTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.takeTimer) clearTimeout(this.takeTimer);
    this.takeTimer = null;
    await this.transport.close();
  }

  get state(): CardPrinterSimulatorState {
    return {
      fault: this.fault,
      feeder: [...this.feeder],
      card: this.card ? { ...this.card } : null,
      cardInSlot: this.card?.position === 'exit' ? this.card.serial : null,
      jammed: this.jammed,
      ribbonPanels: this.ribbonPanels,
      rejectBox: [...this.rejectBox],
      rejectBoxCapacity: this.rejectBoxCapacity,
      taken: [...this.taken],
      cardsPrinted: this.printed.length,
      unknownCommands: this.unknownCommands,
    };
  }

  get printedCards(): PrintedCard[] {
    return [...this.printed];
  }

  clearPrinted(): void {
    this.printed.length = 0;
  }

  /** The chip serial of the card at the contact station (what the chip encoder simulator is told), or null. */
  get cardAtContact(): string | null {
    return this.card?.position === 'contact' ? this.card.serial : null;
  }

  /**
   * Hears which card is at the contact station whenever one arrives there (its serial) or leaves (null): how
   * the chip encoder simulator of a linked card unit learns what its contacts touch. Told the current one at once.
   */
  onContactChange(listener: (serial: string | null) => void): () => void {
    this.contactListeners.add(listener);
    listener(this.cardAtContact);
    return () => this.contactListeners.delete(listener);
  }

  /** Tells the contact listeners when the card at the contact station changed (called after every move). */
  private contactMoved(): void {
    const now = this.cardAtContact;
    if (now === this.toldAtContact) return;
    this.toldAtContact = now;
    for (const listener of this.contactListeners) listener(now);
  }

  setFault(fault: CardPrinterFault): void {
    this.fault = fault;
    // A persistent jam shows at once; clearing the fault is the engineer clearing the printer.
    this.jammed = fault === 'jam' || (fault === 'jamOnce' ? this.jammed : false);
    this.log.info({ fault }, 'fault set');
  }

  /** The citizen (or a test) takes the card from the output slot; false when there is none. */
  takeCard(): boolean {
    if (this.card?.position !== 'exit' || this.retracting) return false;
    if (this.takeTimer) clearTimeout(this.takeTimer);
    this.takeTimer = null;
    this.taken.push(this.card.serial);
    this.card = null;
    return true;
  }

  /** Staff load blanks at the back of the stack. */
  loadBlanks(serials: readonly string[]): void {
    this.feeder.push(...serials);
  }

  /** Staff empty the reject box; returns the serials taken out. */
  emptyRejectBox(): string[] {
    return this.rejectBox.splice(0);
  }

  private async handle(input: DeviceInput): Promise<void> {
    let reply: string;
    try {
      reply = await this.execute(input);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      reply = errorReply(error.reason);
    } finally {
      this.contactMoved();
    }
    if (!this.transport.isOpen) return;
    await this.transport.write(Uint8Array.from(`${reply}\r`, (c) => c.charCodeAt(0))).catch(() => undefined);
  }

  private async execute(input: DeviceInput): Promise<string> {
    if (input.type === 'badPrintJob') throw new Refusal('BAD IMAGE');
    if (input.type === 'printJob') return this.print(input.format, input.data);
    const name = commandByText(input.text);
    if (!name) {
      this.unknownCommands++;
      await this.wait(this.timing.replyMs);
      throw new Refusal('UNKNOWN COMMAND');
    }
    if (MOTION.has(name)) {
      if (this.fault === 'coverOpen') throw new Refusal('COVER OPEN');
      // A reject is how a one-off jam is cleared; a persistent jam stops everything.
      const rejecting =
        ((name === 'eject' && this.output === 'reject') || name === 'retract') && this.fault !== 'jam';
      if (this.jammed && !rejecting) throw new Refusal('JAM');
    }
    switch (name) {
      case 'hostHandlesErrors':
      case 'inputFromFeeder':
        return this.ok();
      case 'keepAfterPrint':
      case 'ejectAfterPrint':
        this.ejectAfterPrint = name === 'ejectAfterPrint';
        return this.ok();
      case 'outputToSlot':
      case 'outputToReject':
        this.output = name === 'outputToSlot' ? 'slot' : 'reject';
        return this.ok();
      case 'toContact':
        return this.moveTo('contact');
      case 'toContactless':
        return this.moveTo('contactless');
      case 'toPrint':
        return this.moveTo('print');
      case 'eject':
        return this.eject();
      case 'retract':
        return this.retract();
      case 'cardPosition':
        await this.wait(this.timing.replyMs);
        return this.positionReply();
      case 'rejectBox':
        await this.wait(this.timing.replyMs);
        return this.rejectBoxFull() ? 'CARD' : 'OK';
      case 'feeder':
        await this.wait(this.timing.replyMs);
        return formatVolts(this.feeder.length > 0 && this.fault !== 'feederEmpty');
      case 'feederNearEmpty':
        await this.wait(this.timing.replyMs);
        return formatVolts(this.feeder.length > this.nearEmptyAt && this.fault !== 'feederEmpty');
      case 'ribbonPanels':
        await this.wait(this.timing.replyMs);
        return String(this.fault === 'ribbonOut' ? 0 : this.ribbonPanels);
      case 'statusWord': {
        await this.wait(this.timing.replyMs);
        const flags: StatusFlag[] = [];
        if (this.fault === 'coverOpen') flags.push('COVER OPEN');
        if (this.jammed) flags.push('JAM');
        if (this.card?.position === 'exit') flags.push('CARD IN SLOT');
        return formatStatusWord(flags);
      }
    }
  }

  private async ok(): Promise<string> {
    await this.wait(this.timing.replyMs);
    return 'OK';
  }

  private positionReply(): string {
    switch (this.card?.position) {
      case undefined:
        return 'OK';
      case 'contact':
        return 'SMART CARD';
      case 'contactless':
        return 'CONTACTLESS CARD';
      default:
        return 'CARD';
    }
  }

  private rejectBoxFull(): boolean {
    return this.fault === 'rejectBoxFull' || this.rejectBox.length >= this.rejectBoxCapacity;
  }

  /** The one-off jam fires on this movement: the card stays where it got to. */
  private jamOnceNow(): boolean {
    if (this.fault !== 'jamOnce') return false;
    this.fault = 'none';
    this.jammed = true;
    this.log.info('card jammed (jamOnce)');
    return true;
  }

  private async moveTo(position: 'contact' | 'contactless' | 'print'): Promise<string> {
    if (this.card?.position === 'exit') throw new Refusal('CARD PRESENT');
    if (!this.card) {
      if (this.feeder.length === 0 || this.fault === 'feederEmpty') throw new Refusal('FEEDER EMPTY');
      await this.wait(this.timing.pickMs);
      const serial = this.feeder.shift() as string;
      this.card = { serial, position, printed: false };
      this.log.info({ serial, position }, 'blank picked');
    } else {
      await this.wait(this.timing.moveMs);
      this.card.position = position;
    }
    if (this.jamOnceNow()) throw new Refusal('JAM');
    return 'OK';
  }

  private async print(format: string, data: Uint8Array): Promise<string> {
    if (this.fault === 'coverOpen') throw new Refusal('COVER OPEN');
    if (this.jammed) throw new Refusal('JAM');
    if (!this.card || this.card.position === 'exit') throw new Refusal('NO CARD');
    const size = format === 'png' ? pngSize(data) : null;
    if (!size || size.width !== CARD_IMAGE_WIDTH || size.height !== CARD_IMAGE_HEIGHT)
      throw new Refusal('BAD IMAGE');
    if (this.fault === 'ribbonOut' || this.ribbonPanels === 0) throw new Refusal('RIBBON OUT');
    if (this.card.position !== 'print') {
      await this.wait(this.timing.moveMs);
      this.card.position = 'print';
    }
    await this.wait(this.timing.printMs);
    this.ribbonPanels--;
    if (this.jamOnceNow()) throw new Refusal('JAM');
    this.card.printed = true;
    this.printed.push({
      serial: this.card.serial,
      pngBase64: Buffer.from(data).toString('base64'),
      printedAt: new Date().toISOString(),
    });
    this.log.info({ serial: this.card.serial }, 'card printed');
    if (this.ejectAfterPrint) return this.eject();
    return 'OK';
  }

  private async eject(): Promise<string> {
    if (!this.card || this.card.position === 'exit') throw new Refusal('NO CARD');
    const card = this.card;
    if (this.output === 'reject') {
      if (this.rejectBoxFull()) throw new Refusal('REJECT BOX FULL');
      await this.wait(this.timing.ejectMs);
      this.rejectBox.push(card.serial);
      this.card = null;
      this.jammed = false;
      this.log.info({ serial: card.serial }, 'card rejected');
      return 'OK';
    }
    await this.wait(this.timing.ejectMs);
    if (this.jamOnceNow()) throw new Refusal('JAM');
    card.position = 'exit';
    this.log.info({ serial: card.serial }, 'card presented');
    if (this.fault !== 'cardNotTaken') {
      this.takeTimer = setTimeout(() => {
        this.takeTimer = null;
        if (this.fault !== 'cardNotTaken') this.takeCard();
      }, this.timing.takeMs);
    }
    return 'OK';
  }

  /** Takes the card presented in the output slot back in and drops it into the reject box. */
  private async retract(): Promise<string> {
    if (this.card?.position !== 'exit') throw new Refusal('NO CARD');
    if (this.rejectBoxFull()) throw new Refusal('REJECT BOX FULL');
    // From here the citizen can no longer take it.
    if (this.takeTimer) clearTimeout(this.takeTimer);
    this.takeTimer = null;
    const card = this.card;
    this.retracting = true;
    try {
      await this.wait(this.timing.ejectMs);
    } finally {
      this.retracting = false;
    }
    this.rejectBox.push(card.serial);
    this.card = null;
    this.jammed = false;
    this.log.info({ serial: card.serial }, 'card retracted into the reject box');
    return 'OK';
  }

  private wait(ms: number): Promise<void> {
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }
}
