import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpIppTransport, type IppTransport } from '../../transport/ipp.ts';
import type { A4Printer, A4PrinterEvent, A4PrinterFault } from './a4-printer.ts';
import { type A4PrinterDriverOptions, createA4PrinterDriver } from './driver.ts';
import { createInProcessSimulator } from './factory.ts';
import { A4PrinterSimulator, type A4PrinterSimulatorTiming, INSTANT_TIMING } from './simulator.ts';
import { type IppSimulatorServer, startIppSimulatorServer } from './simulator-server.ts';
import { delay, minimalPdf, quietLogger, waitForStatus } from './testing.ts';

const FAST: A4PrinterDriverOptions = { pollIntervalMs: 20, jobPollMs: 5, jobTimeoutMs: 3000 };
const PDF = minimalPdf();

interface Rig {
  simulator: A4PrinterSimulator;
  printer: A4Printer;
  events: A4PrinterEvent[];
  requests: () => number;
}

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  options: {
    fault?: A4PrinterFault;
    timing?: Partial<A4PrinterSimulatorTiming>;
    driver?: Partial<A4PrinterDriverOptions>;
  } = {},
): Promise<Rig> {
  const sim = createInProcessSimulator({
    timing: { ...INSTANT_TIMING, ...options.timing },
    logger: quietLogger(),
  });
  if (options.fault) sim.simulator.setFault(options.fault);
  let requests = 0;
  const counting: IppTransport = {
    description: sim.transport.description,
    printerUri: sim.transport.printerUri,
    request: (body, signal) => {
      requests += 1;
      return sim.transport.request(body, signal);
    },
  };
  const printer = createA4PrinterDriver(counting, { ...FAST, logger: quietLogger(), ...options.driver });
  const events: A4PrinterEvent[] = [];
  printer.on((event) => events.push(event));
  await printer.start();
  cleanups.push(
    () => printer.stop(),
    () => sim.simulator.stop(),
  );
  return { simulator: sim.simulator, printer, events, requests: () => requests };
}

const jobStates = (events: A4PrinterEvent[]) => events.flatMap((e) => (e.type === 'job' ? [e.state] : []));

describe('A4 printer driver with the simulator in this process', () => {
  it('checks the printer on start: online, paper and toner ok', async () => {
    const { printer } = await rig();
    expect(printer.status).toEqual({ device: 'online', media: 'ok', toner: 'ok', reasons: [], detail: null });
  });

  it('prints a PDF: success once the printer reports the job completed; the printer got the same bytes', async () => {
    const r = await rig({ timing: { startMs: 5, printMs: 20 } });
    const result = await r.printer.printPdf({ pdf: PDF, jobName: 'rights record', copies: 2 });
    expect(result).toEqual({ completion: 'success', jobId: 1, warnings: [] });
    const [job] = r.simulator.receivedJobs;
    expect(job).toMatchObject({ id: 1, name: 'rights record', copies: 2, state: 'completed' });
    expect(Buffer.from(job?.document ?? []).equals(Buffer.from(PDF))).toBe(true);
    expect(jobStates(r.events)).toEqual(['pending', 'processing', 'completed']);
    expect(r.events.some((e) => e.type === 'status' && e.status.device === 'busy')).toBe(true);
    expect(r.printer.status.device).toBe('online');
  });

  it.each([
    [{ pdf: new Uint8Array(Buffer.from('hello')) }, 'pdf: does not start with %PDF-'],
    [{ jobName: '' }, 'jobName: 1 to 255 characters'],
    [{ jobName: 'a\nb' }, 'jobName: control characters are not allowed'],
    [{ copies: 0 }, 'copies: an integer from 1 to 99'],
    [{ copies: 1.5 }, 'copies: an integer from 1 to 99'],
    [{ timeoutMs: -1 }, 'timeoutMs must be > 0'],
  ])('refuses %o with invalidData before any request', async (change, detail) => {
    const r = await rig({ driver: { pollIntervalMs: 10_000 } });
    const before = r.requests();
    expect(await r.printer.printPdf({ pdf: PDF, jobName: 'x', ...change })).toEqual({
      completion: 'invalidData',
      errorCode: null,
      detail,
    });
    expect(r.requests()).toBe(before);
  });

  it('two prints asked at once run one after the other', async () => {
    const r = await rig({ timing: { startMs: 2, printMs: 10 } });
    const [first, second] = await Promise.all([
      r.printer.printPdf({ pdf: PDF, jobName: 'one' }),
      r.printer.printPdf({ pdf: PDF, jobName: 'two' }),
    ]);
    expect([first.completion, second.completion]).toEqual(['success', 'success']);
    // The second job reached the printer only after the first had completed.
    expect(jobStates(r.events)).toEqual([
      'pending',
      'processing',
      'completed',
      'pending',
      'processing',
      'completed',
    ]);
  });

  it('mediaLow: prints, with a warning', async () => {
    const r = await rig({ fault: 'mediaLow' });
    expect(await r.printer.printPdf({ pdf: PDF, jobName: 'x' })).toEqual({
      completion: 'success',
      jobId: 1,
      warnings: ['media-low'],
    });
    expect(r.printer.status).toMatchObject({ device: 'online', media: 'low', detail: 'media-low' });
  });
});

