import { randomUUID } from 'node:crypto';
import type { CardApplicationKind, KioskAlertKind, Result } from '@sik/contract';
import type { SsseFile } from '@sik/contract/ssse';
import type { CardPrinterResult, CardPrinterStatus } from '../devices/card-printer/card-printer.ts';
import type { ChipResult } from '../devices/chip-encoder/chip-encoder.ts';
import { createLogger } from '../log.ts';
import { recoverHeld } from './recovery.ts';
import {
  type CardHolder,
  type CardPersonalisationData,
  type CardView,
  ISSUANCE_JOURNAL_KIND,
  type IssuanceCitizen,
  type IssuanceDeps,
  type IssuanceOutcome,
  type IssuancePhase,
  type IssuanceProgress,
  type SpoilReason,
} from './types.ts';
import { withCardUnit } from './unit-lock.ts';

const log = createLogger('issuance');

/**
 * Instant issuance of one social security card (社保卡即时制卡), as a journaled state machine:
 *
 *   applying -> applied -> picking -> picked (serial) -> personalised -> writing -> written -> verified ->
 *   printing -> printed -> pinSetting -> pinSet -> presenting -> taken -> activating -> done
 *
 * Every phase is durable in the journal BEFORE the device or the server is asked to act on it, so that after a
 * crash recovery.ts knows what may have happened and finishes it: a card left inside goes to the reject box and is
 * spoiled in the books, a card the citizen took is activated. A card that fails (chip write, read-back, print,
 * PIN) is rejected and spoiled, and the application is made again on a new blank with a new card number, up to
 * `config.maxBlanks`; then the citizen is told plainly and staff are alerted. The journal holds ids and serials,
 * never a name, an ID number or a PIN; the PIN lives in one local variable while it is set on the chip.
 */

/** Thrown inside the machine to stop it with an outcome; `clean` says whether the journal entry can close. */
class Stop extends Error {
  constructor(
    readonly outcome: Extract<IssuanceOutcome, { ok: false }>,
    readonly clean: boolean,
  ) {
    super(outcome.message);
  }
}

/** A card that failed and must be rejected, then made again (if blanks are left). */
class CardFailed extends Error {
  constructor(
    readonly reason: SpoilReason,
    readonly notice: string,
    /** No point retrying: the printer itself cannot go on (ribbon out, cover open). */
    readonly fatal = false,
  ) {
    super(notice);
  }
}

const MESSAGES = {
  noStock: '本机的空白社保卡已用完，暂时不能制卡。您的申请已保留，可到柜台办理或稍后再来。',
  deviceFault: '制卡设备出现故障，暂时不能制卡。您的申请已保留，已通知工作人员。',
  attemptsExhausted: '制卡多次未成功，已停止制卡。您的申请已保留，已通知工作人员，请到柜台办理。',
  notTaken: '您没有及时取走社保卡，卡片已收回机器内的安全卡箱并作废。您的申请已保留，请联系大堂工作人员。',
  pinNotSet: '没有设置密码，制卡已停止，未完成的卡片已收回并作废。您的申请已保留，可以重新办理。',
  serverError: '暂时连不上社保系统，制卡已停止。您的申请已保留，请稍后再试或到柜台办理。',
} as const;

export const RETRY_NOTICE = '上一张卡片制作未成功，已收回作废，正在用新卡重新制作';

/** Runs one card issuance for `holder`; never throws (failures are outcomes). */
export async function issueCard(
  deps: IssuanceDeps,
  holder: CardHolder,
  kind: CardApplicationKind,
  citizen: IssuanceCitizen,
  progress: IssuanceProgress,
  signal: AbortSignal,
): Promise<IssuanceOutcome> {
  return withCardUnit(deps.printer, async () => {
    // What an earlier visit or a crash left open is put right first (a card the citizen took is enabled, not
    // spoiled by this visit's application).
    await recoverHeld(deps).catch((error: unknown) =>
      log.warn({ err: (error as Error).message }, 'recovery before the card did not finish'),
    );
    return new Issuance(deps, holder, citizen, progress, signal).run(kind);
  });
}

class Issuance {
  private readonly entryId = randomUUID();
  private applicationId: string | null = null;
  private cardNumber: string | null = null;
  private chipSerial: string | null = null;
  private issuedOn: string | null = null;
  /** A card is inside the printer (picked and not yet rejected, ejected or taken). */
  private cardInside = false;
  private deviceMs = 0;
  private citizenMs = 0;
  private readonly started = performance.now();

