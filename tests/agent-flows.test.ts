/**
 * The agent's service flows against the real server, driven over the agent's socket as the UI drives them: the
 * server on PGlite, the bank host and QR gateway simulators on real ports, and the agent's devices simulated
 * in-process (PIN pad, receipt printer, A4 printer). Covers what the browser test does not: a QR payment paid
 * from the "phone", a wrong PIN inside a bundle (the enrollment stands, the payment fails, nothing is debited),
 * a printer out of paper with a retry, a refusal by the rules, and going back a step. Qualification authentication
 * runs the real face engine on the in-process camera simulator's scenes: the card holder's face is recorded on
 * the server, another person's is refused and counted, a declined consent is served by staff signing in with
 * password and TOTP, and an unplugged camera offers staff instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentConfig } from '@sik/config';
import {
  type CameraScene,
  type ClientToServerEvents,
  type CommandName,
  type CommandRequest,
  type FlowStep,
  type KioskState,
  type Result,
  type ServerToClientEvents,
  SocketEvents,
} from '@sik/contract';
import { DEMO_STAFF, defaultSeedData, demoCardHolders } from '@sik/seeds';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startAgent } from '../device-agent/src/agent.ts';
import { BankHostSimulator } from '../server/src/integrations/bank-host/simulator.ts';
import { PaymentGatewaySimulator } from '../server/src/integrations/payment-gateway/simulator.ts';
import { createRootLogger } from '../server/src/log.ts';
import { type RunningServer, startServer } from '../server/src/server.ts';
import { testConfig } from '../server/src/testing/harness.ts';

const TOKEN = 'flows-provisioning-token-0123456789';

describe('service flows in the agent against the real server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sik-flows-'));
  const bank = new BankHostSimulator({ accounts: defaultSeedData().bankAccounts });
  const gateway = new PaymentGatewaySimulator();
  let server: RunningServer;
  let agent: Agent;
  let client: Socket<ServerToClientEvents, ClientToServerEvents>;
  let state: KioskState | null = null;
  const frames: { flowId: string; bytes: number; step: string | undefined }[] = [];

  beforeAll(async () => {
    const [bankUrl, gatewayUrl] = await Promise.all([bank.start(0), gateway.start(0)]);
    server = await startServer(
      testConfig({
        dataDir: join(dir, 'server'),
        provisioningToken: TOKEN,
        payments: { bankHostUrl: bankUrl, gatewayUrl, timeoutMs: 3000 },
      }),
      { log: createRootLogger('silent') },
    );
    agent = await startAgent(
      AgentConfig.parse({
        serverUrl: server.url,
        dataDir: join(dir, 'agent'),
        provisioningToken: TOKEN,
        uiDistDir: null,
        listen: { host: '127.0.0.1', port: 0 },
        gatewaySimulatorUrl: gatewayUrl,
        session: { idleTimeoutSec: 120, warningSec: 20, greetingSec: 0 },
      }),
      { socketToken: 'flows-token' },
    );
    client = io(agent.socket.url, { auth: { token: 'flows-token' }, transports: ['websocket'] });
    client.on(SocketEvents.state, (s) => {
      state = s;
    });
    client.on(SocketEvents.cameraFrame, (frame) => {
      frames.push({ flowId: frame.flowId, bytes: frame.jpeg.byteLength, step: state?.flow?.step.type });
    });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }, 120_000);

  afterAll(async () => {
    client?.close();
    await agent?.stop();
    await server?.close();
    await bank.stop();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send<C extends CommandName>(name: C, payload: CommandRequest<C>): Promise<Result<unknown>> {
    const emit = client.emit as unknown as (
      event: string,
      envelope: unknown,
      ack: (result: Result<unknown>) => void,
    ) => void;
    return new Promise((resolve) =>
      emit.call(client, name, { requestId: `t-${Date.now()}`, payload }, resolve),
    );
  }

  async function ok<C extends CommandName>(name: C, payload: CommandRequest<C>): Promise<void> {
    const result = await send(name, payload);
    if (!result.ok) throw new Error(`${name} refused: ${result.code} ${result.message}`);
  }

  async function until<T>(
    what: string,
    pick: (s: KioskState) => T | undefined,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = state ? pick(state) : undefined;
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; last step ${JSON.stringify(state?.flow?.step)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const stepOf = <T extends FlowStep['type']>(type: T, timeoutMs = 20_000) =>
    until(
      `step ${type}`,
      (s) => (s.flow?.step.type === type ? (s.flow.step as Extract<FlowStep, { type: T }>) : undefined),
      timeoutMs,
    );

  async function visit(key: string): Promise<void> {
    if (state?.phase !== 'attract') {
      await ok('sim.liftCard', {});
      await until('attract', (s) => s.phase === 'attract');
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    await ok('session.begin', {});
    await ok('sim.placeCard', { citizenKey: key });
    await until('home', (s) => (s.phase === 'home' && s.session?.recordsFound ? true : undefined));
  }

  const receiptsPrinted = async () => (await agent.receiptPrinter.simulator?.receipts())?.length ?? 0;

  it('pays a contribution by QR: the phone pays at the gateway, the kiosk shows it posted and prints a receipt', async () => {
    await visit('resident-unpaid');
    await ok('service.open', { serviceId: 'contributionPayment' });
    const grade = await stepOf('choose');
    expect(grade.question).toBe('grade');
    await ok('flow.answer', { value: '200' });
    await stepOf('choose');
    expect(state?.flow?.canGoBack).toBe(true);
    await ok('flow.back', {});
    expect((await stepOf('choose')).question).toBe('grade');
    await ok('flow.answer', { value: '200' });
    const method = await stepOf('choose');
    expect(method.question).toBe('paymentMethod');
    await ok('flow.answer', { value: 'qr' });
    const confirm = await stepOf('confirm');
    expect(confirm.lines.map((l) => l.value).join(' ')).toContain('200.00元');
    const before = await receiptsPrinted();
    await ok('flow.answer', { value: 'confirm' });
    const qr = await stepOf('qr');
    expect(qr.amountCents).toBe(20_000);
    await ok('sim.payQr', {});
    const result = await stepOf('result');
    expect(result.outcome).toBe('success');
    expect(result.items[0]?.status).toBe('done');
    expect(result.printed).toBe('receipt');
    expect(await receiptsPrinted()).toBe(before + 1);
    expect(agent.journal.open('payment')).toEqual([]);
  });

  it('refuses a payment the rules do not allow, in words, before anything is asked', async () => {
    await ok('flow.exit', {});
    await until('home', (s) => s.phase === 'home');
    await ok('service.open', { serviceId: 'contributionPayment' });
    const refused = await stepOf('notEligible');
    expect(refused.reasons.join('')).toContain('已缴费');
  });

  it('refuses enrollment for a full-time student, naming the rule', async () => {
    await visit('student');
    await ok('service.open', { serviceId: 'enrollment' });
    const refused = await stepOf('notEligible');
    expect(refused.reasons.join('')).toMatch(/学生/);
  });

  it('keeps the enrollment when the PIN is wrong in the bundle, says so per item, and debits nothing', async () => {
    const idNumber = demoCardHolders().find((h) => h.key === 'new-resident')?.identity.idNumber;
    const personId = defaultSeedData().people.find((p) => p.identity.idNumber === idNumber)?.personId;
    const account = defaultSeedData().bankAccounts.find((a) => a.personId === personId);
    expect(account).toBeDefined();
    await visit('new-resident');
    await ok('bundle.open', { bundleId: 'newResident' });
    // The questions come in the order of the bundle's fields; answer each as it is asked.
    const answers: Record<string, string> = {
      grade: '300',
      householdType: 'urban',
      residenceProof: 'provided',
      paymentMethod: 'bankAccount',
    };
    let triedBadPhone = false;
    for (let asked = 0; asked < 10; asked += 1) {
      const step = await until('a question', (s) =>
        s.flow && ['choose', 'digits', 'confirm'].includes(s.flow.step.type) ? s.flow.step : undefined,
      );
      if (step.type === 'confirm') break;
      if (step.type === 'digits') {
        if (!triedBadPhone) {
          triedBadPhone = true;
          await ok('flow.answer', { value: '1234' });
          expect(state?.flow?.error?.message).toContain('11位');
        }
        await ok('flow.answer', { value: '13912345678' });
      } else if (step.type === 'choose') {
        await ok('flow.answer', { value: answers[step.question] ?? '' });
      }
    }
    expect(triedBadPhone).toBe(true);
    await stepOf('confirm');
    await ok('flow.answer', { value: 'confirm' });
    await stepOf('pin');
    await ok('sim.pinpadKeys', { keys: '9' });
    await ok('sim.pinpadKeys', { keys: '9' });
    await until('two keys', (s) =>
      s.flow?.step.type === 'pin' && s.flow.step.keysEntered === 2 ? true : undefined,
    );
    // The UI learns how many keys are down and nothing else about them.
    expect(Object.keys(state?.flow?.step ?? {}).sort()).toEqual([
      'accountMasked',
      'amountCents',
      'bankName',
      'keysEntered',
      'pinLength',
      'type',
    ]);
    for (const key of '9999E') await ok('sim.pinpadKeys', { keys: key });
    const result = await stepOf('result', 30_000);
    expect(result.outcome).toBe('partial');
    const byItem = Object.fromEntries(result.items.map((i) => [i.item, i.status]));
    expect(byItem).toEqual({ enrollment: 'done', contribution: 'failed', cardApplication: 'queued' });
    expect(result.printed).toBeNull();
    expect(
      bank
        .snapshot()
        .debits.filter((d) => d.accountNumber === account?.accountNumber && d.status === 'approved'),
    ).toEqual([]);
  });

  it('tells the citizen the A4 printer is out of paper, and prints on retry once it is refilled', async () => {
    await visit('pensioner');
    await ok('service.open', { serviceId: 'rightsRecordPrint' });
    await stepOf('choose');
    await ok('flow.answer', { value: 'enrollmentCertificate' });
    const preview = await stepOf('documentPreview', 30_000);
    expect(preview.verificationCode).toMatch(/^[2-9A-HJKMNP-Z]{16}$/);
    await agent.a4Printer.simulator?.setFault('mediaEmpty');
    await ok('flow.print', {});
    await until('printer error', (s) => (s.flow?.error ? s.flow.error : undefined), 30_000);
    expect(state?.flow?.error?.code).toBe('DEVICE_NOT_READY');
    expect(state?.flow?.error?.message).toContain('缺纸');
    expect(state?.flow?.step.type).toBe('documentPreview');
    await agent.a4Printer.simulator?.setFault('none');
    await ok('flow.retry', {});
    const result = await stepOf('result', 30_000);
    expect(result.printed).toBe('document');
    const jobs = (await agent.a4Printer.simulator?.jobs()) ?? [];
    expect(jobs.length).toBeGreaterThanOrEqual(1);
  });

  // --- qualification authentication (待遇领取资格认证) -------------------------------------------------------

  const personIdOf = (key: string): string => {
    const idNumber = demoCardHolders().find((h) => h.key === key)?.identity.idNumber;
    const personId = defaultSeedData().people.find((p) => p.identity.idNumber === idNumber)?.personId;
    if (!personId) throw new Error(`no seeded person for ${key}`);
    return personId;
  };
  const authStatus = async (key: string) => {
    const answer = await agent.server.request('authenticationStatus', {
      body: { personId: personIdOf(key) },
    });
    if (!answer.ok) throw new Error(`status refused: ${answer.code}`);
    return answer.data;
  };

  async function openAuthentication(key: string, scene: CameraScene): Promise<void> {
    await visit(key);
    await ok('sim.cameraScene', { scene });
    expect(state?.simulator?.cameraScene).toBe(scene);
    await ok('service.open', { serviceId: 'qualificationAuth' });
    const consent = await stepOf('faceConsent');
    expect(consent.text.length).toBeGreaterThan(20);
  }

  it('authenticates the card holder by the face check: preview frames while capturing, a signed record on the server', async () => {
    const before = await authStatus('pensioner');
    await openAuthentication('pensioner', 'cardHolder');
    const framesBefore = frames.length;
    await ok('flow.answer', { value: 'agree' });
    const capture = await stepOf('faceCapture', 60_000);
    expect(capture.attempt).toBe(1);
    const result = await stepOf('result', 90_000);
    expect(result.outcome).toBe('success');
    expect(result.items[0]?.item).toBe('authentication');
    const after = await authStatus('pensioner');
    expect(after.lastAuthenticatedAt).not.toBe(before.lastAuthenticatedAt);
    expect(after.validUntil).not.toBeNull();
    const [y, m, d] = (after.validUntil ?? '').split('-').map(Number);
    expect(result.items[0]?.message).toContain(`${y}年${m}月${d}日`);
    // Preview frames reached the screen during the capture, for this flow, and only during the capture.
    const shown = frames.slice(framesBefore);
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown.map((f) => f.flowId))).toEqual(new Set([state?.flow?.flowId]));
    expect(shown.every((f) => f.bytes > 100)).toBe(true);
    const settled = frames.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(frames.length).toBe(settled);
  });

  it("refuses another person's face, counts the attempt on the server, and offers a retry and staff", async () => {
    const before = await authStatus('pensioner-due');
    await openAuthentication('pensioner-due', 'otherPerson');
    await ok('flow.answer', { value: 'agree' });
    const failed = await stepOf('faceFailed', 90_000);
    expect(failed.reason).toBe('mismatch');
    expect(failed.lockedUntil).toBeNull();
    const after = await authStatus('pensioner-due');
    expect(after.mismatchesLeft).toBe(before.mismatchesLeft - 1);
    expect(failed.attemptsLeft).toBe(Math.min(2, after.mismatchesLeft));
    expect(after.lastAuthenticatedAt).toBe(before.lastAuthenticatedAt);
    expect(state?.flow?.canGoBack).toBe(true);
  });

  it('serves a declined consent through bank staff: password and one-time code, confirm, an assisted record', async () => {
    await openAuthentication('pensioner-overdue', 'cardHolder');
    await ok('flow.answer', { value: 'decline' });
    const signIn = await stepOf('staffSignIn');
    expect(signIn).toEqual({ type: 'staffSignIn', reason: 'declinedFaceCheck', failed: false });
    const staff = (await send('sim.staffOtp', {})) as Result<{
      staffNumber: string;
      password: string;
      otp: string;
    }>;
    if (!staff.ok) throw new Error(`sim.staffOtp refused: ${staff.code}`);
    await ok('flow.staffSignIn', { ...staff.data, password: 'not-the-password' });
    expect(await stepOf('staffSignIn')).toMatchObject({ failed: true });
    await ok('flow.staffSignIn', staff.data);
    const confirm = await stepOf('staffConfirm');
    expect(confirm.staffName).toBe(DEMO_STAFF.name);
    expect(confirm.reason).toBe('declinedFaceCheck');
    expect(confirm.maskedIdNumber).toMatch(/\*{6,}/);
    await ok('flow.answer', { value: 'confirm' });
    const result = await stepOf('result');
    expect(result.outcome).toBe('success');
    expect(result.items[0]?.message).toContain('抽查');
    const after = await authStatus('pensioner-overdue');
    expect(after.lastAuthenticatedAt).not.toBeNull();
    expect(after.daysLeft ?? -1).toBeGreaterThan(300);
  });

  it('says the camera is unavailable when it is unplugged and offers staff instead', async () => {
    await openAuthentication('resident-pensioner', 'unplugged');
    await ok('flow.answer', { value: 'agree' });
    const failed = await stepOf('faceFailed', 60_000);
    expect(failed).toMatchObject({ reason: 'cameraUnavailable', attemptsLeft: 0 });
    await until('camera offline', (s) => (s.devices.camera.device !== 'online' ? true : undefined));
    await ok('flow.answer', { value: 'assisted' });
    expect(await stepOf('staffSignIn')).toMatchObject({ reason: 'cannotUseCamera', failed: false });
    await ok('sim.cameraScene', { scene: 'cardHolder' });
  });
});
