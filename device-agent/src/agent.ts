import { join } from 'node:path';
import type { AgentConfig } from '@sik/config';
import type { DevicesStatus, PeripheralStatus } from '@sik/contract';
import { renderCardFace } from './cards/card-face.ts';
import { type CameraDevice, createCameraDevice } from './devices/camera/factory.ts';
import type { CardPrinterStatus } from './devices/card-printer/card-printer.ts';
import { type CardUnitDevices, createCardUnitDevices } from './devices/card-unit/card-unit.ts';
import {
  type A4PrinterDevice,
  createA4PrinterDevice,
  createIdCardDevice,
  createPinPadDevice,
  createReceiptPrinterDevice,
  type IdCardDevice,
  type PinPadDevice,
  type ReceiptPrinterDevice,
} from './devices/index.ts';
import { createFaceEngine, runFaceCheck } from './face/face-check.ts';
import type { CardIssuing } from './flows/card-issuance.ts';
import { createFlowFactory } from './flows/factory.ts';
import { peripheralsFromDevices } from './flows/peripherals-from-devices.ts';
import type { FaceCheckDeps } from './flows/qualification-auth.ts';
import { startPaymentRecovery } from './flows/recovery.ts';
import { createFlowServices } from './flows/server-services.ts';
import { createCardServer } from './issuance/card-server.ts';
import { startIssuanceRecovery } from './issuance/recovery.ts';
import { DEFAULT_ISSUANCE_CONFIG, type IssuanceConfig } from './issuance/types.ts';
import { Journal } from './journal/journal.ts';
import { createLogger } from './log.ts';
import { createServerClient, type ServerClient } from './server-client/client.ts';
import { loadOrCreateKioskKeys } from './server-client/keys.ts';
import { KioskSession } from './session/kiosk-session.ts';
import { type DockPeripherals, SimulatorDock } from './simulator/dock.ts';
import { createCommandHandlers } from './socket/handlers.ts';
import { type SocketServer, startSocketServer } from './socket/socket-server.ts';

const log = createLogger('agent');

export interface Agent {
  config: AgentConfig;
  socket: SocketServer;
  session: KioskSession;
  server: ServerClient;
  idcard: IdCardDevice;
  pinpad: PinPadDevice;
  receiptPrinter: ReceiptPrinterDevice;
  a4Printer: A4PrinterDevice;
  /** The face check camera (status noDevice when devices.camera.driver is 'none'). */
  camera: CameraDevice;
  /** The card printer with the chip encoder at its contact station (a linked simulator in the demo). */
  cardUnit: CardUnitDevices;
  journal: Journal;
  stop(): Promise<void>;
}

/** A peripheral's status as the kiosk publishes it (device state, paper, a detail for engineers). */
const peripheral = (status: { device: PeripheralStatus['device']; media: string; detail: string | null }) =>
  ({
    device: status.device,
    media:
      status.media === 'ok' || status.media === 'low' || status.media === 'out' ? status.media : 'unknown',
    detail: status.detail,
  }) satisfies PeripheralStatus;

