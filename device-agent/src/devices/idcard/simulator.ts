import type { IdCardFault, IdCardIdentity } from '@sik/contract';
import { createLogger, type Logger } from '../../log.ts';
import { seededRandom } from '../../transport/memory.ts';
import type { Transport } from '../../transport/transport.ts';
import { COMMANDS, type CommandName, commandByCode } from './protocol/commands.ts';
import { buildResponse, decodeRequestBody, PREAMBLE, xorChecksum } from './protocol/frame.ts';
import { FrameParser } from './protocol/parser.ts';
import { encodeReadPayload, FINGERPRINT_BYTES, PHOTO_BYTES } from './protocol/read-payload.ts';
import { decodeTextBlock, encodeTextBlock } from './protocol/text-block.ts';

/** How long the simulated reader works before answering, in ms. */
export interface SimulatorTiming {
  samMs: number;
  findMs: number;
  selectMs: number;
  /** SAM work for a read, before the reply goes on the wire. */
  readMs: number;
  /**
   * When set, also wait each reply's wire time at this baud rate: for lines that deliver at once (a pty, a
   * memory pair with no byte delay). Leave null when the transport already models the wire.
   */
  wireBaud: number | null;
}

/** Guesses from vendor datasheets (a read takes a few hundred ms end to end on real units): UNCONFIRMED. */
export const REALISTIC_TIMING: SimulatorTiming = {
  samMs: 20,
  findMs: 3,
  selectMs: 5,
  readMs: 60,
  wireBaud: null,
};
export const INSTANT_TIMING: SimulatorTiming = {
  samMs: 0,
  findMs: 0,
  selectMs: 0,
  readMs: 0,
  wireBaud: null,
};

/** How the simulator pulls its own plug for the unplugMidFrame fault, and pushes it back in. */
export interface SimulatorLine {
  unplug(): void | Promise<void>;
  plug(): void | Promise<void>;
}

export interface IdCardSimulatorOptions {
  timing?: Partial<SimulatorTiming>;
  /** Default: close and reopen the transport (a serial line: the host then just hears nothing). */
  line?: SimulatorLine;
  /** Seeds the junk of garbledFrame, so a run repeats. */
  seed?: number;
  /** How often to try reopening the line after it was lost. */
  reopenMs?: number;
  logger?: Logger;
}

interface PlacedCard {
  text: Uint8Array;
  photo: Uint8Array;
  /** Selected since the last find; a read needs it. */
  selected: boolean;
  /** Read once: like a real reader, select fails until the card is lifted and placed again. */
  alreadyRead: boolean;
}

/** 1024 opaque bytes standing in for a WLT photo: deterministic, and deliberately not an image. */
export function demoPhoto(seed = 'demo'): Uint8Array {
  let hash = 2166136261;
  for (const char of seed) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619);
  const random = seededRandom(hash);
  const photo = new Uint8Array(PHOTO_BYTES);
  photo.set(Buffer.from('SIK DEMO PHOTO, NOT WLT', 'ascii'), 0);
  for (let i = 23; i < PHOTO_BYTES; i++) photo[i] = Math.floor(random() * 256);
  return photo;
}

/** Stand-in SAM id (16 bytes) and fingerprint data. */
const SAM_ID = Uint8Array.from([
  0x05, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x11, 0, 0, 0, 0,
]);
const FINGERPRINT = new Uint8Array(FINGERPRINT_BYTES);

const SW = {
  ok: 0x90,
  findOk: 0x9f,
  noContent: 0x91,
  checksumError: 0x10,
  lengthError: 0x11,
  commandError: 0x21,
  readFailed: 0x41,
  samSelfTestFailed: 0x60,
  samNotAuthorised: 0x66,
  noCard: 0x80,
  selectFailed: 0x81,
} as const;

const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/**
 * The ID card reader's peer: answers the same bytes as a real reader over any Transport (the far end of a
 * memory pair, or a serial line), holds a card, and fails on request (STYLE.md rule 9).
 */
