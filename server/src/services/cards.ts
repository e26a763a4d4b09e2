import { type CardsConfig, defaultCardsConfig } from '@sik/config';
import type {
  CardOverview,
  CardPersonalisation,
  CardStockCloseResponse,
  CardStockCounts,
  CardView,
} from '@sik/contract';
import { maskName } from '@sik/contract';
import type { Db, Queryable } from '../db/db.ts';
import { ConflictError, NotEligibleError, NotFoundError } from '../errors.ts';
import {
  type CardManagement,
  createCardManagementSimulator,
} from '../integrations/card-management/simulator.ts';
import { appendAuditInTransaction } from '../repositories/audit.ts';
import { registryPhoto } from '../repositories/authentication.ts';
import {
  type ApplicationKind,
  addCardEvent,
  blanksOfKiosk,
  type CardRecord,
  cardsOf,
  existingBlanks,
  findBlank,
  findCard,
  insertApplication,
  insertBatch,
  insertCard,
  nextCardNumber,
  openApplicationOf,
  setApplicationStatus,
  setBlankStatus,
  stockCounts,
  updateCard,
  upsertClose,
} from '../repositories/cards.ts';
import { nextReference } from '../repositories/cases.ts';
import { identityOf } from '../repositories/people.ts';
import { actorOf } from './authentication/audit.ts';
import { currentVerification } from './authentication/identity.ts';
import { businessDay, type Clock, nowOf } from './cases.ts';
import { isUniqueViolation } from './enrollment.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';
import { requireStaff } from './staff-auth.ts';

/**
 * Social security cards made at the kiosk (社保卡即时制卡): the lifecycle applied -> personalising -> active ->
 * lost -> cancelled (spoiled when a blank fails; the application then gets a new card and number), the blank-card
 * stock of each kiosk and its end-of-day close. AT MOST ONE ACTIVE CARD PER PERSON is the database's rule (a
 * partial unique index): the checks here give the citizen a plain answer, the index makes a race impossible.
 * Logs and audit details carry card numbers, chip serials and person ids, never names or ID numbers.
 */

export interface CardDeps extends Clock {
  db: Db;
  cards?: CardsConfig;
  cardManagement?: CardManagement;
}

const cfg = (deps: CardDeps): CardsConfig => deps.cards ?? defaultCardsConfig();

let defaultManagement: { key: string; cm: CardManagement } | undefined;
function management(deps: CardDeps): CardManagement {
  if (deps.cardManagement) return deps.cardManagement;
  const c = cfg(deps);
  if (defaultManagement?.key !== c.issuerMasterKeyHex + c.issuerCode) {
    defaultManagement = {
      key: c.issuerMasterKeyHex + c.issuerCode,
      cm: createCardManagementSimulator({
        masterKey: Buffer.from(c.issuerMasterKeyHex, 'hex'),
        issuerCode: c.issuerCode,
      }),
    };
  }
  return defaultManagement.cm;
}

/** The audit line of something a kiosk did, in the same transaction. */
function kioskAudit(
  tx: Queryable,
  kiosk: AuthenticatedKiosk,
  action: string,
  details: Parameters<typeof appendAuditInTransaction>[1]['details'],
  at: Date,
): Promise<unknown> {
  return appendAuditInTransaction(tx, { ...actorOf(kiosk), action, result: 'ok', details }, at);
}

export const cardView = (c: CardRecord): CardView => ({
  cardNumber: c.cardNumber,
  applicationId: c.applicationId,
  status: c.status,
  chipSerial: c.chipSerial,
  issuedOn: c.issuedOn,
  validUntil: c.validUntil,
});

