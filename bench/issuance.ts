import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCardsConfig } from '@sik/config';
import { blankSerialRange, DEMO_BLANKS, DEMO_KIOSK_ID, generateSeedData } from '@sik/seeds';
import { renderCardFace } from '../device-agent/src/cards/card-face.ts';
import { createCardPrinterDriver } from '../device-agent/src/devices/card-printer/driver.ts';
import {
  createInProcessSimulator as createInProcessPrinter,
  DEFAULT_CARD_PRINTER_OPTIONS,
} from '../device-agent/src/devices/card-printer/factory.ts';
import { REALISTIC_TIMING } from '../device-agent/src/devices/card-printer/simulator.ts';
import { quietLogger } from '../device-agent/src/devices/card-printer/testing.ts';
import { linkCardUnit } from '../device-agent/src/devices/card-unit/card-unit.ts';
import { createChipEncoderDriver } from '../device-agent/src/devices/chip-encoder/driver.ts';
import {
  createInProcessSimulator as createInProcessChip,
  DEFAULT_CHIP_ENCODER_OPTIONS,
} from '../device-agent/src/devices/chip-encoder/factory.ts';
import { createCardServer } from '../device-agent/src/issuance/card-server.ts';
import { issueCard } from '../device-agent/src/issuance/issuance.ts';
import { DEFAULT_ISSUANCE_CONFIG, type IssuanceDeps } from '../device-agent/src/issuance/types.ts';
import { Journal } from '../device-agent/src/journal/journal.ts';
import { createServerClient } from '../device-agent/src/server-client/client.ts';
import { createRootLogger } from '../server/src/log.ts';
import { startServer } from '../server/src/server.ts';
import { newKioskKeys, provision, testConfig } from '../server/src/testing/harness.ts';
import {
  anyRegistryPhoto,
  giveRegistryPhoto,
  peopleWithoutCard,
  staffVerified,
} from '../tests/support/issuance-harness/people.ts';
import { type BenchResult, median } from './results-file.ts';

/**
 * Card chip reply time per APDU (UNCONFIRMED, our assumption): a contact card behind a USB CCID reader answers a
 * READ/UPDATE RECORD in roughly 10-30 ms (T=1 at a few hundred kbit/s plus an EEPROM write of a few ms); 20 ms.
 */
export const CHIP_REPLY_MS = 20;

/**
 * End-to-end card issuance with the simulators' REALISTIC device timings (device-agent/src/devices/card-printer/
 * simulator.ts REALISTIC_TIMING, from vendor brochures of Evolis Primacy / Zenius class printers, 150-225
 * single-sided YMCKO cards per hour, UNCONFIRMED: pick to the contact station 2 s, a station move 1 s, printing
 * 20 s, eject 1.5 s, sensor replies 5 ms; the printer line is USB-speed, about 1 MB/s), the chip encoder answering
 * each APDU after CHIP_REPLY_MS, and the real server (in this process, PGlite in a folder) over HTTP with the
 * kiosk's signed requests. issueCard runs as the agent runs it: journal fsyncs, the face rendered, every record
 * written, read back and compared, the PIN set and verified on the chip. The simulated citizen is instant (the
 * PIN is ready, the card is taken as soon as it shows) and issueCard leaves the citizen's time out of totalMs.
 * - issuance.total_s: median totalMs of the runs (the face renderer's fonts are loaded before, as in a running
 *   agent);
 * - issuance.overhead_pct: median of (totalMs - deviceMs) / totalMs x 100: our own time (server round trips,
 *   rendering the face, journal writes) as a share of the whole; goal < 5.
 */