  constructor(
    private readonly deps: IssuanceDeps,
    private readonly holder: CardHolder,
    private readonly citizen: IssuanceCitizen,
    private readonly progress: IssuanceProgress,
    private readonly signal: AbortSignal,
  ) {}

  async run(kind: CardApplicationKind): Promise<IssuanceOutcome> {
    const { journal } = this.deps;
    journal.begin(ISSUANCE_JOURNAL_KIND, this.entryId, {
      phase: 'applying',
      personId: this.holder.personId,
      kind,
      applicationId: null,
      cardNumber: null,
      chipSerial: null,
      attempt: 0,
    });
    this.deps.onPhase?.('applying');
    try {
      const applied = await this.server(() =>
        this.deps.server.apply({ personId: this.holder.personId, kind }),
      );
      this.applicationId = applied.applicationId;
      let card = applied.card;
      if (card.status === 'personalising' && card.chipSerial) {
        const serial = card.chipSerial;
        // A card of this application an open entry still accounts for (the citizen may hold it): not ours.
        if (
          journal
            .open(ISSUANCE_JOURNAL_KIND)
            .some((e) => e.id !== this.entryId && e.data.chipSerial === serial)
        )
          throw new Stop(this.outcome('serverError', false, MESSAGES.serverError), true);
        // Nor one that may still be inside the printer (recovery could not put it away).
        if ((await this.printerStatus())?.card !== 'none')
          throw await this.stuck('a half-made card of this application may still be inside the printer');
        // A card of this application left half-made with no entry (its journal lost): spoil it first.
        const spoiled = await this.server(() =>
          this.deps.server.spoil({
            cardNumber: card.cardNumber,
            chipSerial: card.chipSerial ?? '',
            reason: 'other',
          }),
        );
        card = spoiled.retry;
      }
      this.cardNumber = card.cardNumber;
      this.phase('applied', { applicationId: applied.applicationId, cardNumber: card.cardNumber });
      const issued = await this.attempts();
      this.deps.journal.finish(this.entryId, 'issued');
      return { ok: true, card: issued, deviceMs: this.deviceMs, totalMs: this.elapsed() };
    } catch (error) {
      const stop = error instanceof Stop ? error : this.unexpected(error);
      if (this.cardInside) {
        // Never leave a half-made card in the printer for the next citizen: put it away now (the books follow in
        // recovery, which knows the serial from the journal).
        this.phase('rejecting', {});
        const rejected = await this.device(() => this.deps.printer.reject()).catch(() => null);
        if (rejected?.completion === 'success') this.cardInside = false;
      }
      // A stop with a card still inside, or books not yet right, stays open for recovery.
      if (stop.clean && !this.cardInside)
        this.deps.journal.finish(this.entryId, `stopped:${stop.outcome.reason}`);
      else log.warn({ reason: stop.outcome.reason }, 'issuance stopped with work left for recovery');
      return stop.outcome;
    }
  }

  /** Blanks one after another until a card is made or the limit is reached. */
  private async attempts(): Promise<CardView> {
    const { maxBlanks } = this.deps.config;
    let notice: string | null = null;
    for (let attempt = 1; attempt <= maxBlanks; attempt++) {
      try {
        return await this.makeCard(attempt, notice);
      } catch (error) {
        if (!(error instanceof CardFailed)) throw error;
        log.warn({ reason: error.reason, attempt }, 'card failed, rejecting it');
        await this.rejectAndSpoil(error.reason);
        // The visit ended (the session timed out): the half-made card is put away, nothing more is made.
        if (this.signal.aborted) throw new Stop(this.outcome('pinNotSet', false, '办理已取消'), true);
        if (error.fatal) throw await this.stopped('deviceFault', `card printer: ${error.notice}`);
        notice = RETRY_NOTICE;
      }
    }
    throw await this.stopped('attemptsExhausted', `${maxBlanks} blanks failed`);
  }