/** The same day `years` later (29 February -> 28 February). */
export function addYearsIso(day: string, years: number): string {
  const [y, m, d] = day.split('-');
  const year = Number(y) + years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${year}-${m}-${m === '02' && d === '29' && !leap ? '28' : d}`;
}

async function requirePerson(q: Queryable, personId: string) {
  const identity = await identityOf(q, personId);
  if (!identity) throw new NotFoundError('PERSON_NOT_FOUND', '未找到该人员');
  return identity;
}

/** What a person may apply for, from their cards and open application. */
function allowedKinds(
  cards: CardRecord[],
  open: { kind: ApplicationKind; status: string } | null,
): ApplicationKind[] {
  if (open?.status === 'applied') return [];
  if (open?.status === 'queued') return ['first'];
  if (cards.some((c) => c.status === 'active')) return ['renewal'];
  if (cards.some((c) => c.status === 'lost')) return ['replacement'];
  return ['first'];
}

const KIND_WORDS: Record<ApplicationKind, string> = {
  first: '首次申领',
  replacement: '补卡',
  renewal: '换卡',
};

export async function cardOverview(deps: CardDeps, personId: string): Promise<CardOverview> {
  await requirePerson(deps.db, personId);
  const [cards, open] = await Promise.all([cardsOf(deps.db, personId), openApplicationOf(deps.db, personId)]);
  return { cards: cards.map(cardView), openApplication: open, allowed: allowedKinds(cards, open) };
}

/**
 * A new application (first, replacement, renewal, or a bundle's queued first one) for a person whose identity
 * was verified at this kiosk within cards.identityCheckMinutes (identity_verifications: the face check or a
 * staff confirmation); the same application asked again (the kiosk lost the answer) gets its card back.
 */
export async function applyForCard(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; kind: ApplicationKind },
): Promise<{ applicationId: string; card: CardView }> {
  const { personId, kind } = request;
  await requirePerson(deps.db, personId);
  const at = nowOf(deps);
  const today = businessDay(deps);
  try {
    return await deps.db.transaction(async (tx) => {
      const cards = await cardsOf(tx, personId);
      const open = await openApplicationOf(tx, personId);
      if (open?.status === 'applied') {
        const inProgress = cards.find(
          (c) =>
            c.applicationId === open.applicationId &&
            (c.status === 'applied' || c.status === 'personalising'),
        );
        // A retry of the same application (the kiosk lost the answer): the same card.
        if (open.kind === kind && inProgress && inProgress.kioskId === kiosk.kioskId)
          return { applicationId: open.applicationId, card: cardView(inProgress) };
        throw new ConflictError('您已有一份正在办理的社保卡申请，请先完成该申请');
      }
      if (!allowedKinds(cards, open).includes(kind)) {
        throw new NotEligibleError(
          kind === 'first'
            ? '您已有社保卡，无需首次申领'
            : kind === 'replacement'
              ? '只有已挂失的社保卡才能补卡'
              : '只有正在使用的社保卡才能换卡',
          'kind',
        );
      }
      // Identity -> face check -> application: a new application (a bundle's queued one too) needs the
      // person verified at this kiosk moments ago, by the face check or by a staff member.
      const minutes = cfg(deps).identityCheckMinutes;
      if (!(await currentVerification(tx, personId, kiosk.kioskId, 'cardIssuance', minutes, at))) {
        throw new NotEligibleError(
          `申领社保卡前需要先在本机完成人脸核验（或由工作人员当面核实身份），${minutes}分钟内有效；请先完成人脸核验再申请`,
          'identityVerification',
        );
      }
      let applicationId: string;
      if (open?.status === 'queued') {
        // The bundle's queued first application is made here, now.
        applicationId = open.applicationId;
        await setApplicationStatus(tx, applicationId, 'applied', at, kiosk.kioskId);
      } else {
        applicationId = await nextReference(tx, 'CA', today);
        await insertApplication(tx, { applicationId, personId, kind, kioskId: kiosk.kioskId, at });
      }
      const cardNumber = await nextCardNumber(tx, cfg(deps).cardNumberPrefix);
      await insertCard(tx, { cardNumber, applicationId, personId, kioskId: kiosk.kioskId, at });
      await addCardEvent(tx, { cardNumber, kind: 'applied', at, kioskId: kiosk.kioskId });
      await kioskAudit(tx, kiosk, 'card.apply', { personId, kind, applicationId, cardNumber }, at);
      const card = await findCard(tx, cardNumber);
      if (!card) throw new Error('card vanished');
      return { applicationId, card: cardView(card) };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError(`该人员的社保卡${KIND_WORDS[kind]}正在另一台设备上办理`);
    throw error;
  }
}

async function cardOfPerson(tx: Queryable, personId: string, cardNumber: string): Promise<CardRecord> {
  const card = await findCard(tx, cardNumber, true);
  if (!card || card.personId !== personId) throw new NotFoundError('NOT_FOUND', '未找到该社保卡');
  return card;
}

/** Can a kiosk act on this card with this blank? (the card is made where it was applied for). */
async function cardAtKiosk(tx: Queryable, kiosk: AuthenticatedKiosk, cardNumber: string, chipSerial: string) {
  const card = await findCard(tx, cardNumber, true);
  if (!card) throw new NotFoundError('NOT_FOUND', '未找到该社保卡');
  if (card.kioskId !== kiosk.kioskId) throw new ConflictError('该卡正在另一台设备上制作', 'cardNumber');
  if (card.chipSerial !== chipSerial) throw new ConflictError('卡片芯片序列号与制卡记录不符', 'chipSerial');
  return card;
}

export async function reportLoss(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; cardNumber: string },
): Promise<CardView> {
  const at = nowOf(deps);
  return deps.db.transaction(async (tx) => {
    const card = await cardOfPerson(tx, request.personId, request.cardNumber);
    if (card.status === 'lost') return cardView(card);
    if (card.status !== 'active') throw new NotEligibleError('只有正在使用的社保卡可以挂失', 'cardNumber');
    await updateCard(tx, card.cardNumber, { status: 'lost', at });
    await addCardEvent(tx, { cardNumber: card.cardNumber, kind: 'reportedLost', at, kioskId: kiosk.kioskId });
    await kioskAudit(
      tx,
      kiosk,
      'card.reportLoss',
      { personId: card.personId, cardNumber: card.cardNumber },
      at,
    );
    return cardView({ ...card, status: 'lost' });
  });
}

export async function personaliseCard(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { personId: string; cardNumber: string; chipSerial: string },
): Promise<CardPersonalisation> {
  const at = nowOf(deps);
  const today = businessDay(deps);
  const identity = await requirePerson(deps.db, request.personId);
  const card = await deps.db.transaction(async (tx) => {
    const card = await cardOfPerson(tx, request.personId, request.cardNumber);
    if (
      card.status === 'personalising' &&
      card.chipSerial === request.chipSerial &&
      card.kioskId === kiosk.kioskId
    ) {
      return card; // a retry: the same data again
    }
    if (card.status !== 'applied') throw new ConflictError('该卡不在待制作状态', 'cardNumber');
    if (card.kioskId !== kiosk.kioskId) throw new ConflictError('该卡正在另一台设备上制作', 'cardNumber');
    const blank = await findBlank(tx, request.chipSerial, true);
    if (!blank || blank.kioskId !== kiosk.kioskId || blank.status !== 'inStock') {
      throw new ConflictError('该空白卡不在本机库存中', 'chipSerial');
    }
    const validUntil = addYearsIso(today, cfg(deps).validityYears);
    await setBlankStatus(tx, request.chipSerial, 'inUse', at, null);
    await updateCard(tx, card.cardNumber, {
      status: 'personalising',
      at,
      chipSerial: request.chipSerial,
      issuedOn: today,
      validUntil,
    });
    await addCardEvent(tx, {
      cardNumber: card.cardNumber,
      kind: 'personalising',
      at,
      kioskId: kiosk.kioskId,
    });
    return {
      ...card,
      status: 'personalising' as const,
      chipSerial: request.chipSerial,
      issuedOn: today,
      validUntil,
    };
  });
  const issuedOn = card.issuedOn ?? today;
  const validUntil = card.validUntil ?? addYearsIso(today, cfg(deps).validityYears);
  const data = management(deps).personalisation(
    {
      idNumber: identity.idNumber,
      name: identity.name,
      sexCode: identity.sexCode,
      nationCode: identity.cardType === 'resident' ? identity.nationCode : null,
      birthDate: identity.birthDate,
    },
    { cardNumber: card.cardNumber, issuedOn, validUntil },
    request.personId,
  );
  return {
    card: cardView(card),
    ef05: data.ef05.map((r) => ({ record: r.record, tlvHex: r.tlv.toString('hex').toUpperCase() })),
    ef06: data.ef06.map((r) => ({ record: r.record, tlvHex: r.tlv.toString('hex').toUpperCase() })),
    print: {
      maskedName: maskName(identity.name),
      cardNumber: card.cardNumber,
      photoRef: data.photoRef,
      validUntil,
    },
  };
}

export async function cardCryptogram(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { cardNumber: string; chipSerial: string; challengeHex: string },
): Promise<{ cryptogramHex: string }> {
  const card = await cardAtKiosk(deps.db, kiosk, request.cardNumber, request.chipSerial);
  if (card.status !== 'personalising') throw new ConflictError('该卡不在制作中', 'cardNumber');
  const cryptogram = management(deps).cryptogram(
    request.chipSerial,
    Buffer.from(request.challengeHex, 'hex'),
  );
  return { cryptogramHex: cryptogram.toString('hex').toUpperCase() };
}

export async function activateCard(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { cardNumber: string; chipSerial: string },
): Promise<CardView> {
  const at = nowOf(deps);
  const today = businessDay(deps);
  try {
    return await deps.db.transaction(async (tx) => {
      const card = await cardAtKiosk(tx, kiosk, request.cardNumber, request.chipSerial);
      if (card.status === 'active') return cardView(card);
      if (card.status !== 'personalising') throw new ConflictError('该卡不在制作中，不能启用', 'cardNumber');
      // The card it replaces (renewal: the active one; replacement: the lost one) is cancelled first, in the same
      // transaction: the unique index is checked per statement.
      for (const other of await cardsOf(tx, card.personId)) {
        if (other.cardNumber !== card.cardNumber && (other.status === 'active' || other.status === 'lost')) {
          await updateCard(tx, other.cardNumber, { status: 'cancelled', at });
          await addCardEvent(tx, {
            cardNumber: other.cardNumber,
            kind: 'cancelled',
            at,
            kioskId: kiosk.kioskId,
          });
        }
      }
      await updateCard(tx, card.cardNumber, { status: 'active', at });
      await addCardEvent(tx, { cardNumber: card.cardNumber, kind: 'activated', at, kioskId: kiosk.kioskId });
      await setBlankStatus(tx, request.chipSerial, 'issued', at, today);
      await setApplicationStatus(tx, card.applicationId, 'issued', at);
      await kioskAudit(
        tx,
        kiosk,
        'card.activate',
        { personId: card.personId, cardNumber: card.cardNumber, chipSerial: request.chipSerial },
        at,
      );
      return cardView({ ...card, status: 'active' });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('该人员已有一张正在使用的社保卡', 'cardNumber');
    throw error;
  }
}

export async function spoilCard(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { cardNumber: string; chipSerial: string; reason: string },
): Promise<{ spoiled: CardView; retry: CardView }> {
  const at = nowOf(deps);
  const today = businessDay(deps);
  return deps.db.transaction(async (tx) => {
    const card = await cardAtKiosk(tx, kiosk, request.cardNumber, request.chipSerial);
    const retryOf = async (): Promise<CardView> => {
      const retry = (await cardsOf(tx, card.personId)).find(
        (c) =>
          c.applicationId === card.applicationId && (c.status === 'applied' || c.status === 'personalising'),
      );
      if (!retry) throw new ConflictError('该申请已没有待制作的卡', 'cardNumber');
      return cardView(retry);
    };
    if (card.status === 'spoiled') return { spoiled: cardView(card), retry: await retryOf() };
    if (card.status !== 'personalising') throw new ConflictError('该卡不在制作中，不能作废', 'cardNumber');
    await updateCard(tx, card.cardNumber, { status: 'spoiled', at });
    await addCardEvent(tx, { cardNumber: card.cardNumber, kind: 'spoiled', at, kioskId: kiosk.kioskId });
    await setBlankStatus(tx, request.chipSerial, 'spoiled', at, today);
    // The spoiled card's number may be printed on a card in the reject box: the retry gets a new number.
    const cardNumber = await nextCardNumber(tx, cfg(deps).cardNumberPrefix);
    await insertCard(tx, {
      cardNumber,
      applicationId: card.applicationId,
      personId: card.personId,
      kioskId: kiosk.kioskId,
      at,
    });
    await addCardEvent(tx, { cardNumber, kind: 'applied', at, kioskId: kiosk.kioskId });
    await kioskAudit(
      tx,
      kiosk,
      'card.spoil',
      {
        cardNumber: card.cardNumber,
        chipSerial: request.chipSerial,
        reason: request.reason,
        retry: cardNumber,
      },
      at,
    );
    return { spoiled: cardView({ ...card, status: 'spoiled' }), retry: await retryOf() };
  });
}

/**
 * A blank that went to the reject box before it was bound to a card (its serial was read, the personalisation
 * never happened). Spoiled in the books; asking again gives the same answer.
 */
export async function spoilBlank(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { chipSerial: string; reason: string },
): Promise<{ chipSerial: string; status: 'spoiled' }> {
  const at = nowOf(deps);
  const today = businessDay(deps);
  return deps.db.transaction(async (tx) => {
    const blank = await findBlank(tx, request.chipSerial, true);
    if (!blank || blank.kioskId !== kiosk.kioskId)
      throw new NotFoundError('NOT_FOUND', '该空白卡不在本机库存中');
    if (blank.status === 'spoiled') return { chipSerial: request.chipSerial, status: 'spoiled' as const };
    if (blank.status !== 'inStock') throw new ConflictError('该卡已用于制卡，请按制卡记录作废', 'chipSerial');
    await setBlankStatus(tx, request.chipSerial, 'spoiled', at, today);
    await kioskAudit(
      tx,
      kiosk,
      'card.blankSpoil',
      { chipSerial: request.chipSerial, reason: request.reason },
      at,
    );
    return { chipSerial: request.chipSerial, status: 'spoiled' as const };
  });
}

/** The photo printed on a card being made at this kiosk: the person's registry photo. */
export async function cardPhoto(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { cardNumber: string; chipSerial: string },
): Promise<{ jpegBase64: string }> {
  const card = await cardAtKiosk(deps.db, kiosk, request.cardNumber, request.chipSerial);
  if (card.status !== 'personalising') throw new ConflictError('该卡不在制作中', 'cardNumber');
  const photo = await registryPhoto(deps.db, card.personId);
  if (!photo) throw new NotEligibleError('照片库中没有您的照片，不能在本机制卡，请到柜台办理', 'photo');
  // Every hand-out of a person's photo is on the record (ids only, never the image).
  await deps.db.transaction((tx) =>
    kioskAudit(
      tx,
      kiosk,
      'card.photo',
      { personId: card.personId, cardNumber: card.cardNumber },
      nowOf(deps),
    ),
  );
  return { jpegBase64: Buffer.from(photo.jpeg).toString('base64') };
}

/** Something at the kiosk needs staff: recorded with references only. */
export async function raiseAlert(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { kind: string; reference: string | null; detail: string },
): Promise<{ alertId: string }> {
  const at = nowOf(deps);
  return deps.db.transaction(async (tx) => {
    const alertId = await nextReference(tx, 'AL', businessDay(deps));
    await tx.query(
      `INSERT INTO kiosk_alerts (alert_id, kiosk_id, kind, reference, detail, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [alertId, kiosk.kioskId, request.kind, request.reference, request.detail, at],
    );
    await kioskAudit(
      tx,
      kiosk,
      'kiosk.alert',
      { alertId, kind: request.kind, reference: request.reference ?? '' },
      at,
    );
    return { alertId };
  });
}

