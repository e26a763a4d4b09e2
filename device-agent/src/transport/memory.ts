import { type Transport, TransportError } from './transport.ts';

/** 10 bits per byte on an 8N1 line at 115200 baud. */
export const BYTE_MICROS_115200 = 1e7 / 115200;

export interface MemoryLineOptions {
  /**
   * Wire time per byte in microseconds, to model the baud rate (default 115200 baud, about 86.8 µs);
   * 0 delivers at once (still asynchronously), for fast tests.
   */
  byteMicros?: number;
  /**
   * Split every write into random pieces of 1..maxBytes bytes, as a USB-serial adapter might deliver them,
   * to exercise the parser. random() defaults to a seeded generator so runs repeat.
   */
  chunking?: { maxBytes: number; random?: () => number };
}

/** Two connected ends of one line, plus the hands that pull and push back the plug. */
export interface MemoryTransportPair {
  /** Conventionally the host (driver) end. */
  readonly a: Transport;
  /** Conventionally the device (simulator) end. */
  readonly b: Transport;
  readonly plugged: boolean;
  /** Pull the cable: bytes in flight are lost, both open ends report a disconnect, open() fails until plug(). */
  unplug(reason?: string): void;
  plug(): void;
}

interface Piece {
  bytes: Uint8Array;
  dueMs: number;
  /** Settles the write this piece ends. */
  done?: (error?: TransportError) => void;
}

/** One direction of the line: pieces leave in order, each when its bytes have crossed the wire. */
class Wire {
  private queue: Piece[] = [];
  private timer: NodeJS.Timeout | null = null;
  private freeAtMs = 0;

  constructor(
    private readonly byteMs: number,
    private readonly split: (bytes: Uint8Array) => Uint8Array[],
    private readonly deliver: (bytes: Uint8Array) => void,
  ) {}

  send(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const pieces = this.split(bytes);
      let at = Math.max(performance.now(), this.freeAtMs);
      pieces.forEach((piece, i) => {
        at += piece.length * this.byteMs;
        const last = i === pieces.length - 1;
        this.queue.push({
          bytes: piece,
          dueMs: at,
          done: last ? (error) => (error ? reject(error) : resolve()) : undefined,
        });
      });
      this.freeAtMs = at;
      this.pump();
    });
  }

  /** Drop everything in flight; pending writes fail as the line is gone. */
  cut(reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const dropped = this.queue;
    this.queue = [];
    this.freeAtMs = 0;
    for (const piece of dropped) piece.done?.(new TransportError('disconnected', reason));
  }

  private pump(): void {
    if (this.timer || this.queue.length === 0) return;
    const next = this.queue[0];
    if (!next) return;
    // A timer even when nothing is due: delivery must never re-enter the writer's call stack.
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const now = performance.now();
        // Deliver every piece already due, in order, then wait for the next one.
        while (this.queue.length > 0 && (this.queue[0]?.dueMs ?? 0) <= now + 0.5) {
          const piece = this.queue.shift();
          if (!piece) break;
          this.deliver(piece.bytes);
          piece.done?.();
        }
        this.pump();
      },
      Math.max(0, next.dueMs - performance.now()),
    );
  }
}

class MemoryEnd implements Transport {
  isOpen = false;
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly disconnectListeners = new Set<(reason: string) => void>();
  outgoing: Wire | null = null;

  constructor(
    readonly description: string,
    private readonly line: { plugged: boolean },
  ) {}

  async open(): Promise<void> {
    if (!this.line.plugged) throw new TransportError('openFailed', `${this.description}: unplugged`);
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen || !this.outgoing) {
      return Promise.reject(new TransportError('notOpen', `${this.description}: not open`));
    }
    return this.outgoing.send(bytes.slice());
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /** Bytes arriving from the wire; a closed end hears nothing, like a UART nobody reads. */
  receive(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    for (const listener of this.dataListeners) listener(bytes);
  }

  lost(reason: string): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    for (const listener of this.disconnectListeners) listener(reason);
  }
}

/** mulberry32: small, seeded, good enough to pick chunk sizes and junk bytes reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An in-memory serial line: what one end writes, the other receives, with the wire's timing and faults. */
export function createMemoryTransportPair(options: MemoryLineOptions = {}): MemoryTransportPair {
  const byteMs = (options.byteMicros ?? BYTE_MICROS_115200) / 1000;
  const chunking = options.chunking;
  const random = chunking?.random ?? seededRandom(0x5eed);
  const split = (bytes: Uint8Array): Uint8Array[] => {
    // Without explicit chunking a timed line still delivers in small pieces, as a UART driver does.
    const maxBytes = chunking ? chunking.maxBytes : byteMs > 0 ? 32 : bytes.length;
    if (maxBytes <= 0 || bytes.length <= 1) return [bytes];
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = chunking ? 1 + Math.floor(random() * maxBytes) : maxBytes;
      pieces.push(bytes.subarray(at, at + size));
      at += size;
    }
    return pieces;
  };
  const line = { plugged: true };
  const a = new MemoryEnd('memory:a', line);
  const b = new MemoryEnd('memory:b', line);
  a.outgoing = new Wire(byteMs, split, (bytes) => b.receive(bytes));
  b.outgoing = new Wire(byteMs, split, (bytes) => a.receive(bytes));
  return {
    a,
    b,
    get plugged() {
      return line.plugged;
    },
    unplug(reason = 'unplugged') {
      if (!line.plugged) return;
      line.plugged = false;
      a.outgoing?.cut(reason);
      b.outgoing?.cut(reason);
      a.lost(reason);
      b.lost(reason);
    },
    plug() {
      line.plugged = true;
    },
  };
}
