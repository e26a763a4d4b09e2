import { randomBytes } from 'node:crypto';
import {
  deriveCardKey,
  recordNumbers,
  SSSE_AID,
  SSSE_CHALLENGE_LENGTH,
  SSSE_FILE_IDS,
  type SsseFile,
  verifyExternalAuth,
} from '@sik/contract/ssse';
import type { Logger } from '../../log.ts';
import type { Transport } from '../../transport/transport.ts';
import { CHIP_ENCODER_FAULTS, type ChipEncoderFault } from './chip-encoder.ts';
import { encodeResponse, SW, wrongPinSw } from './protocol/apdu.ts';
import { encodeFrame, type Frame, FrameParser, REPLY, REQUEST, SLOT } from './protocol/frame.ts';

/**
 * The contact reader and the social security cards that pass through it, speaking the bytes of
 * protocol/frame.ts and protocol/apdu.ts. Every card is known by its chip serial (the card printer simulator
 * hands out blanks with serials; tests and the dock put "the card at the contact station" here by serial).
 * A blank card: SSSE application present, EF05 and EF06 empty, PIN 123456 (UNCONFIRMED: the factory PIN of
 * real blanks), 3 tries. Writes need EXTERNAL AUTHENTICATE with the cryptogram of @sik/contract/ssse under
 * the card key derived from the issuer master key the simulator is given.
 * Never logs record contents or PINs: only frame types, instructions and status words.
 */

export const DEFAULT_CARD_PIN = '123456';
export const PIN_TRIES = 3;
/** A fixed ATR for the simulated card (UNCONFIRMED: real cards' ATRs vary by chip vendor). */
export const SIMULATED_ATR = Buffer.from('3B6C00000053534553494B00000001', 'hex');

interface CardState {
  serial: string;
  files: Record<SsseFile, Map<number, Buffer>>;
  pin: string;
  triesLeft: number;
}

interface Session {
  powered: boolean;
  applicationSelected: boolean;
  file: SsseFile | null;
  challenge: Buffer | null;
  authenticated: boolean;
}

export interface ChipCardSnapshot {
  serial: string;
  /** record number -> TLV hex, per file. */
  ef05: Record<number, string>;
  ef06: Record<number, string>;
  pinTriesLeft: number;
  pinBlocked: boolean;
}

export interface ChipEncoderSimulatorState {
  /** Serial of the card at the contact station, or null. */
  cardSerial: string | null;
  powered: boolean;
  authenticated: boolean;
  fault: ChipEncoderFault;
}

export interface ChipEncoderSimulatorOptions {
  /** The issuer master key (16 bytes) the card keys are derived from: the same the card-management service holds. */
  masterKey: Buffer;
  /** Challenge source; tests pass a fixed one for byte-exact APDUs. Default: crypto random. */
  challenge?: () => Buffer;
  /** Delay before each reply (a pty moves bytes at once; model the card's processing time). Default 0. */
  replyDelayMs?: number;
  logger?: Logger;
}