describe('faults, and recovery after each', () => {
  it.each([
    ['mediaEmpty', 'userError', 'mediaEmpty', 'printer: paper out', { media: 'out' }],
    ['tonerEmpty', 'deviceNotReady', 'tonerEmpty', 'printer: toner empty', { toner: 'out' }],
    ['mediaJam', 'hardwareError', 'mediaJam', 'printer: paper jam', {}],
    ['coverOpen', 'deviceNotReady', 'coverOpen', 'printer: cover open', {}],
    ['stopped', 'deviceNotReady', 'offline', 'printer: paused', {}],
    ['notAcceptingJobs', 'deviceNotReady', 'notAcceptingJobs', 'printer is not accepting jobs', {}],
  ] as const)(
    '%s: %s / %s before any job is sent; back when cleared',
    async (fault, completion, errorCode, detail, status) => {
      const r = await rig();
      r.simulator.setFault(fault);
      await waitForStatus(r.printer, (s) => s.device === 'offline');
      expect(r.printer.status).toMatchObject(status);
      expect(await r.printer.printPdf({ pdf: PDF, jobName: 'x' })).toEqual({ completion, errorCode, detail });
      expect(r.simulator.receivedJobs).toEqual([]);
      r.simulator.setFault('none');
      await waitForStatus(r.printer, (s) => s.device === 'online');
      expect((await r.printer.printPdf({ pdf: PDF, jobName: 'x' })).completion).toBe('success');
    },
  );

  it('jobAborted: the printer took the job and aborted it: hardwareError / jobAborted, with the job id', async () => {
    const r = await rig({ fault: 'jobAborted' });
    expect(await r.printer.printPdf({ pdf: PDF, jobName: 'x' })).toEqual({
      completion: 'hardwareError',
      errorCode: 'jobAborted',
      detail: 'job 1 aborted by the printer (aborted-by-system)',
      jobId: 1,
    });
  });

  it('paper runs out during the job: the job is aborted and the printer says why: userError / mediaEmpty', async () => {
    const r = await rig({ timing: { startMs: 0, printMs: 80 }, driver: { pollIntervalMs: 10_000 } });
    const pending = r.printer.printPdf({ pdf: PDF, jobName: 'x' });
    await delay(30);
    r.simulator.setFault('mediaEmpty');
    expect(await pending).toEqual({
      completion: 'userError',
      errorCode: 'mediaEmpty',
      detail: 'job 1 aborted: paper out',
      jobId: 1,
    });
  });

  it('a job that never finishes: timeout, and the job is canceled on the printer', async () => {
    const r = await rig({ fault: 'jobStuck' });
    const started = performance.now();
    expect(await r.printer.printPdf({ pdf: PDF, jobName: 'x', timeoutMs: 150 })).toMatchObject({
      completion: 'timeout',
      errorCode: null,
      jobId: 1,
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.simulator.receivedJobs[0]?.state).toBe('canceled');
  });

  it('the AbortSignal during a job: canceled, and the job is canceled on the printer', async () => {
    const r = await rig({ fault: 'jobStuck' });
    const abort = new AbortController();
    const pending = r.printer.printPdf({ pdf: PDF, jobName: 'x' }, abort.signal);
    await delay(30);
    abort.abort();
    expect(await pending).toMatchObject({ completion: 'canceled', errorCode: null, jobId: 1 });
    expect(r.simulator.receivedJobs[0]?.state).toBe('canceled');
  });

  it('unreachable: noDevice, prints refused with deviceNotReady; back when reachable', async () => {
    const r = await rig();
    r.simulator.setFault('unreachable');
    await waitForStatus(r.printer, (s) => s.device === 'noDevice');
    expect(await r.printer.printPdf({ pdf: PDF, jobName: 'x' })).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
    r.simulator.setFault('none');
    await waitForStatus(r.printer, (s) => s.device === 'online');
    expect((await r.printer.printPdf({ pdf: PDF, jobName: 'x' })).completion).toBe('success');
  });

  it('unreachable while the job runs: hardwareError / noDevice, the outcome unknown', async () => {
    const r = await rig({ fault: 'jobStuck', driver: { pollIntervalMs: 10_000 } });
    const pending = r.printer.printPdf({ pdf: PDF, jobName: 'x' });
    await delay(20);
    r.simulator.setFault('unreachable');
    const result = await pending;
    expect(result).toMatchObject({ completion: 'hardwareError', errorCode: 'noDevice', jobId: 1 });
    expect(result.completion !== 'success' && result.detail).toMatch(/outcome is unknown/);
  });

  it('not started: deviceNotReady', async () => {
    const sim = createInProcessSimulator({ timing: INSTANT_TIMING, logger: quietLogger() });
    const printer = createA4PrinterDriver(sim.transport, { ...FAST, logger: quietLogger() });
    expect(await printer.printPdf({ pdf: PDF, jobName: 'x' })).toMatchObject({
      completion: 'deviceNotReady',
    });
  });
});

describe('over HTTP (HttpIppTransport to the simulator behind a port)', () => {
  async function served(): Promise<{ simulator: A4PrinterSimulator; server: IppSimulatorServer }> {
    const simulator = new A4PrinterSimulator({ timing: INSTANT_TIMING, logger: quietLogger() });
    const server = await startIppSimulatorServer(simulator, { host: '127.0.0.1', port: 0 });
    cleanups.push(
      () => server.close(),
      () => simulator.stop(),
    );
    return { simulator, server };
  }

  it('prints through a real HTTP round trip', async () => {
    const { simulator, server } = await served();
    const printer = createA4PrinterDriver(new HttpIppTransport({ uri: server.printerUri, timeoutMs: 2000 }), {
      ...FAST,
      logger: quietLogger(),
    });
    await printer.start();
    cleanups.push(() => printer.stop());
    expect(printer.status.device).toBe('online');
    expect(await printer.printPdf({ pdf: PDF, jobName: 'x' })).toMatchObject({
      completion: 'success',
      jobId: 1,
    });
    expect(Buffer.from(simulator.receivedJobs[0]?.document ?? []).equals(Buffer.from(PDF))).toBe(true);
  });

  it('a printer that drops the connection: deviceNotReady / noDevice', async () => {
    const { simulator, server } = await served();
    simulator.setFault('unreachable');
    const printer = createA4PrinterDriver(new HttpIppTransport({ uri: server.printerUri, timeoutMs: 2000 }), {
      ...FAST,
      logger: quietLogger(),
    });
    await printer.start();
    cleanups.push(() => printer.stop());
    expect(printer.status.device).toBe('noDevice');
    expect(await printer.printPdf({ pdf: PDF, jobName: 'x' })).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
  });

  it('a port that answers nothing at all (accepts, never replies): deviceNotReady after the request timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const printer = createA4PrinterDriver(
      new HttpIppTransport({ uri: `ipp://127.0.0.1:${port}/ipp/print`, timeoutMs: 200 }),
      { ...FAST, logger: quietLogger() },
    );
    const started = performance.now();
    await printer.start();
    cleanups.push(() => printer.stop());
    expect(await printer.printPdf({ pdf: PDF, jobName: 'x' })).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
      detail: expect.stringMatching(/no answer within 200 ms/),
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
