import { createLogger, type Logger } from '../../log.ts';
import { seededRandom } from '../../transport/memory.ts';
import type { Transport } from '../../transport/transport.ts';
import type { PinPadFault, PinPadKey } from './pinpad.ts';
import {
  type CommandName,
  commandByCode,
  decodeClearEntry,
  decodeLoadWorkingKey,
  decodeStartEntry,
  encodeStatus,
  type PadMode,
  REPLY_STATUS,
  type StartEntryParameters,
} from './protocol/commands.ts';
import { buildReply, decodeRequestBody, KEY_CODES, toHex } from './protocol/frame.ts';
import { FrameParser } from './protocol/parser.ts';
import { encryptPinBlock, keyCheckValue, unwrapWorkingKey } from './protocol/pin-block.ts';

/** How long the simulated pad takes, in ms. */
export interface PinPadSimulatorTiming {
  /** Work before a reply goes on the wire (SM4 in a secure processor is quick). */
  replyMs: number;
  /** Between two keys of pressKeys(), as fingers would press them. */
  keyIntervalMs: number;
  /** When set, also wait each reply's wire time at this baud rate (for a pty, which delivers at once). */
  wireBaud: number | null;
}

/** Guesses, UNCONFIRMED: no datasheet at hand gives reply times. */
export const REALISTIC_TIMING: PinPadSimulatorTiming = { replyMs: 15, keyIntervalMs: 150, wireBaud: null };
export const INSTANT_TIMING: PinPadSimulatorTiming = { replyMs: 0, keyIntervalMs: 0, wireBaud: null };

/**
 * The demo's shared PIN encryption key (the working key the pad holds and the bank host simulator decrypts
 * with) and master key. Test keys only: a real pad's keys never appear in configuration or code.
 */
export const DEMO_PIN_KEY = '0123456789abcdeffedcba9876543210';
export const DEMO_MASTER_KEY = '00112233445566778899aabbccddeeff';

/** How the simulator pulls its own plug for the unplugged fault, and pushes it back in. */
export interface SimulatorLine {
  unplug(): void | Promise<void>;
  plug(): void | Promise<void>;
}

export interface PinPadSimulatorOptions {
  /** The PIN working key already loaded, 32 hex digits; null for a pad with no key (default DEMO_PIN_KEY). */
  pinKeyHex?: string | null;
  /** The master key a working key is loaded under (default DEMO_MASTER_KEY). */
  masterKeyHex?: string;
  timing?: Partial<PinPadSimulatorTiming>;
  /** Default: close and reopen the transport (a serial line: the host then just hears nothing). */
  line?: SimulatorLine;
  /** Seeds the junk of garbledFrame, so a run repeats. */
  seed?: number;
  /** How often to try reopening the line after it was lost. */
  reopenMs?: number;
  logger?: Logger;
}

export interface PinPadSimulatorState {
  mode: PadMode;
  keyLoaded: boolean;
  fault: PinPadFault;
  /** How many digits are down in the entry under way (never which). */
  keysDown: number;
}

interface EntryInProgress extends StartEntryParameters {
  /** The digits, held only inside the "pad" until enter builds the block (or, clear, until they are sent). */
  digits: string[];
  /** Clear PIN entry: digits go out as their own key codes and enter builds no block. */
  clear: boolean;
}

const KEY_BY_CHAR: Readonly<Record<string, PinPadKey>> = {
  E: 'enter',
  '\n': 'enter',
  '\r': 'enter',
  C: 'cancel',
  '\u001b': 'cancel',
  B: 'backspace',
  '\b': 'backspace',
};

/**
 * Keys as text, for the control channel and the dock: digits, 'E' or a newline for enter, 'C' or ESC for cancel,
 * 'B' or a backspace for backspace. Throws RangeError on anything else.
 */
export function parseKeys(keys: string): PinPadKey[] {
  return Array.from(keys, (char) => {
    if (char >= '0' && char <= '9') return char as PinPadKey;
    const key = KEY_BY_CHAR[char.toUpperCase()] ?? KEY_BY_CHAR[char];
    if (!key) throw new RangeError('keys: only digits, E (enter), C (cancel) and B (backspace)');
    return key;
  });
}

const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/**
 * The PIN pad's peer: answers the command table's frames like an EPP, takes key presses, reports them as '*'
 * in PIN entry, builds the SM4 PIN block at enter, and fails on request (STYLE.md rule 9).
 */
