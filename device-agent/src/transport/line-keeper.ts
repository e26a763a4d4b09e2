import type { Transport } from './transport.ts';

/**
 * Keeps a device's line up for its driver: opens it at start, hears it go away (unplugged, power-cycled, peer
 * closed), and reopens it with a doubling backoff until the device answers again; while up, it polls the device.
 * The driver says what "answering" means (check), what a poll is, and what status each event means; the keeper
 * owns only the lifecycle, so every driver reconnects the same way.
 */
export interface LineKeeperHooks {
  /** The line would not open (device absent): the driver publishes noDevice. */
  openFailed(error: unknown): void;
  /**
   * The line just opened: ask the device whether it answers, publish the status. Resolve false (or throw) when it
   * does not: the line is closed and reopened after the backoff.
   */
  check(signal: AbortSignal): Promise<boolean>;
  /** One status poll while the line is up; the driver calls markDown() when it decides the device is gone. */
  poll?(signal: AbortSignal): Promise<void>;
  /** The line went away without close(): fail what is in flight, publish noDevice. */
  lost(reason: string): void;
  /**
   * Runs a step in turn with the driver's own calls (its one-at-a-time queue), so that reopening the line and
   * checking the device never cut into an operation. Default: at once.
   */
  exclusive?<T>(step: () => Promise<T>): Promise<T>;
}

export interface LineKeeperOptions {
  /** Time between two polls while the line is up (ignored without a poll hook). */
  pollIntervalMs: number;
  /** Reopening a lost line: first wait and cap, doubling in between. */
  reconnectMs: { initial: number; max: number };
}

export const DEFAULT_RECONNECT_MS = { initial: 250, max: 5000 } as const;

/** Waits ms, or less when the signal aborts; never rejects. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export class LineKeeper {
  private isUp = false;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Wakes the loop from its poll wait when the line goes down, so reconnecting starts without a poll's delay. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly options: LineKeeperOptions,
    private readonly hooks: LineKeeperHooks,
  ) {}

  /** Opened and answering the last check, and not lost since. */
  get up(): boolean {
    return this.isUp;
  }

  get started(): boolean {
    return this.abort !== null;
  }

  /** The signal aborted by stop(); for the driver's own calls that should end with it. */
  get signal(): AbortSignal | null {
    return this.abort?.signal ?? null;
  }

  /** Opens and checks the line once (awaited, so the caller sees a real status), then keeps it. */
  async start(): Promise<void> {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.unsubscribe = this.transport.onDisconnect((reason) => {
      if (!this.abort) return;
      this.isUp = false;
      this.hooks.lost(reason);
      this.wake?.();
    });
    await this.connect(abort.signal);
    this.loop = this.run(abort.signal);
  }

  /** Stops reconnecting and polling, closes the line. The driver fails its own calls in flight first. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    this.abort = null;
    abort.abort();
    this.wake?.();
    await this.loop;
    this.loop = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.isUp = false;
    await this.transport.close().catch(() => undefined);
  }

  /** The driver decided the device no longer answers: reopen the line after the backoff. */
  markDown(): void {
    if (!this.isUp) return;
    this.isUp = false;
    this.wake?.();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoff = this.options.reconnectMs.initial;
    while (!signal.aborted) {
      if (!this.isUp) {
        await sleep(backoff, signal);
        if (signal.aborted) break;
        backoff = (await this.connect(signal))
          ? this.options.reconnectMs.initial
          : Math.min(backoff * 2, this.options.reconnectMs.max);
        continue;
      }
      if (this.hooks.poll) await this.hooks.poll(signal);
      await this.pause(this.hooks.poll ? this.options.pollIntervalMs : Number.POSITIVE_INFINITY, signal);
    }
  }

  /** Waits for the next poll, or until the line goes down or the keeper stops. */
  private pause(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.isUp || signal.aborted) return Promise.resolve();
    const wait = new AbortController();
    this.wake = () => wait.abort();
    const stop = () => wait.abort();
    signal.addEventListener('abort', stop, { once: true });
    // No poll hook: only a lost line or stop() ends the wait (a timer would only spin).
    const done = Number.isFinite(ms)
      ? sleep(ms, wait.signal)
      : new Promise<void>((resolve) =>
          wait.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
    return done.finally(() => {
      signal.removeEventListener('abort', stop);
      this.wake = null;
    });
  }

  /** (Re)opens the line and checks the device, in turn with the driver's calls; false when it would not open. */
  private connect(signal: AbortSignal): Promise<boolean> {
    const reopen = () => this.reopen(signal);
    return this.hooks.exclusive ? this.hooks.exclusive(reopen) : reopen();
  }

  private async reopen(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    await this.transport.close().catch(() => undefined);
    try {
      await this.transport.open();
    } catch (error) {
      this.hooks.openFailed(error);
      return false;
    }
    this.isUp = true;
    let answering = false;
    try {
      answering = await this.hooks.check(signal);
    } catch {
      answering = false;
    }
    // Lost during the check: the disconnect listener already said so.
    if (!answering || !this.transport.isOpen) this.isUp = false;
    return true;
  }
}
