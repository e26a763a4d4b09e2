import type { SerialPort } from 'serialport';
import { type Transport, TransportError } from './transport.ts';

export interface SerialTransportOptions {
  /** e.g. /dev/ttyUSB0, or a pseudo-terminal made by socat. */
  path: string;
  baudRate: number;
}

/**
 * A serial line through `serialport`. The package is imported inside open() so that nothing native loads
 * unless a real line is configured; the port list is never enumerated.
 */
export class SerialTransport implements Transport {
  readonly description: string;
  private port: SerialPort | null = null;
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly disconnectListeners = new Set<(reason: string) => void>();

  constructor(private readonly options: SerialTransportOptions) {
    this.description = `serial:${options.path}@${options.baudRate}`;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  async open(): Promise<void> {
    if (this.port?.isOpen) return;
    let SerialPortClass: typeof SerialPort;
    try {
      ({ SerialPort: SerialPortClass } = await import('serialport'));
    } catch (error) {
      throw new TransportError(
        'openFailed',
        `${this.description}: cannot load serialport: ${message(error)}`,
      );
    }
    const port = new SerialPortClass({
      path: this.options.path,
      baudRate: this.options.baudRate,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error ? reject(new TransportError('openFailed', `${this.description}: ${error.message}`)) : resolve(),
      ),
    );
    port.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const listener of this.dataListeners) listener(bytes);
    });
    // After open, errors surface as 'close' (with disconnected set) or as failed writes; a listener keeps an
    // 'error' event from crashing the process.
    port.on('error', () => {});
    port.on('close', (error: (Error & { disconnected?: boolean }) | null) => {
      if (this.port !== port) return;
      this.port = null;
      const reason = error?.disconnected
        ? `${this.description}: disconnected`
        : `${this.description}: closed`;
      for (const listener of this.disconnectListeners) listener(reason);
    });
    this.port = port;
  }

  async close(): Promise<void> {
    const port = this.port;
    // Cleared first, so the close event is not reported as a disconnect.
    this.port = null;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.reject(new TransportError('notOpen', `${this.description}: not open`));
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(bytes), (error) =>
        error
          ? reject(new TransportError('writeFailed', `${this.description}: ${error.message}`))
          : resolve(),
      );
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