// --- blank-card stock ---

/** `count` consecutive serials from `first` (hex, same width). */
export function serialRange(first: string, count: number): string[] {
  const start = BigInt(`0x${first}`);
  const out: string[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const serial = (start + i).toString(16).toUpperCase().padStart(first.length, '0');
    if (serial.length > first.length) throw new NotEligibleError('序列号超出范围', 'count');
    out.push(serial);
  }
  return out;
}

async function countsView(q: Queryable, kioskId: string, day: string): Promise<CardStockCounts> {
  return { kioskId, businessDay: day, ...(await stockCounts(q, kioskId, day)) };
}

export async function loadStock(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { staffToken: string; firstSerial: string; count: number },
) {
  const staff = await requireStaff(deps, kiosk, request.staffToken, 'card.stockLoad');
  const at = nowOf(deps);
  const today = businessDay(deps);
  const serials = serialRange(request.firstSerial, request.count);
  try {
    return await deps.db.transaction(async (tx) => {
      const taken = await existingBlanks(tx, serials);
      if (taken.length > 0) {
        throw new ConflictError(
          `以下空白卡已入库：${taken.slice(0, 5).join('、')}${taken.length > 5 ? '等' : ''}`,
          'firstSerial',
        );
      }
      const batchId = await nextReference(tx, 'CB', today);
      await insertBatch(tx, {
        batchId,
        kioskId: kiosk.kioskId,
        serials,
        loadedBy: staff.staffNumber,
        at,
        day: today,
      });
      await appendAuditInTransaction(
        tx,
        {
          actor: `staff:${staff.staffNumber}`,
          kioskId: kiosk.kioskId,
          action: 'card.stockLoad',
          result: 'ok',
          details: {
            batchId,
            firstSerial: serials[0] ?? '',
            lastSerial: serials.at(-1) ?? '',
            count: serials.length,
          },
        },
        at,
      );
      return {
        batchId,
        firstSerial: serials[0] ?? request.firstSerial,
        lastSerial: serials.at(-1) ?? request.firstSerial,
        stock: await countsView(tx, kiosk.kioskId, today),
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('空白卡已入库', 'firstSerial');
    throw error;
  }
}

export async function stockOf(deps: CardDeps, kiosk: AuthenticatedKiosk, staffToken: string) {
  await requireStaff(deps, kiosk, staffToken, 'card.stock');
  return countsView(deps.db, kiosk.kioskId, businessDay(deps));
}

type Found = 'feeder' | 'rejectBox' | 'absent';

/**
 * End-of-day close (日终轧账): the books must balance (opening + loaded = issued + spoiled + inUse + remaining)
 * and what staff found must match them: blanks in stock are in the feeder, blanks spoiled today are in the
 * reject box (staff empty it at each close), issued ones are gone, and nothing is left in use. Every mismatch is
 * a difference with its serial. Closing again the same day (a recount) replaces the day's close.
 */
export async function closeStock(
  deps: CardDeps,
  kiosk: AuthenticatedKiosk,
  request: { staffToken: string; feederSerials: string[]; rejectBoxSerials: string[] },
): Promise<CardStockCloseResponse> {
  const staff = await requireStaff(deps, kiosk, request.staffToken, 'card.stockClose');
  const at = nowOf(deps);
  const today = businessDay(deps);
  return deps.db.transaction(async (tx) => {
    const found = new Map<string, Found>();
    for (const s of request.feederSerials) found.set(s, 'feeder');
    for (const s of request.rejectBoxSerials) found.set(s, 'rejectBox');
    const blanks = await blanksOfKiosk(tx, kiosk.kioskId);
    const booked = new Map(blanks.map((b) => [b.chipSerial, b]));
    const differences: CardStockCloseResponse['differences'] = [];
    for (const b of blanks) {
      const expected: Found =
        b.status === 'inStock'
          ? 'feeder'
          : b.status === 'spoiled' && b.usedOn === today
            ? 'rejectBox'
            : 'absent';
      const where = found.get(b.chipSerial) ?? 'absent';
      if (b.status === 'inUse' || where !== expected) {
        differences.push({ chipSerial: b.chipSerial, booked: b.status, found: where });
      }
    }
    for (const [serial, where] of found) {
      if (!booked.has(serial)) differences.push({ chipSerial: serial, booked: null, found: where });
    }
    differences.sort((a, b) => (a.chipSerial < b.chipSerial ? -1 : 1));
    const stock = await countsView(tx, kiosk.kioskId, today);
    const booksBalance =
      stock.opening + stock.loaded === stock.issued + stock.spoiled + stock.inUse + stock.remaining;
    const balanced = booksBalance && differences.length === 0;
    await upsertClose(tx, {
      kioskId: kiosk.kioskId,
      businessDay: today,
      opening: stock.opening,
      loaded: stock.loaded,
      issued: stock.issued,
      spoiled: stock.spoiled,
      remaining: stock.remaining,
      balanced,
      differences,
      closedBy: staff.staffNumber,
      closedAt: at,
    });
    await appendAuditInTransaction(
      tx,
      {
        actor: `staff:${staff.staffNumber}`,
        kioskId: kiosk.kioskId,
        action: 'card.stockClose',
        result: balanced ? 'ok' : 'differences',
        details: { businessDay: today, differences: differences.length, remaining: stock.remaining },
      },
      at,
    );
    return { stock, balanced, differences, closedAt: at.toISOString() };
  });
}
