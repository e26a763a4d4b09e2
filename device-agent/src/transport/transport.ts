/**
 * A byte pipe to a device. Drivers are given one and never import serialport or node-hid (STYLE.md rule 2):
 * serial, HID, TCP and in-memory transports all implement this.
 */
export interface Transport {
  readonly description: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the bytes are handed to the line; rejects with TransportError when the line is gone. */
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribe to received bytes, in whatever chunks the line delivers them. Returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Called when the line goes away without close() (device unplugged, peer closed). */
  onDisconnect(listener: (reason: string) => void): () => void;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: 'notOpen' | 'openFailed' | 'writeFailed' | 'disconnected',
    message: string,
  ) {
    super(message);
  }
}