  private async makeCard(attempt: number, notice: string | null): Promise<CardView> {
    const { printer, encoder, server } = this.deps;
    const cardNumber = this.cardNumber ?? '';
    // --- blank -----------------------------------------------------------------------------------------------
    this.checkVisit();
    this.progress.stage('blank', attempt, notice);
    const status = await this.printerStatus();
    if (!status) throw await this.stopped('deviceFault', 'the card printer does not answer');
    if (status.card !== 'none')
      // A card already inside is not ours to touch: recovery (or staff) put it away first.
      throw await this.stuck(`a card is already inside the printer (${status.card}) before picking`);
    if (status.feeder === 'empty') throw await this.stopped('noStock', 'feeder empty');
    if (status.ribbon === 'out' || status.cover === 'open' || status.rejectBox === 'full' || status.jam)
      throw await this.stopped('deviceFault', status.detail ?? 'card printer not ready');
    this.phase('picking', { attempt, chipSerial: null });
    const picked = await this.device(() => printer.pickToContact());
    if (picked.completion !== 'success') {
      if (picked.errorCode === 'feederEmpty') throw await this.stopped('noStock', 'feeder empty');
      // Refused before any movement, or a misfeed that left a card inside: ask the printer which.
      const after = await this.printerStatus();
      this.cardInside = after?.card !== 'none';
      if (!this.cardInside) throw await this.stopped('deviceFault', `pick refused: ${picked.detail}`);
      // Read its serial if it reached the chip station, then put it away.
      const serial = await this.readSerial();
      if (serial) this.phase('picked', { chipSerial: serial });
      else
        await this.alert(
          'deviceFault',
          null,
          `a misfed blank went to the reject box unread (attempt ${attempt})`,
        );
      throw new CardFailed('other', `pick failed: ${picked.detail}`);
    }
    this.cardInside = true;
    const opened = await this.device(() => encoder.openCard());
    if (opened.completion !== 'success') {
      await this.alert(
        'deviceFault',
        null,
        `a blank whose chip did not answer went to the reject box (attempt ${attempt})`,
      );
      throw new CardFailed('chipWriteFailed', `chip: ${opened.detail}`);
    }
    this.chipSerial = opened.serial;
    this.phase('picked', { chipSerial: opened.serial });

    const data = await this.server(() =>
      server.personalise({ personId: this.holder.personId, cardNumber, chipSerial: opened.serial }),
    );
    if (data.card.cardNumber !== cardNumber || data.card.chipSerial !== opened.serial)
      throw this.unexpected(new Error('personalisation is for another card'));
    this.issuedOn = data.card.issuedOn;
    this.phase('personalised', {});
    // The face is fetched and drawn while the chip is written (CPU and network beside the device's work); a card
    // that fails before printing drops it and overwrites it.
    const face = this.renderFace(data).then(
      (png) => ({ png }),
      (error: unknown) => ({ error }),
    );
    try {
      return await this.personalised(attempt, notice, data, face);
    } finally {
      const drawn = await face;
      if ('png' in drawn) drawn.png.fill(0);
    }
  }

