import { readFileSync } from 'node:fs';
import { ServiceId, ServiceTile } from '@sik/contract';
import { z } from 'zod';
import { AuthenticationConfig } from './authentication.ts';
import { BundlesConfig, defaultBundles } from './bundles.ts';
import { CameraDeviceConfig } from './camera.ts';
import { CardPrinterDeviceConfig } from './card-printer.ts';
import { CardsConfig } from './cards.ts';
import { ChipEncoderDeviceConfig } from './chip-encoder.ts';
import { FaceCheckConfig } from './face.ts';

export * from './authentication.ts';
export * from './bundles.ts';
export * from './camera.ts';
export * from './card-printer.ts';
export * from './cards.ts';
export * from './chip-encoder.ts';
export * from './face.ts';

/**
 * Configuration with its schema. Defaults are the embedded demo: PGlite in a local folder, simulated devices.
 * A JSON file (SIK_AGENT_CONFIG / SIK_SERVER_CONFIG, or inline JSON in SIK_AGENT_CONFIG_JSON / SIK_SERVER_CONFIG_JSON) overrides them;
 * a few environment variables override that (DATABASE_URL, PORT, SIK_SERVER_URL, SIK_PROVISIONING_TOKEN).
 */

const SerialPort = z.object({
  /** e.g. /dev/ttyUSB0, or a pseudo-terminal made by socat in tests */
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(115200),
});

export const IdCardDeviceConfig = z.discriminatedUnion('driver', [
  /** The simulator in-process over an in-memory transport: the demo and fast tests. */
  z.object({ driver: z.literal('simulator') }),
  /** A real reader, or a simulator process, on a serial line. */
  z.object({
    driver: z.literal('serial'),
    ...SerialPort.shape,
    /** Set when the serial peer is our simulator process: the simulator dock drives it through this URL. */
    simulatorControlUrl: z.string().url().optional(),
  }),
]);
export type IdCardDeviceConfig = z.infer<typeof IdCardDeviceConfig>;

/** A device on a serial line whose far end may be our simulator process (then the dock drives it by HTTP). */
const SerialDevice = (defaultBaud: number) =>
  z.object({
    driver: z.literal('serial'),
    path: z.string().min(1),
    baudRate: z.number().int().positive().default(defaultBaud),
    simulatorControlUrl: z.string().url().optional(),
  });

export const PinPadDeviceConfig = z.discriminatedUnion('driver', [
  /** In-process simulator; it holds the shared PIN encryption key the bank host decrypts with. */
  z.object({
    driver: z.literal('simulator'),
    pinKeyHex: z
      .string()
      .regex(/^[0-9a-fA-F]{32}$/)
      .optional(),
  }),
  SerialDevice(9600),
]);
export type PinPadDeviceConfig = z.infer<typeof PinPadDeviceConfig>;

export const ReceiptPrinterDeviceConfig = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('simulator') }),
  SerialDevice(115200),
]);
export type ReceiptPrinterDeviceConfig = z.infer<typeof ReceiptPrinterDeviceConfig>;

export const A4PrinterDeviceConfig = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('simulator') }),
  /** Any IPP printer (RFC 8011), e.g. ipp://192.168.1.20/ipp/print, or ippeveprinter in tests. */
  z.object({
    driver: z.literal('ipp'),
    uri: z.string().min(1),
    requestTimeoutMs: z.number().int().min(100).optional(),
    simulatorControlUrl: z.string().url().optional(),
  }),
]);
export type A4PrinterDeviceConfig = z.infer<typeof A4PrinterDeviceConfig>;

/** Bundled matters offered on the home screen (their items and fields are defined on the server). */
const DEFAULT_BUNDLES = [
  {
    bundleId: 'newResident',
    services: ['enrollment', 'contributionPayment', 'socialSecurityCard'],
    available: true,
  },
] as const;

