import {
  decodeEf05,
  decodeEf06,
  type Ef05Data,
  type Ef06Data,
  recordNumbers,
  SsseError,
  type SsseFile,
  type SsseRecord,
} from '@sik/contract/ssse';
import type { Logger } from '../../log.ts';
import { DEFAULT_RECONNECT_MS, LineKeeper } from '../../transport/line-keeper.ts';
import type { Transport } from '../../transport/transport.ts';
import type {
  ChipEncoder,
  ChipEncoderEvent,
  ChipEncoderMedia,
  ChipEncoderStatus,
  ChipResult,
} from './chip-encoder.ts';
import * as apdu from './protocol/apdu.ts';
import { encodeFrame, type Frame, FrameParser, REPLY, REQUEST, SLOT } from './protocol/frame.ts';

export interface ChipEncoderDriverOptions {
  /** How long the reader may take to answer one frame (a write to EEPROM takes tens of ms). */
  commandTimeoutMs: number;
  /** Reopening a lost line (reader unplugged or power-cycled): first wait and cap, doubling in between. */
  reconnectMs?: { initial: number; max: number };
  /**
   * Ask the reader for its slot this often while idle, so a reader that went silent is noticed without a call;
   * absent: no polling (an unplugged reader is still noticed at once through the line's disconnect).
   */
  pollIntervalMs?: number;
  logger?: Logger;
}

type Failure = Exclude<ChipResult, { completion: 'success' }>;

/** A failure that ends the current operation: thrown inside, returned as a result at the edge. */
class Stop extends Error {
  constructor(readonly failure: Failure) {
    super(failure.detail);
  }
}

const fail = (
  completion: Failure['completion'],
  errorCode: Failure['errorCode'],
  detail: string,
  extra: Partial<Pick<Failure, 'triesLeft' | 'sw'>> = {},
): Failure => ({ completion, errorCode, detail, ...extra });

/** The one place status words become error codes. */
function swFailure(sw: number, what: string): Failure {
  const extra = { sw: apdu.swHex(sw) };
  if ((sw & 0xfff0) === 0x63c0) {
    const triesLeft = sw & 0x0f;
    return triesLeft === 0
      ? fail('userError', 'pinBlocked', `${what}: wrong PIN, now blocked`, { ...extra, triesLeft })
      : fail('userError', 'pinWrong', `${what}: wrong PIN, ${triesLeft} tries left`, { ...extra, triesLeft });
  }
  switch (sw) {
    case apdu.SW.authBlocked:
      return fail('userError', 'pinBlocked', `${what}: PIN blocked`, { ...extra, triesLeft: 0 });
    case apdu.SW.securityNotSatisfied:
      return fail('invalidData', 'authFailed', `${what}: security status not satisfied`, extra);
    case apdu.SW.memoryFailure:
      return fail('hardwareError', 'writeFailed', `${what}: chip memory failure`, extra);
    case apdu.SW.fileNotFound:
    case apdu.SW.recordNotFound:
      return fail('invalidData', 'notFound', `${what}: not found on the card`, extra);
    default:
      return fail('hardwareError', 'cardError', `${what}: card answered ${apdu.swHex(sw)}`, extra);
  }
}

interface Pending {
  resolve: (frame: Frame) => void;
  reject: (failure: Failure) => void;
}

class ChipEncoderDriver implements ChipEncoder {
  private current: ChipEncoderStatus = { device: 'noDevice', media: 'unknown', detail: null };
  private readonly listeners = new Set<(event: ChipEncoderEvent) => void>();
  private readonly parser: FrameParser;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: Array<() => void> = [];
  /** Opens the line, reopens it with backoff after it went away, polls the slot if asked to. */
  private readonly line: LineKeeper;

