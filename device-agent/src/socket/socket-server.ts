import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CameraFrame,
  type ClientToServerEvents,
  CommandNames,
  type KioskState,
  type ServerToClientEvents,
  SOCKET_AUTH_TOKEN_KEY,
  SocketEvents,
} from '@sik/contract';
import sirv from 'sirv';
import { Server } from 'socket.io';
import { createLogger } from '../log.ts';
import { type CommandHandlers, dispatchCommand } from './commands.ts';

const log = createLogger('socket');

export interface SocketServerOptions {
  host: string;
  port: number;
  /** Built kiosk-ui to serve on the same origin; null serves nothing. */
  uiDistDir: string | null;
  handlers: CommandHandlers;
  currentState(): KioskState;
  /** Fixed token for tests; a new random one per boot otherwise. */
  token?: string;
}

export interface SocketServer {
  url: string;
  /** The URL a kiosk browser opens: the per-boot token rides in the fragment, which never reaches a server log. */
  kioskUrl: string;
  token: string;
  publish(state: KioskState): void;
  /** A camera preview frame for the face capture screen (volatile: a slow screen skips frames). */
  publishFrame(frame: CameraFrame): void;
  close(): Promise<void>;
}

/** socket.io on localhost guarded by a per-boot token, plus the static kiosk UI on the same origin. */
export async function startSocketServer(options: SocketServerOptions): Promise<SocketServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const serveUi = options.uiDistDir ? sirv(options.uiDistDir, { single: true, dev: false }) : null;
  const http: HttpServer = createServer((req, res) => {
    if (serveUi) {
      serveUi(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      });
      return;
    }
    res.statusCode = 404;
    res.end('kiosk UI is not served by this agent');
  });

  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    serveClient: false,
    // Only pages from this machine may connect; the token is checked below as well.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(
        null,
        origin === undefined || /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin),
      );
    },
  });
  const expected = Buffer.from(token);
  io.use((socket, next) => {
    const offered = Buffer.from(String(socket.handshake.auth?.[SOCKET_AUTH_TOKEN_KEY] ?? ''));
    if (offered.length === expected.length && timingSafeEqual(offered, expected)) return next();
    log.warn({ address: socket.handshake.address }, 'socket refused: bad token');
    next(new Error('UNAUTHORIZED'));
  });
  io.on('connection', (socket) => {
    log.info({ id: socket.id }, 'ui connected');
    socket.emit(SocketEvents.state, options.currentState());
    for (const name of CommandNames) {
      // Each command is its own event; the ack carries the Result.
      socket.on(name, (envelope: unknown, ack: unknown) => {
        void dispatchCommand(name, envelope, options.handlers).then((result) => {
          if (typeof ack === 'function') ack(result);
        });
      });
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${options.host}:${port}`;
  return {
    url,
    kioskUrl: `${url}/#token=${token}`,
    token,
    publish: (state) => {
      io.emit(SocketEvents.state, state);
    },
    publishFrame: (frame) => {
      io.volatile.emit(SocketEvents.cameraFrame, frame);
    },
    close: async () => {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