export class ChipEncoderSimulator {
  private readonly cardsBySerial = new Map<string, CardState>();
  private cardSerial: string | null = null;
  private fault: ChipEncoderFault = 'none';
  private session: Session = freshSession();
  private readonly parser: FrameParser;
  private offData: (() => void) | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly options: ChipEncoderSimulatorOptions,
  ) {
    if (options.masterKey.length !== 16) throw new RangeError('master key must be 16 bytes');
    this.parser = new FrameParser(
      (frame) => void this.handle(frame),
      () => void this.reply(REPLY.readerError),
    );
  }

  async start(): Promise<void> {
    if (!this.transport.isOpen) await this.transport.open();
    this.offData = this.transport.onData((chunk) => this.parser.push(chunk));
  }

  async stop(): Promise<void> {
    this.offData?.();
    this.offData = null;
    if (this.transport.isOpen) await this.transport.close();
  }

  get state(): ChipEncoderSimulatorState {
    return {
      cardSerial: this.cardSerial,
      powered: this.session.powered,
      authenticated: this.session.authenticated,
      fault: this.fault,
    };
  }

  /** Put the card with this chip serial at the contact station (a blank one if the serial is new). */
  insertCard(serial: string): void {
    if (!/^[\x21-\x7e]{1,64}$/.test(serial)) throw new RangeError('serial must be 1..64 printable ASCII');
    if (!this.cardsBySerial.has(serial))
      this.cardsBySerial.set(serial, {
        serial,
        files: { EF05: new Map(), EF06: new Map() },
        pin: DEFAULT_CARD_PIN,
        triesLeft: PIN_TRIES,
      });
    this.cardSerial = serial;
    this.session = freshSession();
  }

  removeCard(): void {
    this.cardSerial = null;
    this.session = freshSession();
  }

  setFault(fault: ChipEncoderFault): void {
    if (!(CHIP_ENCODER_FAULTS as readonly string[]).includes(fault)) throw new RangeError('unknown fault');
    this.fault = fault;
    if (fault === 'noCard' || fault === 'muteCard') this.session = freshSession();
  }

  /** What a card holds (for tests and the dock; the simulator's own data, not the agent's). */
  card(serial: string): ChipCardSnapshot | null {
    const card = this.cardsBySerial.get(serial);
    if (!card) return null;
    const hexOf = (records: Map<number, Buffer>) =>
      Object.fromEntries([...records].map(([n, tlv]) => [n, tlv.toString('hex').toUpperCase()]));
    return {
      serial,
      ef05: hexOf(card.files.EF05),
      ef06: hexOf(card.files.EF06),
      pinTriesLeft: card.triesLeft,
      pinBlocked: card.triesLeft === 0,
    };
  }

  /** Every card the simulator has seen, in the order it first saw them. */
  cards(): ChipCardSnapshot[] {
    return [...this.cardsBySerial.keys()].map((serial) => this.card(serial) as ChipCardSnapshot);
  }

  private currentCard(): CardState | null {
    if (this.fault === 'noCard' || this.cardSerial === null) return null;
    return this.cardsBySerial.get(this.cardSerial) ?? null;
  }

  private async handle(frame: Frame): Promise<void> {
    const card = this.currentCard();
    switch (frame.type) {
      case REQUEST.slotStatus:
        return this.reply(
          REPLY.ok,
          Buffer.from([card ? (this.session.powered ? SLOT.powered : SLOT.present) : SLOT.empty]),
        );
      case REQUEST.powerOff:
        this.session = freshSession();
        return this.reply(REPLY.ok);
      case REQUEST.powerOn:
        if (!card) return this.reply(REPLY.noCard);
        if (this.fault === 'muteCard') return this.reply(REPLY.cardMute);
        this.session = { ...freshSession(), powered: true };
        return this.reply(REPLY.ok, SIMULATED_ATR);
      case REQUEST.transmit: {
        if (!card) return this.reply(REPLY.noCard);
        if (this.fault === 'muteCard' || !this.session.powered) return this.reply(REPLY.cardMute);
        const [data, sw] = this.apdu(card, frame.data);
        this.options.logger?.debug(
          { ins: (frame.data[1] ?? 0).toString(16), sw: sw.toString(16) },
          'chip encoder simulator: apdu',
        );
        return this.reply(REPLY.ok, encodeResponse(data, sw));
      }
      default:
        return this.reply(REPLY.readerError);
    }
  }

  private async reply(type: number, data?: Buffer): Promise<void> {
    const delay = this.options.replyDelayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (!this.transport.isOpen) return;
    await this.transport.write(encodeFrame(type, data)).catch(() => undefined);
  }

  /** One command APDU against the card: [response data, status word]. */
  private apdu(card: CardState, apdu: Buffer): [Buffer, number] {
    const none = Buffer.alloc(0);
    if (apdu.length < 4) return [none, SW.wrongLength];
    const [cla = 0, ins = 0, p1 = 0, p2 = 0] = apdu;
    const lc = apdu.length > 5 ? (apdu[4] ?? 0) : 0;
    const body = apdu.subarray(5);
    if (apdu.length > 5 && body.length !== lc) return [none, SW.wrongLength];
    const s = this.session;
    const key = `${cla.toString(16).padStart(2, '0')}${ins.toString(16).padStart(2, '0')}`;
    switch (key) {
      case '00a4': {
        if (p1 === 0x04 && p2 === 0x00) {
          if (!body.equals(SSSE_AID)) return [none, SW.fileNotFound];
          this.session = {
            ...s,
            applicationSelected: true,
            file: null,
            authenticated: false,
            challenge: null,
          };
          return [none, SW.ok];
        }
        if (p1 === 0x00 && p2 === 0x00 && body.length === 2) {
          if (!s.applicationSelected) return [none, SW.conditionsNotSatisfied];
          const id = body.readUInt16BE(0);
          const file = (Object.keys(SSSE_FILE_IDS) as SsseFile[]).find((f) => SSSE_FILE_IDS[f] === id);
          if (!file) return [none, SW.fileNotFound];
          s.file = file;
          return [none, SW.ok];
        }
        return [none, SW.wrongP1P2];
      }
      case '00b2': {
        if (p2 !== 0x04) return [none, SW.wrongP1P2];
        if (!s.file) return [none, SW.conditionsNotSatisfied];
        const tlv = card.files[s.file].get(p1);
        if (!tlv) return [none, SW.recordNotFound];
        const out = Buffer.from(tlv);
        if (this.fault === 'readBackCorruption') {
          const at = out.length - 1;
          out[at] = (out[at] ?? 0) ^ 0x01;
        }
        return [out, SW.ok];
      }
      case '0084': {
        if (apdu.length !== 5 || apdu[4] !== SSSE_CHALLENGE_LENGTH) return [none, SW.wrongLength];
        const challenge = (this.options.challenge ?? (() => randomBytes(SSSE_CHALLENGE_LENGTH)))();
        s.challenge = Buffer.from(challenge);
        s.authenticated = false;
        return [Buffer.from(challenge), SW.ok];
      }
      case '0082': {
        const challenge = s.challenge;
        s.challenge = null;
        s.authenticated = false;
        if (!challenge || !s.applicationSelected) return [none, SW.conditionsNotSatisfied];
        if (p2 !== 0x01) return [none, SW.wrongP1P2];
        const ok = verifyExternalAuth(deriveCardKey(this.options.masterKey, card.serial), challenge, body);
        s.authenticated = ok;
        return [none, ok ? SW.ok : SW.securityNotSatisfied];
      }
      case '00dc': {
        if (p2 !== 0x04) return [none, SW.wrongP1P2];
        if (!s.file) return [none, SW.conditionsNotSatisfied];
        if (!s.authenticated) return [none, SW.securityNotSatisfied];
        if (!recordNumbers(s.file).includes(p1) || body[0] !== p1 || body[1] !== body.length - 2)
          return [none, SW.wrongData];
        if (this.fault === 'writeError') return [none, SW.memoryFailure];
        card.files[s.file].set(p1, Buffer.from(body));
        return [none, SW.ok];
      }
      case '0020': {
        if (p1 !== 0 || p2 !== 0 || lc !== 3) return [none, SW.wrongLength];
        return [none, this.checkPin(card, body)];
      }
      case '805e': {
        if (p1 === 0x01 && p2 === 0x00) {
          if (lc !== 7 || body[3] !== 0xff) return [none, SW.wrongData];
          const sw = this.checkPin(card, body.subarray(0, 3));
          if (sw !== SW.ok) return [none, sw];
          const next = pinOf(body.subarray(4, 7));
          if (!next) return [none, SW.wrongData];
          if (this.fault === 'writeError') return [none, SW.memoryFailure];
          card.pin = next;
          return [none, SW.ok];
        }
        if (p1 === 0x00 && p2 === 0x00) {
          if (lc !== 3) return [none, SW.wrongLength];
          if (!s.authenticated) return [none, SW.securityNotSatisfied];
          const next = pinOf(body);
          if (!next) return [none, SW.wrongData];
          if (this.fault === 'writeError') return [none, SW.memoryFailure];
          card.pin = next;
          card.triesLeft = PIN_TRIES;
          return [none, SW.ok];
        }
        return [none, SW.wrongP1P2];
      }
      case '80ca':
        if (p1 !== 0x00 || p2 !== 0x01) return [none, SW.wrongP1P2];
        return [Buffer.from(card.serial, 'latin1'), SW.ok];
      default:
        return [none, cla === 0x00 || cla === 0x80 ? SW.insNotSupported : SW.claNotSupported];
    }
  }

  /** Compare a 3-byte BCD PIN with the card's, counting tries: 63Cx while tries remain, 6983 once blocked. */
  private checkPin(card: CardState, bcd: Buffer): number {
    if (card.triesLeft === 0) return SW.authBlocked;
    if (pinOf(bcd) === card.pin) {
      card.triesLeft = PIN_TRIES;
      return SW.ok;
    }
    card.triesLeft -= 1;
    return wrongPinSw(card.triesLeft);
  }
}

function freshSession(): Session {
  return { powered: false, applicationSelected: false, file: null, challenge: null, authenticated: false };
}

function pinOf(bcd: Buffer): string | null {
  const hex = bcd.toString('hex');
  return bcd.length === 3 && /^\d{6}$/.test(hex) ? hex : null;
}
