// @vitest-environment node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerToClientEvents, SOCKET_AUTH_TOKEN_KEY, SocketEvents } from '@sik/contract';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentClient } from './client.ts';
import type { AgentClient, CameraPreviewFrame } from './types.ts';

/**
 * The `camera.frame` event over a real socket.io connection: the agent emits a Buffer, the UI must get the same
 * bytes (socket.io carries them as a binary attachment, not as JSON).
 */
describe('camera frames over socket.io', () => {
  let io: Server<Record<string, never>, ServerToClientEvents> | null = null;
  let client: AgentClient | null = null;
  afterEach(async () => {
    client?.close();
    await new Promise<void>((done) => (io ? io.close(() => done()) : done()));
  });

  it('delivers the JPEG bytes of each frame to the listeners, and drops malformed ones', async () => {
    const http = createServer();
    io = new Server(http);
    io.use((socket, next) => {
      next(socket.handshake.auth[SOCKET_AUTH_TOKEN_KEY] === 't0k3n' ? undefined : new Error('UNAUTHORIZED'));
    });
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const { port } = http.address() as AddressInfo;
    const connected = new Promise<void>((done) => io?.on('connection', () => done()));
    client = createAgentClient({ token: 't0k3n', url: `http://127.0.0.1:${port}` });
    const received: CameraPreviewFrame[] = [];
    const gotTwo = new Promise<void>((done) => {
      client?.onCameraFrame((frame) => {
        received.push(frame);
        if (received.length === 2) done();
      });
    });
    await connected;
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3, 0xff, 0xd9]);
    io.emit(SocketEvents.cameraFrame, { flowId: 'flow-1', jpeg });
    // Not a frame: must not reach the listeners (nor break the next one).
    io.emit(SocketEvents.cameraFrame, { flowId: 'flow-1', jpeg: 'not bytes' } as never);
    io.emit(SocketEvents.cameraFrame, { flowId: 'flow-2', jpeg: new Uint8Array([1, 2, 3]) });
    await gotTwo;
    expect(received.map((f) => f.flowId)).toEqual(['flow-1', 'flow-2']);
    expect(received[0]?.jpeg).toBeInstanceOf(Uint8Array);
    expect([...(received[0]?.jpeg ?? [])]).toEqual([...jpeg]);
    expect([...(received[1]?.jpeg ?? [])]).toEqual([1, 2, 3]);
  });
});