export const AgentConfig = z.object({
  kioskId: z.string().min(1).default('KIOSK-0001'),
  serverUrl: z.string().url().default('http://127.0.0.1:7400'),
  /** Holds the kiosk's private key and the journal. */
  dataDir: z.string().default('.data/agent'),
  listen: z
    .object({
      host: z.literal('127.0.0.1').default('127.0.0.1'),
      port: z.number().int().min(0).default(7300),
    })
    .default({ host: '127.0.0.1', port: 7300 }),
  /** Built kiosk-ui to serve on the agent's port; null serves nothing (Vite dev server instead). */
  uiDistDir: z.string().nullable().default('kiosk-ui/dist'),
  /** Simulator dock commands are honoured only when true and the devices are simulated. */
  simulatorDock: z.boolean().default(true),
  /** Registers the kiosk's public key on first boot (installer or demo); null when already provisioned. */
  provisioningToken: z.string().nullable().default(null),
  /** How long the agent waits for the server before telling the citizen it is unreachable. */
  serverTimeoutMs: z.number().int().min(100).default(5000),
  devices: z
    .object({
      idcard: IdCardDeviceConfig.default({ driver: 'simulator' }),
      pinpad: PinPadDeviceConfig.default({ driver: 'simulator' }),
      receiptPrinter: ReceiptPrinterDeviceConfig.default({ driver: 'simulator' }),
      a4Printer: A4PrinterDeviceConfig.default({ driver: 'simulator' }),
      camera: CameraDeviceConfig.default({ driver: 'simulator' }),
      /** The demo: simulated with realistic timings, linked to the simulated chip encoder (one card unit). */
      cardPrinter: CardPrinterDeviceConfig.default({ driver: 'simulator', timing: 'realistic' }),
      chipEncoder: ChipEncoderDeviceConfig.default(ChipEncoderDeviceConfig.parse({ driver: 'simulator' })),
    })
    .default({
      idcard: { driver: 'simulator' },
      pinpad: { driver: 'simulator' },
      receiptPrinter: { driver: 'simulator' },
      a4Printer: { driver: 'simulator' },
      camera: { driver: 'simulator' },
      cardPrinter: { driver: 'simulator', timing: 'realistic' },
      chipEncoder: ChipEncoderDeviceConfig.parse({ driver: 'simulator' }),
    }),
  /** The on-device face check for qualification authentication. */
  face: FaceCheckConfig.default(FaceCheckConfig.parse({})),
  /**
   * The payment gateway simulator's URL when QR payments are simulated: the dock's "phone scans and pays"
   * button pays there. null in production.
   */
  gatewaySimulatorUrl: z.string().url().nullable().default(null),
  session: z
    .object({
      /** Seconds without a touch before the session ends. */
      idleTimeoutSec: z.number().int().min(30).default(120),
      /** Warning shown this many seconds before the end; DOMAIN.md asks for at least 20. */
      warningSec: z.number().int().min(20).default(30),
      /** How long the greeting stays before the services show. */
      greetingSec: z.number().min(0).default(3),
    })
    .refine((s) => s.warningSec < s.idleTimeoutSec, 'session.warningSec must be shorter than idleTimeoutSec')
    .default({ idleTimeoutSec: 120, warningSec: 30, greetingSec: 3 }),
  idcard: z
    .object({
      pollIntervalMs: z.number().int().min(50).default(300),
      commandTimeoutMs: z.number().int().min(100).default(2000),
    })
    .default({ pollIntervalMs: 300, commandTimeoutMs: 2000 }),
  services: z.array(ServiceTile).default(defaultServices()),
  bundles: z
    .array(z.object({ bundleId: z.string(), services: z.array(ServiceId), available: z.boolean() }))
    .default(DEFAULT_BUNDLES.map((b) => ({ ...b, services: [...b.services] }))),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export const ServerConfig = z.object({
  port: z.number().int().min(0).default(7400),
  host: z.string().default('127.0.0.1'),
  /** postgres://… for a real PostgreSQL server; null runs PGlite in dataDir. */
  databaseUrl: z.string().nullable().default(null),
  dataDir: z.string().default('.data/server'),
  /** Bearer token that lets an installer register a kiosk's public key. */
  provisioningToken: z.string().min(16).default('demo-provisioning-token-change-me'),
  signature: z
    .object({
      /** A signed request older or newer than this is refused. */
      maxSkewSec: z.number().int().min(1).default(300),
    })
    .default({ maxSkewSec: 300 }),
  /** Base of the links printed on documents (the public verification page), as citizens' phones reach it. */
  publicBaseUrl: z.string().url().default('http://127.0.0.1:7400'),
  documents: z
    .object({
      /** Ed25519 PKCS#8 PEM that signs document QR codes; null: generated once and kept in the database. */
      signingKeyPem: z.string().nullable().default(null),
    })
    .default({ signingKeyPem: null }),
  payments: z
    .object({
      /** The bank host that debits linked accounts (its simulator in the demo and tests). */
      bankHostUrl: z.string().url().default('http://127.0.0.1:7410'),
      /** The QR payment gateway (its simulator in the demo and tests). */
      gatewayUrl: z.string().url().default('http://127.0.0.1:7420'),
      /** How long the server waits for the bank or gateway before it must find out by querying. */
      timeoutMs: z.number().int().min(100).default(5000),
      /** Shared with the gateway: HMAC-SHA256 key of its payment notifications. */
      gatewaySecret: z.string().min(16).default('demo-gateway-secret-change-me'),
      /** A pending payment (or an open QR) untouched for this long is checked with the bank or gateway again. */
      recheckAfterMs: z.number().int().min(100).default(5000),
      /** How often the background resolver looks for such payments. */
      resolverEveryMs: z.number().int().min(100).default(15000),
      /** After a debit with an unknown outcome: waits before each query, before answering 'pending'. */
      queryBackoffMs: z.array(z.number().int().min(0).max(60_000)).max(10).default([100, 400, 1200]),
    })
    .default({
      bankHostUrl: 'http://127.0.0.1:7410',
      gatewayUrl: 'http://127.0.0.1:7420',
      timeoutMs: 5000,
      gatewaySecret: 'demo-gateway-secret-change-me',
      recheckAfterMs: 5000,
      resolverEveryMs: 15000,
      queryBackoffMs: [100, 400, 1200],
    }),
  /** Benefit qualification authentication (待遇领取资格认证). */
  authentication: AuthenticationConfig.default(AuthenticationConfig.parse({})),
  /** Social security cards: numbering, validity, the card-management service (simulated by default). */
  cards: CardsConfig.default(CardsConfig.parse({})),
  /** Urban-rural residents' basic pension (城乡居民基本养老保险), configurable by region. */
  residentPension: z
    .object({
      /** Yearly contribution grades in yuan the citizen chooses from. */
      gradesYuan: z
        .array(z.number().int().positive())
        .min(1)
        .default([200, 300, 500, 1000, 2000, 3000, 5000]),
      /** Youngest age at which a resident may enroll. */
      minAge: z.number().int().min(0).default(16),
    })
    .default({ gradesYuan: [200, 300, 500, 1000, 2000, 3000, 5000], minAge: 16 }),
  /** Bundled matters (一件事): items, their fields, the services they need (config/src/bundles.ts). */
  bundles: BundlesConfig.default(defaultBundles()),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ServerConfig = z.infer<typeof ServerConfig>;

function defaultServices(): ServiceTile[] {
  return [
    { id: 'qualificationAuth', available: true },
    { id: 'socialSecurityCard', available: true },
    { id: 'recordsQuery', available: true },
    { id: 'rightsRecordPrint', available: true },
    { id: 'contributionPayment', available: true },
    { id: 'enrollment', available: true },
  ];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'INVALID_CONFIG';
}

function readJson(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
}

function inlineJson(text: string | undefined, variable: string): Record<string, unknown> {
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${variable} is not JSON: ${(error as Error).message}`);
  }
}

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${what} config: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return result.data;
}

export function loadAgentConfig(
  overrides: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  const file = {
    ...readJson(env.SIK_AGENT_CONFIG),
    ...inlineJson(env.SIK_AGENT_CONFIG_JSON, 'SIK_AGENT_CONFIG_JSON'),
  };
  const fromEnv: Record<string, unknown> = {};
  if (env.SIK_SERVER_URL) fromEnv.serverUrl = env.SIK_SERVER_URL;
  if (env.SIK_PROVISIONING_TOKEN) fromEnv.provisioningToken = env.SIK_PROVISIONING_TOKEN;
  return parse(AgentConfig, { ...file, ...fromEnv, ...overrides }, 'agent');
}

export function loadServerConfig(
  overrides: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const file = {
    ...readJson(env.SIK_SERVER_CONFIG),
    ...inlineJson(env.SIK_SERVER_CONFIG_JSON, 'SIK_SERVER_CONFIG_JSON'),
  };
  const fromEnv: Record<string, unknown> = {};
  if (env.DATABASE_URL) fromEnv.databaseUrl = env.DATABASE_URL;
  if (env.PORT) fromEnv.port = Number(env.PORT);
  if (env.SIK_PROVISIONING_TOKEN) fromEnv.provisioningToken = env.SIK_PROVISIONING_TOKEN;
  return parse(ServerConfig, { ...file, ...fromEnv, ...overrides }, 'server');
}