/** The card printer as the kiosk publishes it: its media is the blank-card feeder. */
const cardPrinterPeripheral = (status: CardPrinterStatus): PeripheralStatus => ({
  device: status.device,
  media:
    status.feeder === 'ok' || status.feeder === 'low'
      ? status.feeder
      : status.feeder === 'empty'
        ? 'out'
        : 'unknown',
  detail: status.detail,
});

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
  const pinpad = await createPinPadDevice(config.devices.pinpad);
  const receiptPrinter = await createReceiptPrinterDevice(config.devices.receiptPrinter);
  const a4Printer = await createA4PrinterDevice(config.devices.a4Printer);
  const camera = await createCameraDevice(config.devices.camera);
  const cardUnit = await createCardUnitDevices({
    cardPrinter: config.devices.cardPrinter,
    chipEncoder: config.devices.chipEncoder,
  });
  const printer = cardUnit.printer.printer;
  const encoder = cardUnit.encoder.encoder;
  // The engine's worker and models load on the first face check, not at boot: most visits never need them.
  const engine = config.devices.camera.driver === 'none' ? null : createFaceEngine();
  const faceCheck: FaceCheckDeps | null = engine
    ? { engine, camera: camera.camera, liveness: camera.liveness, config: config.face, run: runFaceCheck }
    : null;
  const journal = new Journal(join(config.dataDir, 'journal'));
  const services = createFlowServices(server);
  const devicesNow = (): DevicesStatus => ({
    idcard: idcard.reader.status,
    pinpad: peripheral(pinpad.pinpad.status),
    receiptPrinter: peripheral(receiptPrinter.printer.status),
    a4Printer: peripheral(a4Printer.printer.status),
    camera: { device: camera.camera.status.device, media: 'unknown', detail: camera.camera.status.detail },
    cardPrinter: cardPrinterPeripheral(printer.status),
    chipEncoder: { device: encoder.status.device, media: 'unknown', detail: encoder.status.detail },
  });
  // The bank name printed on card faces comes from the server's answer to whoAmI below.
  const issuanceConfig: IssuanceConfig = { ...DEFAULT_ISSUANCE_CONFIG };
  const cardIssuing: CardIssuing = {
    printer,
    encoder,
    server: createCardServer(server),
    renderFace: (data) => renderCardFace(data),
    config: issuanceConfig,
  };

  let session: KioskSession | null = null;
  const createFlow = createFlowFactory({
    services,
    peripherals: peripheralsFromDevices({
      pinpad: pinpad.pinpad,
      receiptPrinter: receiptPrinter.printer,
      a4Printer: a4Printer.printer,
    }),
    journal,
    activity: () => session?.activity(),
    faceCheck,
    cardIssuing,
  });
  session = new KioskSession({
    kioskId: config.kioskId,
    services: config.services,
    bundles: config.bundles,
    createFlow,
    timing: config.session,
    initialDevices: devicesNow(),
    lookup: (identity) => server.identityLookup({ cardType: identity.cardType, idNumber: identity.idNumber }),
  });
  const kiosk = session;
  const dockPeripherals: DockPeripherals = {
    ...(pinpad.simulator ? { pinpad: pinpad.simulator } : {}),
    ...(config.gatewaySimulatorUrl ? { gateway: gatewayPhone(config.gatewaySimulatorUrl) } : {}),
    ...(camera.simulator ? { camera: camera.simulator } : {}),
    ...(cardUnit.simulator ? { cardUnit: cardUnit.simulator } : {}),
  };
  const dock =
    idcard.simulator && config.simulatorDock
      ? new SimulatorDock(
          idcard.simulator,
          () => kiosk.setSimulatorView(dock?.view() ?? null),
          dockPeripherals,
        )
      : null;

  const socket = await startSocketServer({
    host: config.listen.host,
    port: config.listen.port,
    uiDistDir: config.uiDistDir,
    handlers: createCommandHandlers(kiosk, dock),
    currentState: () => kiosk.state(),
    ...(opts.socketToken ? { token: opts.socketToken } : {}),
  });
  kiosk.onState((state) => socket.publish(state));
  kiosk.onCameraFrame((frame) => socket.publishFrame(frame));
  kiosk.setSimulatorView(dock?.view() ?? null);
  const unsubscribe = [
    idcard.reader.on((event) => kiosk.handleReaderEvent(event)),
    pinpad.pinpad.on((event) => {
      if (event.type === 'status') kiosk.setDevices(devicesNow());
    }),
    receiptPrinter.printer.on(() => kiosk.setDevices(devicesNow())),
    a4Printer.printer.on((event) => {
      if (event.type === 'status') kiosk.setDevices(devicesNow());
    }),
    camera.camera.onStatus(() => kiosk.setDevices(devicesNow())),
    printer.on(() => {
      kiosk.setDevices(devicesNow());
      // The dock shows the feeder, the reject box and the slot: they change as the card moves.
      if (dock) void dock.refreshCardUnit().catch(() => undefined);
    }),
    encoder.on(() => kiosk.setDevices(devicesNow())),
  ];
  await Promise.all([
    idcard.reader.start(),
    pinpad.pinpad.start(),
    receiptPrinter.printer.start(),
    a4Printer.printer.start(),
    printer.start(),
    encoder.start(),
  ]);
  kiosk.setDevices(devicesNow());
  if (dock) await dock.refreshCardUnit().catch(() => undefined);
  // Payments a crash or a lost answer left open are settled by asking the server, never by paying again.
  const stopRecovery = startPaymentRecovery(journal, services);

  const whoami = await server.whoAmI();
  if (whoami.ok) {
    issuanceConfig.bankName = whoami.data.bankName;
    log.info({ kioskId: whoami.data.kioskId, bank: whoami.data.bankName }, 'server knows this kiosk');
  } else log.warn({ code: whoami.code }, `server check failed: ${whoami.message}`);
  // A card a crash left in the printer goes to the reject box; open applications are resumed or kept.
  const issuanceRecovery = startIssuanceRecovery({ ...cardIssuing, journal });

  return {
    config,
    socket,
    session: kiosk,
    server,
    idcard,
    pinpad,
    receiptPrinter,
    a4Printer,
    camera,
    cardUnit,
    journal,
    stop: async () => {
      stopRecovery();
      issuanceRecovery.stop();
      for (const off of unsubscribe) off();
      // Ending the session aborts a face check under way, which closes the camera stream.
      kiosk.dispose();
      await socket.close();
      await Promise.all([
        idcard.stop(),
        pinpad.stop(),
        receiptPrinter.stop(),
        a4Printer.stop(),
        camera.close(),
        engine?.close(),
        cardUnit.stop(),
      ]);
    },
  };
}

async function provision(server: ServerClient, token: string, publicKeyPem: string): Promise<void> {
  const result = await server.provision(publicKeyPem, token);
  if (result.ok) log.info({ kioskId: result.data.kioskId }, 'kiosk key registered with the server');
  else log.error({ code: result.code }, `kiosk provisioning failed: ${result.message}`);
}

/**
 * The citizen's phone in the demo: "scans" the QR on screen (finds the order the content names at the gateway
 * simulator) and confirms the payment there. Only configured with a simulated gateway.
 */
function gatewayPhone(gatewayUrl: string): NonNullable<DockPeripherals['gateway']> {
  return {
    async pay(qrContent) {
      const ledger = (await (await fetch(new URL('/control/ledger', gatewayUrl))).json()) as {
        orders?: { merchantOrderId: string; qrContent?: string }[];
      };
      const order = ledger.orders?.find((o) => o.qrContent === qrContent);
      if (!order) throw new Error('the gateway simulator knows no order for this QR code');
      const paid = await fetch(
        new URL(`/control/orders/${encodeURIComponent(order.merchantOrderId)}/pay`, gatewayUrl),
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      );
      if (!paid.ok) throw new Error(`the gateway simulator refused the payment (${paid.status})`);
    },
  };
}
