import type {
  CameraFrame,
  CommandName,
  CommandRequest,
  CommandResponse,
  KioskState,
  Result,
} from '@sik/contract';

/**
 * connecting: no live socket (yet, or again); noToken: the page was opened without a token;
 * refused: the agent rejected the token; connected: live, state arrives on every change.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'refused' | 'noToken';

export interface AgentSnapshot {
  status: ConnectionStatus;
  /** The last state the agent published on the live connection; null whenever there is none. */
  state: KioskState | null;
}

export type SendCommand = <C extends CommandName>(
  name: C,
  payload: CommandRequest<C>,
) => Promise<Result<CommandResponse<C>>>;

/** What the React tree needs from a connection: a store to subscribe to and a way to send commands. */
export interface AgentClient {
  getSnapshot(): AgentSnapshot;
  subscribe(listener: () => void): () => void;
  send: SendCommand;
  /**
   * Camera preview frames while a face check runs (`camera.frame`); returns unsubscribe. Frames are not part of
   * the state: they are shown and dropped, never stored.
   */
  onCameraFrame(listener: (frame: CameraPreviewFrame) => void): () => void;
  close(): void;
}

/** A preview frame as the UI gets it: the JPEG bytes as a view, whatever the transport delivered. */
export interface CameraPreviewFrame {
  flowId: string;
  jpeg: Uint8Array;
}

/** socket.io delivers binary as an ArrayBuffer in the browser and a Buffer (a Uint8Array) in Node. */
export function toPreviewFrame(raw: unknown): CameraPreviewFrame | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { flowId, jpeg } = raw as Partial<CameraFrame>;
  if (typeof flowId !== 'string') return null;
  if (jpeg instanceof Uint8Array) return { flowId, jpeg };
  if (jpeg instanceof ArrayBuffer) return { flowId, jpeg: new Uint8Array(jpeg) };
  if (ArrayBuffer.isView(jpeg)) {
    const view = jpeg as ArrayBufferView;
    return { flowId, jpeg: new Uint8Array(view.buffer, view.byteOffset, view.byteLength) };
  }
  return null;
}
