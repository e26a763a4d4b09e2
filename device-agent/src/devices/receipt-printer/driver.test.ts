import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryLineOptions } from '../../transport/memory.ts';
import type { Transport } from '../../transport/transport.ts';
import { createReceiptPrinterDriver, type ReceiptPrinterDriverOptions } from './driver.ts';
import { createInProcessSimulator, type InProcessReceiptPrinterSimulator } from './factory.ts';
import { SAMPLE_RECEIPT, SAMPLE_RECEIPT_TEXT } from './protocol/fixtures.ts';
import type { Receipt } from './protocol/receipt.ts';
import type { ReceiptPrinter, ReceiptPrinterEvent, ReceiptPrinterFault } from './receipt-printer.ts';
import { INSTANT_TIMING } from './simulator.ts';
import { delay, quietLogger, waitForStatus } from './testing.ts';

const FAST: ReceiptPrinterDriverOptions = {
  pollIntervalMs: 10,
  commandTimeoutMs: 100,
  reconnectMs: { initial: 20, max: 100 },
};

interface Rig extends InProcessReceiptPrinterSimulator {
  printer: ReceiptPrinter;
  events: ReceiptPrinterEvent[];
  writes: Uint8Array[];
}

const rigs: Rig[] = [];

async function rig(
  options: {
    line?: MemoryLineOptions;
    driver?: Partial<ReceiptPrinterDriverOptions>;
    fault?: ReceiptPrinterFault;
  } = {},
): Promise<Rig> {
  const sim = createInProcessSimulator({
    line: options.line ?? { byteMicros: 0 },
    simulator: { timing: INSTANT_TIMING, logger: quietLogger(), reopenMs: 10 },
  });
  await sim.simulator.start();
  if (options.fault) await sim.simulator.setFault(options.fault);
  const host = sim.pair.a;
  const writes: Uint8Array[] = [];
  // Sees every write, to prove what did (not) go out.
  const spy: Transport = {
    get description() {
      return host.description;
    },
    get isOpen() {
      return host.isOpen;
    },
    open: () => host.open(),
    close: () => host.close(),
    write: (bytes) => {
      writes.push(bytes.slice());
      return host.write(bytes);
    },
    onData: (listener) => host.onData(listener),
    onDisconnect: (listener) => host.onDisconnect(listener),
  };
  const printer = createReceiptPrinterDriver(spy, { ...FAST, logger: quietLogger(), ...options.driver });
  const events: ReceiptPrinterEvent[] = [];
  printer.on((event) => events.push(event));
  const made = { ...sim, printer, events, writes };
  rigs.push(made);
  await printer.start();
  return made;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.printer.stop();
    await r.simulator.stop();
  }
});

/** Writes longer than a status request: print data. */
const printData = (writes: Uint8Array[]) => writes.filter((w) => w.length > 3);

const SLIP: Receipt = {
  lines: [
    { text: '城乡居民养老保险缴费凭证', bold: true, align: 'center' },
    { text: '姓名：张**' },
    { text: '金额：¥300.00', size: 'doubleHeight' },
  ],
  qr: { data: 'https://sik.example/v/ABC123' },
};

describe('receipt printer driver with the simulator over a memory pair', () => {
  it('checks the printer on start: online, paper ok', async () => {
    const { printer } = await rig();
    expect(printer.status).toEqual({ device: 'online', media: 'ok', detail: null });
  });

  it('prints a receipt the simulator renders line for line', async () => {
    const r = await rig();
    expect(await r.printer.printReceipt(SAMPLE_RECEIPT)).toEqual({ completion: 'success', warnings: [] });
    const [receipt] = r.simulator.receipts;
    expect(receipt?.text).toBe(SAMPLE_RECEIPT_TEXT);
    // busy while printing, online after
    expect(r.events.map((e) => e.status.device)).toContain('busy');
    expect(r.printer.status.device).toBe('online');
  });

  it('prints Chinese text, sizes and the QR code through a 115200-baud line in small pieces', async () => {
    const r = await rig({ line: { chunking: { maxBytes: 7 } } });
    expect((await r.printer.printReceipt(SLIP)).completion).toBe('success');
    const [receipt] = await r.control.receipts();
    expect(receipt?.lines.slice(0, 3)).toEqual([
      { text: '城乡居民养老保险缴费凭证', bold: true, size: 'normal', align: 'center' },
      { text: '姓名：张**', bold: false, size: 'normal', align: 'left' },
      { text: '金额：¥300.00', bold: false, size: 'doubleHeight', align: 'left' },
    ]);
    expect(receipt?.qrCodes).toEqual([
      { model: 2, moduleSize: 6, errorCorrection: 'M', data: 'https://sik.example/v/ABC123' },
    ]);
    expect(receipt?.text).toContain('[QR model=2 size=6 ec=M data=https://sik.example/v/ABC123]');
    expect(receipt?.text.trimEnd().endsWith(`✂${'-'.repeat(31)}`)).toBe(true);
  });

  it('two receipts asked at once print one after the other, whole', async () => {
    const r = await rig({ line: { byteMicros: 20, chunking: { maxBytes: 16 } } });
    const results = await Promise.all([
      r.printer.printReceipt({ lines: [{ text: 'first' }] }),
      r.printer.printReceipt({ lines: [{ text: 'second' }] }),
    ]);
    expect(results.map((x) => x.completion)).toEqual(['success', 'success']);
    expect(r.simulator.receipts.map((x) => x.lines[0]?.text)).toEqual(['first', 'second']);
  });

  it('refuses an invalid receipt with invalidData before any byte goes out', async () => {
    const r = await rig({ driver: { pollIntervalMs: 10_000 } });
    const before = r.writes.length;
    const result = await r.printer.printReceipt({ lines: [{ text: '张三\u001bi' }] });
    expect(result).toMatchObject({ completion: 'invalidData', errorCode: null });
    expect(result.completion !== 'success' && result.detail).toBe(
      'lines[0].text: control characters are not allowed',
    );
    expect(r.writes.length).toBe(before);
  });

  it('an AbortSignal already aborted: canceled, nothing printed', async () => {
    const r = await rig();
    expect(await r.printer.printReceipt(SAMPLE_RECEIPT, AbortSignal.abort())).toMatchObject({
      completion: 'canceled',
    });
    expect(printData(r.writes)).toEqual([]);
    expect(r.simulator.receipts).toEqual([]);
  });

  it('not started: deviceNotReady', async () => {
    const sim = createInProcessSimulator({ line: { byteMicros: 0 } });
    const printer = createReceiptPrinterDriver(sim.pair.a, { ...FAST, logger: quietLogger() });
    expect(await printer.printReceipt(SAMPLE_RECEIPT)).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
  });
});