export class IdCardSimulator {
  private card: PlacedCard | null = null;
  private currentFault: IdCardFault = 'none';
  private readonly parser = new FrameParser();
  private readonly timing: SimulatorTiming;
  private readonly line: SimulatorLine;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly reopenMs: number;
  private queue: Promise<void> = Promise.resolve();
  private running = false;
  /** Pulled by the unplugMidFrame fault: stays out until the fault is changed. */
  private unpluggedByFault = false;
  private reopenTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly transport: Transport,
    options: IdCardSimulatorOptions = {},
  ) {
    this.timing = { ...REALISTIC_TIMING, ...options.timing };
    this.line = options.line ?? { unplug: () => transport.close(), plug: () => undefined };
    this.random = seededRandom(options.seed ?? 0x1dca4d);
    this.log = options.logger ?? createLogger('idcard-simulator');
    this.reopenMs = options.reopenMs ?? 50;
    transport.onData((chunk) => this.onData(chunk));
    transport.onDisconnect(() => this.scheduleReopen());
  }

  get cardOnReader(): boolean {
    return this.card !== null;
  }

  get fault(): IdCardFault {
    return this.currentFault;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.transport.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    await this.queue;
    await this.transport.close();
  }

  /**
   * Puts a card on the reader (replacing any other). Throws RangeError when the identity does not fit a
   * real text block or the photo is not 1024 bytes.
   */
  placeCard(identity: IdCardIdentity, photo: Uint8Array = demoPhoto(identity.idNumber)): void {
    if (photo.length !== PHOTO_BYTES)
      throw new RangeError(`photo must be ${PHOTO_BYTES} bytes, got ${photo.length}`);
    const text = encodeTextBlock(identity);
    // What a driver would decode must be what was placed: catches fields the card cannot carry.
    decodeTextBlock(text);
    this.card = { text, photo: photo.slice(), selected: false, alreadyRead: false };
    this.log.info({ cardType: identity.cardType }, 'card placed');
  }

  liftCard(): void {
    if (this.card) this.log.info('card lifted');
    this.card = null;
  }

  async setFault(fault: IdCardFault): Promise<void> {
    this.currentFault = fault;
    this.log.info({ fault }, 'fault set');
    if (fault !== 'unplugMidFrame' && this.unpluggedByFault) {
      this.unpluggedByFault = false;
      await this.line.plug();
      await this.reopen();
    }
  }

  private onData(chunk: Uint8Array): void {
    for (const event of this.parser.push(chunk)) {
      if (event.kind === 'frame') {
        const request = decodeRequestBody(event.body);
        const name = request ? commandByCode(request.cmd, request.para) : null;
        this.enqueue(() => this.answer(name));
      } else if (event.kind === 'badChecksum') {
        this.enqueue(() => this.reply(SW.checksumError, undefined, 0));
      } else if (event.kind === 'badLength') {
        this.enqueue(() => this.reply(SW.lengthError, undefined, 0));
      }
    }
  }

  /** One request at a time, in order, like the reader's single-threaded firmware. */
  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.log.debug({ err: error }, 'reply not delivered');
    });
  }

  private async answer(name: CommandName | null): Promise<void> {
    if (name === null) return this.reply(SW.commandError, undefined, 0);
    const fault = this.currentFault;
    const work = this.workMs(name);
    if (fault === 'samSelfTestFailed') return this.reply(SW.samSelfTestFailed, undefined, work);
    if (fault === 'samNotAuthorised') return this.reply(SW.samNotAuthorised, undefined, work);
    const card = fault === 'noCard' ? null : this.card;
    switch (name) {
      case 'resetSam':
        if (this.card) this.card.selected = false;
        return this.reply(SW.ok, undefined, work);
      case 'samStatus':
        return this.reply(SW.ok, undefined, work);
      case 'samId':
        return this.reply(SW.ok, SAM_ID, work);
      case 'findCard':
        return card ? this.reply(SW.findOk, new Uint8Array(4), work) : this.reply(SW.noCard, undefined, work);
      case 'selectCard':
        if (!card || card.alreadyRead) return this.reply(SW.selectFailed, undefined, work);
        card.selected = true;
        return this.reply(SW.ok, new Uint8Array(8), work);
      case 'readTextPhoto':
      case 'readTextPhotoFingerprint':
      case 'readNewestAddress': {
        if (!card?.selected || fault === 'readFailed') {
          if (card) card.selected = false;
          return this.reply(SW.readFailed, undefined, work);
        }
        card.selected = false;
        // No card in our set carries a newer address than the one printed on it.
        if (name === 'readNewestAddress') return this.reply(SW.noContent, undefined, work);
        card.alreadyRead = true;
        const data =
          name === 'readTextPhoto'
            ? encodeReadPayload(card.text, card.photo)
            : encodeReadPayload(card.text, card.photo, FINGERPRINT);
        return this.reply(SW.ok, data, work);
      }
    }
  }

  private workMs(name: CommandName): number {
    const { cmd } = COMMANDS[name];
    if (cmd === 0x20) return name === 'findCard' ? this.timing.findMs : this.timing.selectMs;
    if (cmd === 0x30) return this.timing.readMs;
    return this.timing.samMs;
  }

  private async reply(sw3: number, data: Uint8Array | undefined, workMs: number): Promise<void> {
    const frame = buildResponse(sw3, data);
    const wireMs = this.timing.wireBaud ? (frame.length * 10 * 1000) / this.timing.wireBaud : 0;
    await sleep(workMs + wireMs);
    if (!this.transport.isOpen) return;
    switch (this.currentFault) {
      case 'checksumError': {
        const bad = frame.slice();
        bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x5a;
        return this.transport.write(bad);
      }
      case 'garbledFrame':
        return this.transport.write(this.garble(frame));
      case 'unplugMidFrame': {
        await this.transport.write(frame.subarray(0, Math.ceil(frame.length / 2)));
        this.unpluggedByFault = true;
        this.log.info('unplugging mid-frame');
        await this.line.unplug();
        return;
      }
      default:
        return this.transport.write(frame);
    }
  }

  /**
   * Junk in place of the reply, or around a copy of it whose body is scrambled: either way no frame the host
   * can accept. Junk never holds AA, so it cannot fake a preamble.
   */
  private garble(frame: Uint8Array): Uint8Array {
    const junk = () =>
      Uint8Array.from({ length: 4 + Math.floor(this.random() * 16) }, () => Math.floor(this.random() * 0xaa));
    if (this.random() < 0.5) return junk();
    const scrambled = frame.slice();
    for (let i = PREAMBLE.length + 2; i < scrambled.length - 1; i++)
      scrambled[i] = Math.floor(this.random() * 256);
    const chk = xorChecksum(scrambled, 5, scrambled.length - 1);
    // Make sure the checksum is wrong: a scrambled body that happened to check out would read as a real reply.
    scrambled[scrambled.length - 1] = chk ^ 0xff;
    const before = junk();
    const after = junk();
    const out = new Uint8Array(before.length + scrambled.length + after.length);
    out.set(before, 0);
    out.set(scrambled, before.length);
    out.set(after, before.length + scrambled.length);
    return out;
  }

  /** After the line was lost, keep trying to reopen it (a serial peer coming back, a memory pair re-plugged). */
  private scheduleReopen(): void {
    if (!this.running || this.unpluggedByFault || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      void this.reopen();
    }, this.reopenMs);
  }

  private async reopen(): Promise<void> {
    if (!this.running || this.unpluggedByFault || this.transport.isOpen) return;
    this.parser.reset();
    // Power came back: the card on the reader starts afresh, as a real reader re-powers its field.
    if (this.card) {
      this.card.selected = false;
      this.card.alreadyRead = false;
    }
    try {
      await this.transport.open();
      this.log.info('line open again');
    } catch {
      this.scheduleReopen();
    }
  }
}