  /** The chip, the check, the print, the PIN and the hand-over of a card bound to this blank. */
  private async personalised(
    attempt: number,
    notice: string | null,
    data: CardPersonalisationData,
    face: Promise<{ png: Uint8Array } | { error: unknown }>,
  ): Promise<CardView> {
    const { printer, encoder, server, journal } = this.deps;
    const cardNumber = this.cardNumber ?? '';

    // --- chip ------------------------------------------------------------------------------------------------
    this.checkVisit();
    this.progress.stage('chip', attempt, notice);
    this.phase('writing', {});
    await this.authenticateChip();
    for (const [file, records] of [
      ['EF05', data.ef05],
      ['EF06', data.ef06],
    ] as const) {
      const written = await this.device(() =>
        encoder.writeFile(
          file,
          records.map((r) => ({ record: r.record, tlv: Buffer.from(r.tlvHex, 'hex') })),
        ),
      );
      if (written.completion !== 'success')
        throw new CardFailed(
          written.errorCode === 'verifyFailed' ? 'readBackMismatch' : 'chipWriteFailed',
          `${file}: ${written.detail}`,
        );
    }
    this.phase('written', {});

    // --- check: read everything back and compare with the server's data ---------------------------------------
    this.progress.stage('check', attempt, notice);
    await this.compareChip(data);
    this.phase('verified', {});

    // --- print -----------------------------------------------------------------------------------------------
    this.checkVisit();
    this.progress.stage('print', attempt, notice);
    const drawn = await face;
    if ('error' in drawn) throw drawn.error;
    const png = drawn.png;
    this.phase('printing', {});
    const moved = await this.device(() => printer.moveToPrint());
    if (moved.completion !== 'success') throw this.printFailure(moved);
    const printed = await this.device(() => printer.printImage(png));
    if (printed.completion !== 'success') throw this.printFailure(printed);
    this.phase('printed', {});
    const back = await this.device(() => printer.toContact());
    if (back.completion !== 'success') throw this.printFailure(back);

    // --- PIN: chosen by the citizen on the PIN pad, set and verified on the card itself ---------------------------
    this.progress.stage('pin', attempt, notice);
    const chosen = await this.asCitizen(() => this.citizen.choosePin(this.signal));
    if (!chosen.ok) {
      log.info({ reason: chosen.reason }, 'PIN not chosen');
      await this.rejectAndSpoil('other');
      throw new Stop(this.outcome('pinNotSet', false), true);
    }
    this.phase('pinSetting', {});
    let pin: string | null = chosen.pin;
    try {
      const reopened = await this.device(() => encoder.openCard());
      if (reopened.completion !== 'success' || reopened.serial !== this.chipSerial)
        throw new CardFailed('chipWriteFailed', 'the card at the chip station is not the one being made');
      await this.authenticateChip();
      const set = await this.device(() => encoder.setPin(pin ?? ''));
      if (set.completion !== 'success') throw new CardFailed('chipWriteFailed', `set PIN: ${set.detail}`);
      const verified = await this.device(() => encoder.verifyPin(pin ?? ''));
      if (verified.completion !== 'success')
        throw new CardFailed('chipWriteFailed', `verify PIN: ${verified.detail}`);
    } finally {
      pin = null;
    }
    await this.device(() => encoder.closeCard());
    this.phase('pinSet', {});

    // --- present, taken, activate --------------------------------------------------------------------------------
    this.progress.stage('take', attempt, notice);
    this.phase('presenting', {});
    const ejected = await this.device(() => printer.eject());
    // An eject that reports failure may still have reached the slot: only a card still inside is a failure.
    if (ejected.completion !== 'success' && (await this.printerStatus())?.card !== 'exit')
      throw this.printFailure(ejected);
    this.citizen.presented(cardNumber);
    // Not the visit's signal: a citizen who lifts the ID card may still take the card; the slot decides.
    const taken = await this.asCitizen(() =>
      printer.waitForCardTaken({ timeoutMs: this.deps.config.takeTimeoutMs }),
    );
    if (taken.completion !== 'success' && (await this.takeBack(cardNumber)) === 'retracted') {
      throw new Stop(this.outcome('notTaken', true), true);
    }
    this.cardInside = false;
    this.phase('taken', {});
    this.progress.stage('activate', attempt, notice);
    this.phase('activating', {});
    const active = await this.server(() =>
      server.activate({ cardNumber, chipSerial: this.chipSerial ?? '' }),
    );
    journal.note(this.entryId, { phase: 'done' });
    return active;
  }

  // --- steps -------------------------------------------------------------------------------------------------

  /**
   * Nobody took the presented card in time: back into the machine's reject box and spoiled (the application stays
   * for the counter), unless the slot is empty by now (taken at the last moment: it is the citizen's). The put-away
   * is noted before it starts, so a crash in between is known to be uncertain.
   */
  private async takeBack(cardNumber: string): Promise<'retracted' | 'taken'> {
    const { printer, server, journal } = this.deps;
    journal.note(this.entryId, { putAway: 'retracting' });
    const retracted = await this.device(() => printer.retract());
    if (retracted.completion !== 'success') {
      const now = await this.printerStatus();
      if (now?.card === 'none') {
        journal.note(this.entryId, { putAway: null });
        return 'taken';
      }
      throw await this.stuck(`retract: ${retracted.detail}`);
    }
    this.cardInside = false;
    this.phase('rejecting', {});
    await this.server(() =>
      server.spoil({ cardNumber, chipSerial: this.chipSerial ?? '', reason: 'notTaken' }),
    );
    this.chipSerial = null;
    await this.alert('cardNotTaken', cardNumber, 'card not taken, retracted into the reject box');
    return 'retracted';
  }

