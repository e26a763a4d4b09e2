import type { AgentConfig } from '@sik/config';
import { createIdCardDevice, type IdCardDevice } from './devices/index.ts';
import { createLogger } from './log.ts';
import { createServerClient, type ServerClient } from './server-client/client.ts';
import { loadOrCreateKioskKeys } from './server-client/keys.ts';
import { KioskSession } from './session/kiosk-session.ts';
import { SimulatorDock } from './simulator/dock.ts';
import { createCommandHandlers } from './socket/handlers.ts';
import { type SocketServer, startSocketServer } from './socket/socket-server.ts';

const log = createLogger('agent');

export interface Agent {
  config: AgentConfig;
  socket: SocketServer;
  session: KioskSession;
  server: ServerClient;
  idcard: IdCardDevice;
  stop(): Promise<void>;
}

/**
 * Wires one kiosk: the kiosk key and server client, the ID card reader (real or simulated, chosen by config),
 * the session state machine and the socket the UI talks to.
 */
export async function startAgent(config: AgentConfig, opts: { socketToken?: string } = {}): Promise<Agent> {
  const keys = await loadOrCreateKioskKeys(config.dataDir);
  const server = createServerClient({
    serverUrl: config.serverUrl,
    kioskId: config.kioskId,
    privateKey: keys.privateKey,
    timeoutMs: config.serverTimeoutMs,
  });
  if (config.provisioningToken) await provision(server, config.provisioningToken, keys.publicKeyPem);

  const idcard = await createIdCardDevice(config);
  const session = new KioskSession({
    kioskId: config.kioskId,
    services: config.services,
    timing: config.session,
    initialDevices: { idcard: idcard.reader.status },
    lookup: (identity) => server.identityLookup({ cardType: identity.cardType, idNumber: identity.idNumber }),
  });
  const dock =
    idcard.simulator && config.simulatorDock
      ? new SimulatorDock(idcard.simulator, () => session.setSimulatorView(dock?.view() ?? null))
      : null;

  const socket = await startSocketServer({
    host: config.listen.host,
    port: config.listen.port,
    uiDistDir: config.uiDistDir,
    handlers: createCommandHandlers(session, dock),
    currentState: () => session.state(),
    ...(opts.socketToken ? { token: opts.socketToken } : {}),
  });
  session.onState((state) => socket.publish(state));
  session.setSimulatorView(dock?.view() ?? null);
  const unsubscribe = idcard.reader.on((event) => session.handleReaderEvent(event));
  await idcard.reader.start();

  const whoami = await server.whoAmI();
  if (whoami.ok)
    log.info({ kioskId: whoami.data.kioskId, bank: whoami.data.bankName }, 'server knows this kiosk');
  else log.warn({ code: whoami.code }, `server check failed: ${whoami.message}`);

  return {
    config,
    socket,
    session,
    server,
    idcard,
    stop: async () => {
      unsubscribe();
      session.dispose();
      await socket.close();
      await idcard.stop();
    },
  };
}

async function provision(server: ServerClient, token: string, publicKeyPem: string): Promise<void> {
  const result = await server.provision(publicKeyPem, token);
  if (result.ok) log.info({ kioskId: result.data.kioskId }, 'kiosk key registered with the server');
  else log.error({ code: result.code }, `kiosk provisioning failed: ${result.message}`);
}