describe('faults, and recovery after each', () => {
  it('paperOut: status says so, printing is refused with userError / paperOut, nothing goes out', async () => {
    const r = await rig();
    await r.simulator.setFault('paperOut');
    const status = await waitForStatus(r.printer, (s) => s.media === 'out');
    expect(status).toEqual({ device: 'offline', media: 'out', detail: 'paper out' });
    const writesBefore = printData(r.writes).length;
    expect(await r.printer.printReceipt(SAMPLE_RECEIPT)).toEqual({
      completion: 'userError',
      errorCode: 'paperOut',
      detail: 'paper out: load a new roll',
    });
    expect(printData(r.writes).length).toBe(writesBefore);
    await r.simulator.setFault('none');
    await waitForStatus(r.printer, (s) => s.device === 'online' && s.media === 'ok');
    expect((await r.printer.printReceipt(SAMPLE_RECEIPT)).completion).toBe('success');
    expect(r.simulator.receipts).toHaveLength(1);
  });

  it('paperNearEnd: prints, with a warning, and the status says low', async () => {
    const r = await rig({ fault: 'paperNearEnd' });
    expect(await r.printer.printReceipt(SAMPLE_RECEIPT)).toEqual({
      completion: 'success',
      warnings: ['paperNearEnd'],
    });
    expect(r.printer.status).toEqual({ device: 'online', media: 'low', detail: 'paper near end' });
    expect(r.simulator.receipts).toHaveLength(1);
  });

  it.each([
    ['offline', 'offline', 'printer reports offline'],
    ['coverOpen', 'coverOpen', 'printer cover open'],
  ] as const)(
    '%s: deviceNotReady / %s, nothing printed; back when cleared',
    async (fault, errorCode, detail) => {
      const r = await rig();
      await r.simulator.setFault(fault);
      await waitForStatus(r.printer, (s) => s.device === 'offline');
      expect(await r.printer.printReceipt(SAMPLE_RECEIPT)).toEqual({
        completion: 'deviceNotReady',
        errorCode,
        detail,
      });
      expect(r.simulator.receipts).toEqual([]);
      await r.simulator.setFault('none');
      await waitForStatus(r.printer, (s) => s.device === 'online');
      expect((await r.printer.printReceipt(SAMPLE_RECEIPT)).completion).toBe('success');
    },
  );

  it('paper runs out while printing: userError / paperOut, the receipt may be incomplete', async () => {
    // Slow enough that the fault lands while the bytes are on the wire.
    const r = await rig({ line: { byteMicros: 500 }, driver: { pollIntervalMs: 10_000 } });
    const pending = r.printer.printReceipt(SLIP);
    await delay(40);
    await r.simulator.setFault('paperOut');
    expect(await pending).toMatchObject({ completion: 'userError', errorCode: 'paperOut' });
    expect(r.simulator.state.droppedBytes).toBeGreaterThan(0);
  });

  it('unplugged: noDevice, prints refused with deviceNotReady; plugged back, it prints', async () => {
    const r = await rig();
    await r.simulator.setFault('unplugged');
    await waitForStatus(r.printer, (s) => s.device === 'noDevice');
    expect(await r.printer.printReceipt(SAMPLE_RECEIPT)).toMatchObject({
      completion: 'deviceNotReady',
      errorCode: 'noDevice',
    });
    await r.simulator.setFault('none');
    await waitForStatus(r.printer, (s) => s.device === 'online');
    expect((await r.printer.printReceipt(SAMPLE_RECEIPT)).completion).toBe('success');
  });

  it('a printer that answers junk to status requests: offline with a detail', async () => {
    const r = await rig();
    // Junk from the far end in place of every status byte.
    r.pair.b.onData(() => void r.pair.b.write(Uint8Array.of(0xff)));
    const offline = await waitForStatus(r.printer, (s) => s.device === 'offline');
    expect(offline.detail).toMatch(/not a status byte/);
  });
});