export class PinPadSimulator {
  private mode: PadMode = 'idle';
  private entry: EntryInProgress | null = null;
  private pinBlock: Uint8Array | null = null;
  private pinKey: string | null;
  private readonly masterKey: string;
  private currentFault: PinPadFault = 'none';
  private readonly parser = new FrameParser();
  private readonly timing: PinPadSimulatorTiming;
  private readonly line: SimulatorLine;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly reopenMs: number;
  /** Replies and key bytes leave in order, never one inside another. */
  private queue: Promise<void> = Promise.resolve();
  private running = false;
  private unpluggedByFault = false;
  private reopenTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly transport: Transport,
    options: PinPadSimulatorOptions = {},
  ) {
    this.pinKey = options.pinKeyHex === undefined ? DEMO_PIN_KEY : options.pinKeyHex;
    this.masterKey = options.masterKeyHex ?? DEMO_MASTER_KEY;
    this.timing = { ...REALISTIC_TIMING, ...options.timing };
    this.line = options.line ?? { unplug: () => transport.close(), plug: () => undefined };
    this.random = seededRandom(options.seed ?? 0x91a7ad);
    this.log = options.logger ?? createLogger('pinpad-simulator');
    this.reopenMs = options.reopenMs ?? 50;
    transport.onData((chunk) => this.onData(chunk));
    transport.onDisconnect(() => this.scheduleReopen());
  }

  get fault(): PinPadFault {
    return this.currentFault;
  }

  get state(): PinPadSimulatorState {
    return {
      mode: this.mode,
      keyLoaded: this.pinKey !== null,
      fault: this.currentFault,
      keysDown: this.entry?.digits.length ?? 0,
    };
  }

  async start(): Promise<void> {
    this.running = true;
    await this.transport.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
    this.clearEntry();
    await this.queue;
    await this.transport.close();
  }

  async setFault(fault: PinPadFault): Promise<void> {
    const previous = this.currentFault;
    this.currentFault = fault;
    this.log.info({ fault }, 'fault set');
    if (fault === 'unplugged' && previous !== 'unplugged') {
      this.unpluggedByFault = true;
      this.clearEntry();
      await this.line.unplug();
    } else if (fault !== 'unplugged' && this.unpluggedByFault) {
      this.unpluggedByFault = false;
      await this.line.plug();
      await this.reopen();
    }
    if (fault === 'keyStuck' && (this.mode === 'pinEntry' || this.mode === 'clearEntry')) {
      // A stuck key ends the entry: the pad cannot tell the citizen's keys from the stuck one.
      this.clearEntry();
      this.mode = 'idle';
      this.send(Uint8Array.of(KEY_CODES.endOfInput));
    }
  }

  /** One key press, as a finger on the pad. */
  async press(key: PinPadKey): Promise<void> {
    const entry = this.entry;
    if ((this.mode !== 'pinEntry' && this.mode !== 'clearEntry') || !entry) {
      // Keys are disabled outside PIN entry (no plain-text mode here).
      this.log.debug('key pressed while keys are disabled');
      return;
    }
    switch (key) {
      case 'enter':
        if (entry.digits.length < entry.minLength) return; // the pad beeps; nothing is sent
        if (entry.clear) {
          // The digits already went out one by one: enter only ends the entry.
          this.clearEntry();
          this.mode = 'idle';
          this.log.info('clear PIN entry ended by enter');
          return this.send(Uint8Array.of(KEY_CODES.enter, KEY_CODES.endOfInput));
        }
        if (!this.pinKey) return;
        this.pinBlock = Buffer.from(
          encryptPinBlock(this.pinKey, entry.digits.join(''), entry.accountNumber),
          'hex',
        );
        this.clearEntry();
        this.mode = 'pinReady';
        this.log.info('PIN entered, block ready');
        return this.send(Uint8Array.of(KEY_CODES.enter, KEY_CODES.endOfInput));
      case 'cancel':
        this.clearEntry();
        this.mode = 'idle';
        this.log.info('PIN entry canceled on the pad');
        return this.send(Uint8Array.of(KEY_CODES.cancel, KEY_CODES.endOfInput));
      case 'backspace':
        if (entry.digits.length === 0) return;
        entry.digits.pop();
        return this.send(Uint8Array.of(KEY_CODES.backspace));
      default: {
        if (entry.digits.length >= entry.maxLength) return;
        entry.digits.push(key);
        // In PIN entry a sound pad never lets a digit out; the clearDigits fault plays one that does.
        const report =
          entry.clear || this.currentFault === 'clearDigits' ? key.charCodeAt(0) : KEY_CODES.masked;
        return this.send(Uint8Array.of(report));
      }
    }
  }

  /** Keys as text (see parseKeys), one after another at the simulated typing speed. */
  async pressKeys(keys: string): Promise<void> {
    const parsed = parseKeys(keys);
    for (const [i, key] of parsed.entries()) {
      if (i > 0) await sleep(this.timing.keyIntervalMs);
      await this.press(key);
    }
  }

  private clearEntry(): void {
    this.entry?.digits.fill('');
    this.entry = null;
  }

  private onData(chunk: Uint8Array): void {
    for (const event of this.parser.push(chunk)) {
      if (event.kind === 'frame') {
        const request = decodeRequestBody(event.body);
        if (!request) continue;
        const name = commandByCode(request.cmd);
        this.reply(request.cmd, () => this.answer(name, request.data));
      } else if (event.kind === 'badChecksum') {
        this.reply(event.frame[2] ?? 0, () => ({ status: REPLY_STATUS.checksumError }));
      }
    }
  }

  /** Works out the answer when its turn comes (after the replies before it), then sends it. */
  private reply(cmd: number, answer: () => { status: number; data?: Uint8Array }): void {
    this.enqueue(async () => {
      await sleep(this.timing.replyMs);
      const { status, data } = answer();
      const frame = buildReply(cmd, status, data);
      if (this.timing.wireBaud) await sleep((frame.length * 10 * 1000) / this.timing.wireBaud);
      await this.write(this.faulty(frame));
    });
  }

  private answer(name: CommandName | null, data: Uint8Array): { status: number; data?: Uint8Array } {
    const keyStuck = this.currentFault === 'keyStuck';
    switch (name) {
      case null:
        return { status: REPLY_STATUS.unknownCommand };
      case 'status':
        return {
          status: REPLY_STATUS.ok,
          data: encodeStatus({ mode: this.mode, keyLoaded: this.pinKey !== null, keyStuck, tamper: false }),
        };
      case 'loadWorkingKey': {
        const request = decodeLoadWorkingKey(data);
        if (!request) return { status: REPLY_STATUS.badParameter };
        if (this.mode === 'pinEntry' || this.mode === 'clearEntry') return { status: REPLY_STATUS.busy };
        const key = unwrapWorkingKey(this.masterKey, request.encryptedKey);
        const checkValue = keyCheckValue(key);
        if (toHex(checkValue) !== toHex(request.checkValue)) return { status: REPLY_STATUS.keyCheckFailed };
        this.pinKey = key;
        this.log.info('PIN working key loaded');
        return { status: REPLY_STATUS.ok, data: checkValue };
      }
      case 'startPinEntry': {
        if (keyStuck) return { status: REPLY_STATUS.hardwareFault };
        if (this.mode === 'pinEntry' || this.mode === 'clearEntry') return { status: REPLY_STATUS.busy };
        const request = decodeStartEntry(data);
        if (!request) return { status: REPLY_STATUS.badParameter };
        if (!this.pinKey) return { status: REPLY_STATUS.keyNotLoaded };
        this.entry = { ...request, digits: [], clear: false };
        this.pinBlock = null;
        this.mode = 'pinEntry';
        this.log.info({ minLength: request.minLength, maxLength: request.maxLength }, 'PIN entry started');
        return { status: REPLY_STATUS.ok };
      }
      case 'getPinBlock': {
        const block = this.pinBlock;
        if (this.mode !== 'pinReady' || !block) return { status: REPLY_STATUS.noPinBlock };
        // Handed out once: the block is gone from the pad after this.
        this.pinBlock = null;
        this.mode = 'idle';
        return { status: REPLY_STATUS.ok, data: block };
      }
      case 'startClearEntry': {
        if (keyStuck) return { status: REPLY_STATUS.hardwareFault };
        if (this.mode === 'pinEntry' || this.mode === 'clearEntry') return { status: REPLY_STATUS.busy };
        const request = decodeClearEntry(data);
        if (!request) return { status: REPLY_STATUS.badParameter };
        // No key needed: nothing is encrypted, the card checks the PIN itself.
        this.entry = { ...request, accountNumber: '', digits: [], clear: true };
        this.pinBlock = null;
        this.mode = 'clearEntry';
        this.log.info(
          { minLength: request.minLength, maxLength: request.maxLength },
          'clear PIN entry started',
        );
        return { status: REPLY_STATUS.ok };
      }
      case 'cancelEntry':
        this.clearEntry();
        this.pinBlock = null;
        this.mode = 'idle';
        return { status: REPLY_STATUS.ok };
    }
  }

  /** The reply as the fault has it: swallowed, garbled, or as it is. */
  private faulty(frame: Uint8Array): Uint8Array | null {
    switch (this.currentFault) {
      case 'noResponse':
      case 'unplugged':
        return null;
      case 'garbledFrame': {
        if (this.random() < 0.5) {
          // Junk from 40..7F: never STX and never a key byte, so it cannot fake a frame or a key.
          return Uint8Array.from(
            { length: 3 + Math.floor(this.random() * 12) },
            () => 0x40 + Math.floor(this.random() * 0x40),
          );
        }
        const bad = frame.slice();
        bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x5a;
        return bad;
      }
      default:
        return frame;
    }
  }

  /** Key bytes go out in turn with the replies. */
  private send(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      this.enqueue(async () => {
        try {
          await this.write(bytes);
        } finally {
          resolve();
        }
      });
    });
  }

  private async write(bytes: Uint8Array | null): Promise<void> {
    if (!bytes || !this.transport.isOpen || this.unpluggedByFault) return;
    await this.transport.write(bytes);
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.log.debug({ err: error }, 'bytes not delivered');
    });
  }

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
    // Power came back: the pad starts idle, with its keys kept (they live in battery-backed memory).
    this.clearEntry();
    this.pinBlock = null;
    this.mode = 'idle';
    try {
      await this.transport.open();
      this.log.info('line open again');
    } catch {
      this.scheduleReopen();
    }
  }
}