  /** What the printer's sensors say now; null when it does not answer (unplugged, powered off). */
  private async printerStatus(): Promise<CardPrinterStatus | null> {
    try {
      return await this.device(() => this.deps.printer.refreshStatus());
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'card printer status not read');
      return null;
    }
  }

  /** The visit ended (the session timed out or the citizen left): make no more, put away what is inside. */
  private checkVisit(): void {
    if (this.signal.aborted) throw new CardFailed('other', 'the visit ended');
  }

  /** GET CHALLENGE, the cryptogram from the card-management service, EXTERNAL AUTHENTICATE. */
  private async authenticateChip(): Promise<void> {
    const { encoder, server } = this.deps;
    const challenge = await this.device(() => encoder.getChallenge());
    if (challenge.completion !== 'success')
      throw new CardFailed('chipWriteFailed', `challenge: ${challenge.detail}`);
    const cryptogram = await this.server(() =>
      server.cryptogram({
        cardNumber: this.cardNumber ?? '',
        chipSerial: this.chipSerial ?? '',
        challengeHex: challenge.challenge.toString('hex').toUpperCase(),
      }),
    );
    const auth = await this.device(() =>
      encoder.externalAuthenticate(Buffer.from(cryptogram.cryptogramHex, 'hex')),
    );
    if (auth.completion !== 'success')
      throw new CardFailed('chipWriteFailed', `authenticate: ${auth.detail}`);
  }

  /** Every record of EF05 and EF06 read again from the chip and compared byte for byte with the server's. */
  private async compareChip(data: CardPersonalisationData): Promise<void> {
    const { encoder } = this.deps;
    const files: [SsseFile, CardPersonalisationData['ef05']][] = [
      ['EF05', data.ef05],
      ['EF06', data.ef06],
    ];
    for (const [file, records] of files) {
      const selected = await this.device(() => encoder.selectFile(file));
      if (selected.completion !== 'success')
        throw new CardFailed('readBackMismatch', `${file}: ${selected.detail}`);
      for (const r of records) {
        const read = await this.device(() => encoder.readRecord(r.record));
        if (read.completion !== 'success')
          throw new CardFailed('readBackMismatch', `${file} record ${r.record}: ${read.detail}`);
        if (read.tlv.toString('hex').toUpperCase() !== r.tlvHex)
          throw new CardFailed(
            'readBackMismatch',
            `${file} record ${r.record} differs from the server's data`,
          );
      }
    }
  }

  private async renderFace(data: CardPersonalisationData): Promise<Uint8Array> {
    const photo = await this.server(() =>
      this.deps.server.photo({ cardNumber: this.cardNumber ?? '', chipSerial: this.chipSerial ?? '' }),
    );
    try {
      return await this.deps.renderFace({
        name: this.holder.name,
        socialSecurityNumber: this.holder.idNumber,
        cardNumber: data.card.cardNumber,
        bankName: this.deps.config.bankName,
        issueDate: (this.issuedOn ?? new Date().toISOString()).slice(0, 7),
        photoJpeg: photo.jpeg,
      });
    } catch (error) {
      throw new CardFailed('printFailed', `card face: ${(error as Error).message}`, true);
    } finally {
      photo.jpeg.fill(0);
    }
  }

  private printFailure(result: CardPrinterResult): CardFailed {
    if (result.completion === 'success') return new CardFailed('other', 'unexpected');
    const fatal = result.errorCode === 'ribbonOut' || result.errorCode === 'coverOpen';
    return new CardFailed('printFailed', `${result.errorCode ?? 'error'}: ${result.detail}`, fatal);
  }

  /** The card inside goes to the reject box and is spoiled in the books; the application gets a new number. */
  private async rejectAndSpoil(reason: SpoilReason): Promise<void> {
    const { printer, server } = this.deps;
    this.phase('rejecting', {});
    if (this.cardInside) {
      await this.deps.encoder.closeCard().catch(() => undefined);
      const rejected = await this.device(() => printer.reject());
      if (rejected.completion !== 'success') throw await this.stuck(`reject: ${rejected.detail}`);
      this.cardInside = false;
    }
    // The serial stays known until the books are right: a server that fails here leaves the entry open.
    const serial = this.chipSerial;
    if (!serial) {
      this.phase('applied', { chipSerial: null });
      return;
    }
    const overview = await this.server(() => server.overview(this.holder.personId));
    const card = overview.cards.find((c) => c.cardNumber === this.cardNumber);
    if (card?.status === 'personalising' && card.chipSerial === serial) {
      const spoiled = await this.server(() =>
        server.spoil({ cardNumber: card.cardNumber, chipSerial: serial, reason }),
      );
      this.cardNumber = spoiled.retry.cardNumber;
    } else {
      // The blank never got bound to the card (the personalisation did not happen): spoil the blank alone.
      await this.server(() => server.spoilBlank({ chipSerial: serial, reason: 'other' }));
    }
    this.chipSerial = null;
    this.phase('applied', { cardNumber: this.cardNumber, chipSerial: null });
  }

  /** The serial of a card inside the printer, if it can be read at the chip station. */
  private async readSerial(): Promise<string | null> {
    // A card that jammed at the chip station can still be read there; otherwise try to bring it there.
    let opened = await this.device(() => this.deps.encoder.openCard());
    if (opened.completion !== 'success') {
      const at = await this.device(() => this.deps.printer.toContact());
      if (at.completion !== 'success') return null;
      opened = await this.device(() => this.deps.encoder.openCard());
      if (opened.completion !== 'success') return null;
    }
    this.chipSerial = opened.serial;
    return opened.serial;
  }

  // --- plumbing ----------------------------------------------------------------------------------------------

  private phase(phase: IssuancePhase, data: Record<string, string | number | null>): void {
    this.deps.journal.note(this.entryId, { phase, ...data });
    this.deps.onPhase?.(phase);
  }

  private async device<T extends CardPrinterResult | ChipResult<object> | object>(
    call: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.deviceMs += performance.now() - started;
    }
  }

  private async asCitizen<T>(call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await call();
    } finally {
      this.citizenMs += performance.now() - started;
    }
  }

  /** A server call; a failure stops the issuance with the application kept (and the journal open if a card is inside). */
  private async server<T>(call: () => Promise<Result<T>>): Promise<T> {
    const result = await call();
    if (result.ok) return result.data;
    log.warn({ code: result.code }, 'card server call failed');
    if (result.code === 'NOT_ELIGIBLE' && this.applicationId === null) {
      throw new Stop(
        {
          ok: false,
          reason: 'serverError',
          applicationKept: false,
          staffAlerted: false,
          applicationId: null,
          message: result.message,
        },
        true,
      );
    }
    throw new Stop(
      this.outcome('serverError', false, result.message),
      !this.cardInside && this.chipSerial === null,
    );
  }

  private async stopped(
    reason: 'noStock' | 'deviceFault' | 'attemptsExhausted',
    detail: string,
  ): Promise<Stop> {
    const alerted = await this.alert(
      reason === 'noStock' ? 'cardStockLow' : 'cardIssuanceStopped',
      this.applicationId,
      `${reason}: ${detail}`.slice(0, 300),
    );
    return new Stop(this.outcome(reason, alerted), !this.cardInside);
  }

  /** A card that cannot be put away: the journal stays open, staff must open the printer. */
  private async stuck(detail: string): Promise<Stop> {
    const alerted = await this.alert('cardStuck', this.chipSerial ?? this.cardNumber, detail.slice(0, 300));
    return new Stop(this.outcome('deviceFault', alerted), false);
  }

  private async alert(kind: KioskAlertKind, reference: string | null, detail: string): Promise<boolean> {
    const sent = await this.deps.server.alert({ kind, reference, detail }).catch(() => null);
    if (!sent?.ok) log.warn({ kind }, 'staff alert not delivered');
    return Boolean(sent?.ok);
  }

  private outcome(
    reason: Extract<IssuanceOutcome, { ok: false }>['reason'],
    staffAlerted: boolean,
    message?: string,
  ): Extract<IssuanceOutcome, { ok: false }> {
    return {
      ok: false,
      reason,
      applicationKept: this.applicationId !== null,
      staffAlerted,
      applicationId: this.applicationId,
      message: message ?? MESSAGES[reason],
    };
  }

  private unexpected(error: unknown): Stop {
    log.error({ err: (error as Error).message }, 'issuance failed unexpectedly');
    return new Stop(this.outcome('serverError', false, MESSAGES.serverError), false);
  }

  private elapsed(): number {
    return performance.now() - this.started - this.citizenMs;
  }
}