  constructor(
    private readonly transport: Transport,
    private readonly options: ChipEncoderDriverOptions,
  ) {
    this.parser = new FrameParser(
      (frame) => {
        const pending = this.pending;
        this.pending = null;
        pending?.resolve(frame);
      },
      (reason) => {
        const pending = this.pending;
        this.pending = null;
        this.parser.reset();
        pending?.reject(fail('hardwareError', 'protocolError', `garbled reply (${reason})`));
      },
    );
    const poll = options.pollIntervalMs;
    this.line = new LineKeeper(
      transport,
      { pollIntervalMs: poll ?? 0, reconnectMs: options.reconnectMs ?? DEFAULT_RECONNECT_MS },
      {
        openFailed: (error) =>
          this.publish({ device: 'noDevice', media: 'unknown', detail: (error as Error).message }),
        check: (signal) => this.check(signal),
        lost: (reason) => this.lost(reason),
        exclusive: (step) => this.serialized(step),
        ...(poll ? { poll: (signal: AbortSignal) => this.poll(signal) } : {}),
      },
    );
  }

  get status(): ChipEncoderStatus {
    return this.current;
  }

  on(listener: (event: ChipEncoderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.line.started) return;
    this.unsubscribe.push(this.transport.onData((chunk) => this.parser.push(chunk)));
    await this.line.start();
  }