export async function benchIssuance(options: { runs?: number } = {}): Promise<BenchResult[]> {
  const runs = options.runs ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'sik-bench-issuance-'));
  const server = await startServer(testConfig({ dataDir: join(dir, 'server') }), {
    seedData: generateSeedData({ citizens: 200 }),
    log: createRootLogger('silent'),
  });
  const printerSim = createInProcessPrinter({
    simulator: {
      timing: REALISTIC_TIMING,
      blanks: blankSerialRange(DEMO_BLANKS.firstSerial, DEMO_BLANKS.count),
      logger: quietLogger(),
    },
  });
  const chipSim = createInProcessChip({
    simulator: {
      masterKey: Buffer.from(defaultCardsConfig().issuerMasterKeyHex, 'hex'),
      replyDelayMs: CHIP_REPLY_MS,
      logger: quietLogger(),
    },
  });
  const unlink = linkCardUnit(printerSim.simulator, chipSim.simulator);
  await printerSim.simulator.start();
  await chipSim.simulator.start();
  const printer = createCardPrinterDriver(printerSim.pair.a, {
    ...DEFAULT_CARD_PRINTER_OPTIONS,
    logger: quietLogger(),
  });
  const encoder = createChipEncoderDriver(chipSim.pair.a, {
    ...DEFAULT_CHIP_ENCODER_OPTIONS,
    logger: quietLogger(),
  });
  try {
    await printer.start();
    await encoder.start();
    const keys = newKioskKeys();
    const provisioned = await provision(server, DEMO_KIOSK_ID, keys.publicKeyPem);
    if (provisioned.status !== 200)
      throw new Error(`provisioning failed: ${JSON.stringify(provisioned.json)}`);
    const client = createServerClient({
      serverUrl: server.url,
      kioskId: DEMO_KIOSK_ID,
      privateKey: keys.privateKey,
      timeoutMs: 10_000,
    });
    const photo = await anyRegistryPhoto(server.db);
    const people = await peopleWithoutCard(server.db, runs);
    if (people.length < runs) throw new Error('not enough people without a card');

    // Fonts loaded once, as in an agent that has been running.
    await renderCardFace({
      name: '测试',
      socialSecurityNumber: people[0]?.idNumber ?? '',
      cardNumber: 'K00000000',
      bankName: '中国工商银行',
      issueDate: '2026-01',
      photoJpeg: photo,
    });

    const deps: IssuanceDeps = {
      journal: new Journal(join(dir, 'agent')),
      printer,
      encoder,
      server: createCardServer(client),
      renderFace: renderCardFace,
      config: { ...DEFAULT_ISSUANCE_CONFIG, bankName: '中国工商银行' },
    };
    const totals: number[] = [];
    const overheads: number[] = [];
    for (const person of people) {
      await giveRegistryPhoto(server.db, person.personId, photo);
      await staffVerified(server.db, person.personId, DEMO_KIOSK_ID);
      const outcome = await issueCard(
        deps,
        person,
        'first',
        {
          choosePin: async () => ({ ok: true, pin: '147258' }),
          presented: () => void printerSim.control.takeCard(),
        },
        { stage: () => {} },
        AbortSignal.timeout(300_000),
      );
      if (!outcome.ok) throw new Error(`bench issuance failed: ${outcome.reason} ${outcome.message}`);
      totals.push(outcome.totalMs);
      overheads.push(((outcome.totalMs - outcome.deviceMs) / outcome.totalMs) * 100);
    }
    return [
      {
        id: 'issuance.total_s',
        value: Math.round(median(totals) / 100) / 10,
        unit: 's',
        note:
          `end-to-end card issuance, median of ${runs}, realistic printer (2 s pick, 1 s move, 20 s print, 1.5 s ` +
          `eject; vendor brochures, UNCONFIRMED) and ${CHIP_REPLY_MS} ms per chip APDU; citizen instant; goal < 180`,
      },
      {
        id: 'issuance.overhead_pct',
        value: Math.round(median(overheads) * 100) / 100,
        unit: '%',
        note: 'our own time (server calls, face rendering, journal) / total, median; goal < 5',
      },
    ];
  } finally {
    await printer.stop().catch(() => undefined);
    await encoder.stop().catch(() => undefined);
    unlink();
    await printerSim.simulator.stop().catch(() => undefined);
    await chipSim.simulator.stop().catch(() => undefined);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
