import { SOCKET_AUTH_TOKEN_KEY, SocketEvents } from '@sik/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kioskExamples } from '../kiosk/examples.ts';
import { type AgentClientOptions, createAgentClient, type KioskSocket } from './client.ts';

type Handler = (...args: unknown[]) => void;

/** Just enough of a socket.io client socket to drive the client from the outside. */
class FakeSocket {
  connected = false;
  active = true;
  handlers = new Map<string, Handler[]>();
  emitted: {
    name: string;
    envelope: { requestId: string; payload: unknown };
    ack: Handler;
    timeout?: number;
  }[] = [];
  connectCalls = 0;
  private pendingTimeout: number | undefined;

  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  timeout(ms: number) {
    this.pendingTimeout = ms;
    return this;
  }
  emit(name: string, envelope: { requestId: string; payload: unknown }, ack: Handler) {
    this.emitted.push({ name, envelope, ack, timeout: this.pendingTimeout });
    this.pendingTimeout = undefined;
    return this;
  }
  connect() {
    this.connectCalls++;
    return this;
  }
  disconnect() {
    this.connected = false;
    return this;
  }
  removeAllListeners() {
    this.handlers.clear();
    return this;
  }
}

function setup(options: Partial<AgentClientOptions> = {}) {
  const socket = new FakeSocket();
  let handshake: Record<string, unknown> | undefined;
  const client = createAgentClient({
    token: 'secret-token',
    connect: (_url, opts) => {
      handshake = opts.auth as Record<string, unknown>;
      return socket as unknown as KioskSocket;
    },
    ...options,
  });
  const goOnline = () => {
    socket.connected = true;
    socket.fire('connect');
  };
  return { socket, client, handshake: () => handshake, goOnline };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('agent client', () => {
  it('passes the token in the handshake auth under the contract key', () => {
    const { handshake } = setup();
    expect(handshake()).toEqual({ [SOCKET_AUTH_TOKEN_KEY]: 'secret-token' });
  });

  it('without a token never connects and says so', async () => {
    const connect = vi.fn();
    const client = createAgentClient({ token: null, connect });
    expect(connect).not.toHaveBeenCalled();
    expect(client.getSnapshot()).toEqual({ status: 'noToken', state: null });
    const result = await client.send('session.begin', {});
    expect(result.ok).toBe(false);
  });

  it('publishes connecting, then connected with each state the agent sends', () => {
    const { client, socket, goOnline } = setup();
    const seen: string[] = [];
    client.subscribe(() => seen.push(client.getSnapshot().status));
    expect(client.getSnapshot().status).toBe('connecting');
    goOnline();
    const state = kioskExamples.home(Date.now());
    socket.fire(SocketEvents.state, state);
    expect(client.getSnapshot()).toEqual({ status: 'connected', state });
    expect(seen).toEqual(['connected', 'connected']);
  });

  it('ignores a state that does not match the contract and one older than the last', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client, socket, goOnline } = setup();
    goOnline();
    const newer = { ...kioskExamples.home(Date.now()), revision: 10 };
    socket.fire(SocketEvents.state, newer);
    socket.fire(SocketEvents.state, { ...newer, phase: 'nonsense' });
    socket.fire(SocketEvents.state, { ...newer, revision: 9, phase: 'attract' });
    expect(client.getSnapshot().state).toEqual(newer);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('accepts revision 0 again after a reconnect (a restarted agent counts from zero)', () => {
    const { client, socket, goOnline } = setup();
    goOnline();
    socket.fire(SocketEvents.state, { ...kioskExamples.home(Date.now()), revision: 50 });
    socket.fire('disconnect');
    goOnline();
    const fresh = { ...kioskExamples.attract(Date.now()), revision: 0 };
    socket.fire(SocketEvents.state, fresh);
    expect(client.getSnapshot().state).toEqual(fresh);
  });

  it('forgets the state (and so any masked name) as soon as the connection drops', () => {
    const { client, socket, goOnline } = setup();
    goOnline();
    socket.fire(SocketEvents.state, kioskExamples.greeting(Date.now()));
    socket.fire('disconnect');
    expect(client.getSnapshot()).toEqual({ status: 'connecting', state: null });
  });

  it('reports a refused token and tries again later', () => {
    vi.useFakeTimers();
    const { client, socket } = setup({ retryRefusedMs: 5_000 });
    socket.active = false;
    socket.fire('connect_error', new Error('UNAUTHORIZED'));
    expect(client.getSnapshot().status).toBe('refused');
    vi.advanceTimersByTime(5_000);
    expect(socket.connectCalls).toBe(1);
  });

  it('a connect error while socket.io keeps retrying is just "connecting"', () => {
    const { client, socket } = setup();
    socket.fire('connect_error', new Error('xhr poll error'));
    expect(client.getSnapshot().status).toBe('connecting');
  });

  it('sends { requestId, payload } with a timeout and resolves with the ack Result', async () => {
    const { client, socket, goOnline } = setup({ commandTimeoutMs: 1234 });
    goOnline();
    const pending = client.send('service.open', { serviceId: 'recordsQuery' });
    const sent = socket.emitted[0];
    expect(sent?.name).toBe('service.open');
    expect(sent?.timeout).toBe(1234);
    expect(sent?.envelope.payload).toEqual({ serviceId: 'recordsQuery' });
    expect(sent?.envelope.requestId).toMatch(/^[0-9a-f-]{36}$/);
    sent?.ack(null, { ok: true, data: {} });
    await expect(pending).resolves.toEqual({ ok: true, data: {} });
  });

  it('gives every command its own request id', () => {
    const { client, socket, goOnline } = setup();
    goOnline();
    void client.send('staff.call', {});
    void client.send('staff.call', {});
    const [a, b] = socket.emitted;
    expect(a?.envelope.requestId).not.toBe(b?.envelope.requestId);
  });

  it('resolves with an error Result when the agent does not answer in time', async () => {
    const { client, socket, goOnline } = setup();
    goOnline();
    const pending = client.send('session.extend', {});
    socket.emitted[0]?.ack(new Error('operation has timed out'));
    const result = await pending;
    expect(result.ok).toBe(false);
  });

  it('does not queue commands while disconnected (a stale tap must not fire later)', async () => {
    const { client, socket } = setup();
    const result = await client.send('session.begin', {});
    expect(result.ok).toBe(false);
    expect(socket.emitted).toHaveLength(0);
  });
});