  async stop(): Promise<void> {
    if (!this.line.started) return;
    const stopped = this.line.stop();
    this.pending?.reject(fail('canceled', 'noDevice', 'driver stopped'));
    this.pending = null;
    await stopped;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  refreshStatus(signal?: AbortSignal): Promise<ChipResult<{ media: ChipEncoderMedia }>> {
    return this.run(signal, () => this.slotStatus(signal));
  }

  private async slotStatus(signal?: AbortSignal): Promise<{ media: ChipEncoderMedia }> {
    const reply = await this.request(REQUEST.slotStatus, undefined, signal);
    if (reply.type !== REPLY.ok || reply.data.length !== 1)
      throw new Stop(fail('hardwareError', 'protocolError', 'unexpected slot status reply'));
    const media: ChipEncoderMedia = reply.data[0] === SLOT.empty ? 'notPresent' : 'present';
    this.publish({ device: 'online', media, detail: null });
    return { media };
  }

  /** A freshly opened line (in turn with the operations): the reader answers its slot, or it is not there. */
  private async check(signal: AbortSignal): Promise<boolean> {
    this.parser.reset();
    try {
      await this.slotStatus(signal);
      this.options.logger?.info({ transport: this.transport.description }, 'chip encoder: reader answering');
      return true;
    } catch (error) {
      // Stopping, or the line went again (lost() said so): nothing to add.
      if (signal.aborted || !this.transport.isOpen) return false;
      const detail = error instanceof Stop ? error.failure.detail : String(error);
      this.publish({ device: 'offline', media: 'unknown', detail: `reader check failed: ${detail}` });
      return false;
    }
  }

  private async poll(signal: AbortSignal): Promise<void> {
    const result = await this.refreshStatus(signal);
    if (result.completion === 'success' || signal.aborted) return;
    // No sensible answer from a reader that is still on the line: reopen it rather than trust it.
    if (result.errorCode === 'noDevice' || result.errorCode === 'protocolError') this.line.markDown();
  }

  /** The line went away (reader unplugged, switched off): the call in flight fails now, not at its timeout. */
  private lost(reason: string): void {
    const pending = this.pending;
    this.pending = null;
    this.parser.reset();
    pending?.reject(fail('hardwareError', 'noDevice', `line lost: ${reason}`));
    this.options.logger?.warn({ reason }, 'chip encoder: line lost');
    this.publish({ device: 'noDevice', media: 'unknown', detail: `line lost: ${reason}` });
  }

  /** Unplugged, switched off, or not (re)opened yet: the status says noDevice and why. */
  private lineGone(): boolean {
    return !this.transport.isOpen || this.current.device === 'noDevice';
  }

  openCard(signal?: AbortSignal): Promise<ChipResult<{ serial: string; atrHex: string }>> {
    return this.run(signal, async () => {
      const reply = await this.request(REQUEST.powerOn, undefined, signal);
      this.checkReply(reply);
      const atrHex = reply.data.toString('hex').toUpperCase();
      const serial = (await this.command(apdu.getSerial(), 'get serial', signal)).toString('latin1');
      await this.command(apdu.selectAid(), 'select SSSE', signal);
      this.options.logger?.info({ serial }, 'chip encoder: card opened');
      return { serial, atrHex };
    });
  }

  closeCard(signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      this.checkReply(await this.request(REQUEST.powerOff, undefined, signal));
      return {};
    });
  }

  selectApplication(signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.selectAid(), 'select SSSE', signal);
      return {};
    });
  }

  selectFile(file: SsseFile, signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.selectFile(file), `select ${file}`, signal);
      return {};
    });
  }

  readRecord(record: number, signal?: AbortSignal): Promise<ChipResult<{ tlv: Buffer }>> {
    return this.run(signal, async () => ({
      tlv: await this.command(apdu.readRecord(record), `read record ${record}`, signal),
    }));
  }

  getChallenge(signal?: AbortSignal): Promise<ChipResult<{ challenge: Buffer }>> {
    return this.run(signal, async () => {
      const challenge = await this.command(apdu.getChallenge(), 'get challenge', signal);
      if (challenge.length !== 8)
        throw new Stop(fail('hardwareError', 'protocolError', 'challenge is not 8 bytes'));
      return { challenge };
    });
  }

  externalAuthenticate(cryptogram: Buffer, signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.externalAuthenticate(cryptogram), 'external authenticate', signal);
      return {};
    });
  }

  updateRecord(record: number, tlv: Buffer, signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.updateRecord(record, tlv), `update record ${record}`, signal);
      return {};
    });
  }

  verifyPin(pin: string, signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.verifyPin(pin), 'verify PIN', signal);
      return {};
    });
  }

  changePin(oldPin: string, newPin: string, signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.changePin(oldPin, newPin), 'change PIN', signal);
      return {};
    });
  }

  setPin(newPin: string, signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.setPin(newPin), 'set PIN', signal);
      return {};
    });
  }

  writeFile(file: SsseFile, records: SsseRecord[], signal?: AbortSignal): Promise<ChipResult> {
    return this.run(signal, async () => {
      await this.command(apdu.selectFile(file), `select ${file}`, signal);
      for (const { record, tlv } of records) {
        await this.command(apdu.updateRecord(record, tlv), `update record ${record}`, signal);
        const back = await this.command(apdu.readRecord(record), `read back record ${record}`, signal);
        if (!back.equals(tlv))
          throw new Stop(
            fail('hardwareError', 'verifyFailed', `${file} record ${record}: read-back differs`),
          );
      }
      return {};
    });
  }

  readEf05(signal?: AbortSignal): Promise<ChipResult<{ data: Ef05Data }>> {
    return this.run(signal, async () => ({ data: decodeEf05(await this.readAll('EF05', signal)) }));
  }

  readEf06(signal?: AbortSignal): Promise<ChipResult<{ data: Ef06Data }>> {
    return this.run(signal, async () => ({ data: decodeEf06(await this.readAll('EF06', signal)) }));
  }

  private async readAll(file: SsseFile, signal?: AbortSignal): Promise<Map<number, Buffer>> {
    await this.command(apdu.selectFile(file), `select ${file}`, signal);
    const records = new Map<number, Buffer>();
    for (const record of recordNumbers(file))
      records.set(record, await this.command(apdu.readRecord(record), `read record ${record}`, signal));
    return records;
  }

  /** One operation at a time; Stop and SsseError become results, nothing else escapes as a rejection. */
  private run<T extends object>(
    signal: AbortSignal | undefined,
    body: () => Promise<T>,
  ): Promise<ChipResult<T>> {
    return this.serialized(async (): Promise<ChipResult<T>> => {
      try {
        if (signal?.aborted) throw new Stop(fail('canceled', 'noDevice', 'canceled before start'));
        // Refused before any byte while the line is down: the reader may be unplugged or still powering up.
        if (!this.line.started)
          throw new Stop(fail('deviceNotReady', 'noDevice', 'chip encoder not started'));
        if (this.lineGone())
          throw new Stop(
            fail('deviceNotReady', 'noDevice', this.current.detail ?? `chip encoder ${this.current.device}`),
          );
        return { completion: 'success', ...(await body()) } as ChipResult<T>;
      } catch (error) {
        if (error instanceof Stop) {
          this.options.logger?.warn(
            { errorCode: error.failure.errorCode, sw: error.failure.sw },
            'chip encoder: operation failed',
          );
          return error.failure as ChipResult<T>;
        }
        if (error instanceof SsseError || error instanceof RangeError)
          return fail('invalidData', 'cardError', error.message) as ChipResult<T>;
        throw error;
      }
    });
  }

  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step, step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Send one APDU; the response data on 9000, otherwise a Stop with the status word folded. */
  private async command(command: Buffer, what: string, signal?: AbortSignal): Promise<Buffer> {
    const reply = await this.request(REQUEST.transmit, command, signal);
    this.checkReply(reply);
    let response: apdu.ResponseApdu;
    try {
      response = apdu.parseResponse(reply.data);
    } catch {
      throw new Stop(fail('hardwareError', 'protocolError', `${what}: response without status word`));
    }
    if (response.sw !== apdu.SW.ok) throw new Stop(swFailure(response.sw, what));
    return response.data;
  }

  private checkReply(reply: Frame): void {
    switch (reply.type) {
      case REPLY.ok:
        if (this.current.media !== 'present') this.publish({ ...this.current, media: 'present' });
        return;
      case REPLY.noCard:
        this.publish({ device: 'online', media: 'notPresent', detail: null });
        throw new Stop(fail('deviceNotReady', 'noCard', 'no card at the contact station'));
      case REPLY.cardMute:
        this.publish({ device: 'online', media: 'present', detail: 'card does not answer' });
        throw new Stop(fail('hardwareError', 'cardMute', 'card does not answer'));
      default:
        throw new Stop(
          fail('hardwareError', 'protocolError', `reader error (reply 0x${reply.type.toString(16)})`),
        );
    }
  }

  /** One frame out, one frame back, within commandTimeoutMs; abort and timeout fail it. */
  private request(type: number, data: Buffer | undefined, signal?: AbortSignal): Promise<Frame> {
    return new Promise<Frame>((resolve, reject) => {
      if (!this.transport.isOpen) {
        reject(new Stop(fail('deviceNotReady', 'noDevice', 'reader line not open')));
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const timer = setTimeout(() => {
        this.pending = null;
        done();
        this.publish({ device: 'offline', media: 'unknown', detail: 'no reply from the reader' });
        // Reopen the line (after the backoff) rather than trust it: the check brings the reader back online.
        this.line.markDown();
        reject(new Stop(fail('timeout', 'noDevice', 'no reply from the reader')));
      }, this.options.commandTimeoutMs);
      const onAbort = () => {
        this.pending = null;
        done();
        reject(new Stop(fail('canceled', 'noDevice', 'canceled')));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.parser.reset();
      this.pending = {
        resolve: (frame) => {
          done();
          if (this.current.device !== 'online')
            this.publish({ ...this.current, device: 'online', detail: null });
          resolve(frame);
        },
        reject: (failure) => {
          done();
          reject(new Stop(failure));
        },
      };
      this.transport.write(encodeFrame(type, data)).catch((error: unknown) => {
        const pending = this.pending;
        this.pending = null;
        pending?.reject(fail('hardwareError', 'noDevice', (error as Error).message));
      });
    });
  }

  private publish(status: ChipEncoderStatus): void {
    if (
      status.device === this.current.device &&
      status.media === this.current.media &&
      status.detail === this.current.detail
    )
      return;
    this.current = status;
    for (const listener of this.listeners) listener({ type: 'status', status });
  }
}

export function createChipEncoderDriver(
  transport: Transport,
  options: ChipEncoderDriverOptions,
): ChipEncoder {
  return new ChipEncoderDriver(transport, options);
}
