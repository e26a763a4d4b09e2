import { z } from 'zod';
import { CardPrinterFault, ChipEncoderFault, DevicesStatus, IdCardFault } from './devices.ts';
import { BundleTile, FlowView, RecordsView } from './flows.ts';
import { IdCardType } from './identity.ts';
import type { Result } from './result.ts';
import { ServiceId, ServiceTile } from './services.ts';

/**
 * The socket.io contract between kiosk-ui and device-agent. The agent owns the session; the UI renders the
 * state it publishes and sends the citizen's choices back as commands with an acknowledgement.
 * The UI never receives a full ID number, a photo or any secret.
 */

export const DisplayMode = z.enum(['normal', 'elder']);
export type DisplayMode = z.infer<typeof DisplayMode>;

/** Where the kiosk is in a visit. */
/** 'service': a flow runs (see `flow`). */
export const KioskPhase = z.enum(['attract', 'awaitCard', 'reading', 'greeting', 'home', 'service']);
export type KioskPhase = z.infer<typeof KioskPhase>;

export const SessionView = z.object({
  sessionId: z.string(),
  cardType: IdCardType,
  maskedName: z.string(),
  maskedIdNumber: z.string(),
  /** Whether the server found this person's records (false when unknown or the server is unreachable). */
  recordsFound: z.boolean(),
  pensioner: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;

export const IdleView = z.object({
  /** Epoch ms when the session ends unless extended. */
  deadline: z.number(),
  /** Epoch ms when the warning shows (at least 20 s before the deadline). */
  warnAt: z.number(),
  warning: z.boolean(),
});
export type IdleView = z.infer<typeof IdleView>;

export const NoticeCode = z.enum([
  'cardReadFailed',
  'readerUnavailable',
  'serverUnreachable',
  'personNotFound',
  'sessionEnded',
  'sessionTimedOut',
  'staffCalled',
]);
export type NoticeCode = z.infer<typeof NoticeCode>;

export const Notice = z.object({ code: NoticeCode, at: z.number() });
export type Notice = z.infer<typeof Notice>;

export const SimulatorCitizen = z.object({
  key: z.string(),
  cardType: IdCardType,
  label: z.string(),
  maskedIdNumber: z.string(),
});
export type SimulatorCitizen = z.infer<typeof SimulatorCitizen>;

/**
 * Scenes of the simulated camera: the card holder (turns the head when asked), another person, a printed photo
 * of the card holder held up, nobody, two people, a dark lobby, the camera unplugged.
 */
export const CameraScene = z.enum([
  'cardHolder',
  'otherPerson',
  'stillPhoto',
  'noFace',
  'twoFaces',
  'dark',
  'unplugged',
]);
export type CameraScene = z.infer<typeof CameraScene>;

export const SimulatorView = z.object({
  cardOnReader: z.string().nullable(),
  fault: IdCardFault,
  citizens: z.array(SimulatorCitizen),
  /** Null when the camera is not simulated. */
  cameraScene: CameraScene.nullable(),
  /** Null when the card printer is not simulated. */
  cardPrinter: z
    .object({
      fault: CardPrinterFault,
      chipFault: ChipEncoderFault,
      feeder: z.number().int(),
      rejectBox: z.number().int(),
      /** A card waits in the output slot. */
      cardInSlot: z.boolean(),
    })
    .nullable(),
});
export type SimulatorView = z.infer<typeof SimulatorView>;

export const KioskState = z.object({
  kioskId: z.string(),
  phase: KioskPhase,
  displayMode: DisplayMode,
  session: SessionView.nullable(),
  idle: IdleView.nullable(),
  services: z.array(ServiceTile),
  bundles: z.array(BundleTile),
  /** The running service flow (phase 'service'), null otherwise. */
  flow: FlowView.nullable(),
  devices: DevicesStatus,
  notice: Notice.nullable(),
  /** Present only when the agent runs simulated devices. */
  simulator: SimulatorView.nullable(),
  /** Increases on every publish so a client can drop stale states. */
  revision: z.number(),
});
export type KioskState = z.infer<typeof KioskState>;

/** Commands: name -> request payload schema and response data schema. */
export const Commands = {
  'session.begin': { request: z.object({}), response: z.object({}) },
  'session.cancel': { request: z.object({}), response: z.object({}) },
  'session.extend': { request: z.object({}), response: z.object({ deadline: z.number() }) },
  'session.end': { request: z.object({}), response: z.object({}) },
  'session.continue': { request: z.object({}), response: z.object({}) },
  'service.open': { request: z.object({ serviceId: ServiceId }), response: z.object({}) },
  'bundle.open': { request: z.object({ bundleId: z.string().min(1) }), response: z.object({}) },
  /** The citizen's answer to the current step (a choice's value, the typed digits, 'agree', 'confirm'). */
  'flow.answer': { request: z.object({ value: z.string().max(64) }), response: z.object({}) },
  'flow.back': { request: z.object({}), response: z.object({}) },
  /** Leave the flow for the home screen (nothing is submitted that was not confirmed). */
  'flow.exit': { request: z.object({}), response: z.object({}) },
  'flow.view': { request: z.object({ view: RecordsView }), response: z.object({}) },
  /** Print what the current step offers (the previewed document, or the receipt again). */
  'flow.print': { request: z.object({}), response: z.object({}) },
  'flow.retry': { request: z.object({}), response: z.object({}) },
  'display.setMode': { request: z.object({ mode: DisplayMode }), response: z.object({}) },
  'staff.call': { request: z.object({}), response: z.object({}) },
  'sim.placeCard': { request: z.object({ citizenKey: z.string().min(1) }), response: z.object({}) },
  'sim.liftCard': { request: z.object({}), response: z.object({}) },
  'sim.injectFault': { request: z.object({ fault: IdCardFault }), response: z.object({}) },
  /** Keys on the simulated PIN pad: digits, 'C' cancel, 'B' backspace, 'E' enter. */
  'sim.pinpadKeys': {
    request: z.object({ keys: z.string().regex(/^[0-9CBE]{1,32}$/) }),
    response: z.object({}),
  },
  /** The citizen's phone scans and pays the QR on screen (the payment gateway simulator). */
  'sim.payQr': { request: z.object({}), response: z.object({}) },
  /** Staff credentials typed at the kiosk for the assisted path (never logged, never kept by the agent). */
  'flow.staffSignIn': {
    request: z.object({
      staffNumber: z.string().max(16),
      password: z.string().max(128),
      otp: z.string().max(8),
    }),
    response: z.object({}),
  },
  /** What stands in front of the simulated camera. */
  'sim.cameraScene': { request: z.object({ scene: CameraScene }), response: z.object({}) },
  /** A fault on the simulated card printer ('none' clears it). */
  'sim.cardPrinterFault': { request: z.object({ fault: CardPrinterFault }), response: z.object({}) },
  /** A fault on the simulated chip encoder ('none' clears it). */
  'sim.chipFault': { request: z.object({ fault: ChipEncoderFault }), response: z.object({}) },
  /** The citizen takes the card presented in the simulated printer's slot. */
  'sim.takeCard': { request: z.object({}), response: z.object({ taken: z.boolean() }) },
  /** The demo staff member's current one-time code (simulated authenticator). */
  'sim.staffOtp': {
    request: z.object({}),
    response: z.object({ staffNumber: z.string(), password: z.string(), otp: z.string() }),
  },
} as const;
export type CommandName = keyof typeof Commands;
export type CommandRequest<C extends CommandName> = z.infer<(typeof Commands)[C]['request']>;
export type CommandResponse<C extends CommandName> = z.infer<(typeof Commands)[C]['response']>;
export const CommandNames = Object.keys(Commands) as CommandName[];

/** Every command carries an id so logs on both sides can be matched. */
export type CommandEnvelope<C extends CommandName> = { requestId: string; payload: CommandRequest<C> };

export const SocketEvents = { state: 'kiosk.state', cameraFrame: 'camera.frame' } as const;

/** A preview frame for the face check screen (JPEG, small), sent at a steady rate while the camera is on. */
export type CameraFrame = { flowId: string; jpeg: Uint8Array | ArrayBuffer };

export type ServerToClientEvents = {
  [SocketEvents.state]: (state: KioskState) => void;
  [SocketEvents.cameraFrame]: (frame: CameraFrame) => void;
};

export type ClientToServerEvents = {
  [C in CommandName]: (
    envelope: CommandEnvelope<C>,
    ack: (result: Result<CommandResponse<C>>) => void,
  ) => void;
};

/** The per-boot token travels in the socket.io handshake under this key. */
export const SOCKET_AUTH_TOKEN_KEY = 'token';
