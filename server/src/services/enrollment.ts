import {
  type EnrollmentPrefillResponse,
  type EnrollmentSubmitRequest,
  type EnrollmentSubmitResponse,
  type FailedRule,
  maskIdNumber,
  maskName,
} from '@sik/contract';
import type { Db, Queryable } from '../db/db.ts';
import { ConflictError, InvalidInputError, NotEligibleError, NotFoundError } from '../errors.ts';
import { appendAudit, appendAuditInTransaction } from '../repositories/audit.ts';
import { insertCase, nextReference } from '../repositories/cases.ts';
import {
  findEnrollmentByKey,
  insertCommitment,
  insertEnrollment,
  insertResidentPension,
  isFullTimeStudent,
  latestPhoneOf,
  lockPerson,
} from '../repositories/enrollment.ts';
import { insuranceRecordsOf, type PersonBasics, personBasics } from '../repositories/records.ts';
import { businessDay, type Clock, fingerprint, nowOf } from './cases.ts';
import type { AuthenticatedKiosk } from './kiosk-auth.ts';

/**
 * Enrollment in the urban-rural residents' basic pension (参保登记). Rules are checked against the records
 * (never against what the citizen says); approval is automatic (秒批) when every rule holds; a commitment
 * (告知承诺) may replace the residence proof and puts the case on the list for a spot check.
 */

export interface EnrollmentDeps extends Clock {
  db: Db;
  config: { residentPension: { gradesYuan: readonly number[]; minAge: number } };
}

/** The commitment the citizen signs instead of a residence proof; its version is recorded with the signature. */
export const RESIDENCE_COMMITMENT = {
  version: 'residence-proof-commitment/2026-1',
  text:
    '本人承诺：本人在本地居住，所填写的户籍类型、联系方式等信息真实、准确、完整。本人知晓社会保险经办机构将在承诺之日起60日内对承诺内容进行核查；' +
    '如承诺不实，将撤销本次参保登记，并依法承担相应责任，记入信用记录。',
  checkWithinDays: 60,
} as const;

export interface EligibilityInput {
  person: PersonBasics;
  today: string;
  minAge: number;
}

function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Every rule the person fails today, in plain Chinese; empty when they may enroll. */
export async function enrollmentRuleFailures(q: Queryable, input: EligibilityInput): Promise<FailedRule[]> {
  const { person, today, minAge } = input;
  const [insurances, student] = await Promise.all([
    insuranceRecordsOf(q, person.personId),
    isFullTimeStudent(q, person.personId, today),
  ]);
  const failed: FailedRule[] = [];
  if (ageOn(person.birthDate, today) < minAge) {
    failed.push({ rule: 'minAge', message: `未满${minAge}周岁，暂不能参加城乡居民养老保险` });
  }
  const pension = insurances.find((i) => i.type === 'pension');
  if (pension?.scheme === 'employee' && pension.status === 'active') {
    failed.push({
      rule: 'notInEmployeeScheme',
      message: '您正在参加城镇职工基本养老保险，不能同时参加城乡居民养老保险',
    });
  } else if (pension?.scheme === 'employee') {
    failed.push({
      rule: 'noEmployeeSchemeRecord',
      message: '您有已中断的城镇职工养老保险记录，转入城乡居民养老保险需到人社服务窗口办理制度衔接',
    });
  }
  if (student) {
    failed.push({ rule: 'notFullTimeStudent', message: '全日制在校学生不参加城乡居民养老保险' });
  }
  if (pension?.scheme === 'resident') {
    failed.push({ rule: 'notAlreadyEnrolled', message: '您已参加城乡居民养老保险，无需重复登记' });
  }
  return failed;
}

/** A refusal naming every failed rule; `field` carries the first rule's id for the agent. */
export function notEligible(failed: readonly FailedRule[], prefix = ''): NotEligibleError {
  return new NotEligibleError(`${prefix}${failed.map((f) => f.message).join('；')}`, failed[0]?.rule);
}

export async function findPersonOrThrow(q: Queryable, personId: string): Promise<PersonBasics> {
  const person = await personBasics(q, personId);
  if (!person) throw new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId');
  return person;
}

export function checkGrade(deps: EnrollmentDeps, gradeYuan: unknown, field = 'gradeYuan'): number {
  const grades = deps.config.residentPension.gradesYuan;
  if (typeof gradeYuan !== 'number' || !grades.includes(gradeYuan)) {
    throw new InvalidInputError(`${field}: 缴费档次应为 ${grades.join('、')} 元之一`, field);
  }
  return gradeYuan;
}

export async function enrollmentPrefill(
  deps: EnrollmentDeps,
  kiosk: AuthenticatedKiosk,
  personId: string,
): Promise<EnrollmentPrefillResponse> {
  const person = await personBasics(deps.db, personId);
  const today = businessDay(deps);
  const failed = person
    ? await enrollmentRuleFailures(deps.db, { person, today, minAge: deps.config.residentPension.minAge })
    : [];
  await appendAudit(deps.db, {
    actor: `kiosk:${kiosk.kioskId}`,
    kioskId: kiosk.kioskId,
    action: 'enrollment.prefill',
    result: person ? (failed.length === 0 ? 'eligible' : 'NOT_ELIGIBLE') : 'PERSON_NOT_FOUND',
    details: {
      personId,
      ...(person ? { idNumberMasked: maskIdNumber(person.idNumber) } : {}),
      ...(failed.length > 0 ? { rules: failed.map((f) => f.rule).join(',') } : {}),
    },
  });
  if (!person) throw new NotFoundError('PERSON_NOT_FOUND', 'no person with this personId');
  return {
    personId,
    eligible: failed.length === 0,
    failedRules: failed,
    form: {
      maskedName: maskName(person.name),
      address: person.address,
      phone: await latestPhoneOf(deps.db, personId),
      householdType: suggestHousehold(person.address),
      gradesYuan: [...deps.config.residentPension.gradesYuan],
      minAge: deps.config.residentPension.minAge,
    },
    commitment: { ...RESIDENCE_COMMITMENT },
  };
}

/** A village (村) or group (组) address suggests a rural household; the citizen confirms or changes it. */
export function suggestHousehold(address: string | null): 'urban' | 'rural' {
  return address && /村|组/.test(address) ? 'rural' : 'urban';
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface EnrollmentWrite {
  kioskId: string | null;
  person: PersonBasics;
  request: Omit<EnrollmentSubmitRequest, 'idempotencyKey'>;
  idempotencyKey: string;
  requestHash: string;
  at: Date;
  today: string;
}

/**
 * Writes an approved enrollment inside the caller's transaction: the case and its events, the enrollment with its
 * answer (for the idempotency key), the commitment when one was signed, and the insurance row. The caller has
 * locked the person and checked the rules in the same transaction.
 */
export async function writeEnrollment(tx: Queryable, w: EnrollmentWrite): Promise<EnrollmentSubmitResponse> {
  const { request, at, today } = w;
  const caseNumber = await nextReference(tx, 'RS', today);
  const commitment = request.residenceProof === 'commitment';
  const checkDue = addDays(today, RESIDENCE_COMMITMENT.checkWithinDays);
  const events = [
    { at, kind: 'received' as const, note: '已收到城乡居民基本养老保险参保登记申请' },
    {
      at,
      kind: 'accepted' as const,
      note: commitment ? '申请人签署告知承诺书代替居住证明，予以受理' : '居住证明已提供，材料齐全，予以受理',
    },
    {
      at,
      kind: 'approved' as const,
      note:
        '系统按规则自动审批通过（秒批）：已满参保年龄；未参加城镇职工养老保险；非全日制在校学生；此前未参加城乡居民养老保险。' +
        `自${today}起参保，缴费档次每年${request.gradeYuan}元`,
    },
    ...(commitment
      ? [
          {
            at,
            kind: 'flaggedForSpotCheck' as const,
            note: `已列入事后抽查：将在${checkDue}前核查告知承诺内容`,
          },
        ]
      : []),
  ];
  const response: EnrollmentSubmitResponse = {
    caseNumber,
    status: 'approved',
    spotCheck: commitment,
    personId: w.person.personId,
    gradeYuan: request.gradeYuan,
    insurance: { type: 'pension', scheme: 'resident', status: 'active', since: today },
    commitment: commitment ? { version: RESIDENCE_COMMITMENT.version, checkDue } : null,
    events: events.map((e) => ({ at: e.at.toISOString(), kind: e.kind, note: e.note })),
  };
  await insertCase(
    tx,
    {
      caseNumber,
      kind: 'residentPensionEnrollment',
      personId: w.person.personId,
      kioskId: w.kioskId,
      status: 'approved',
      spotCheck: commitment,
      at,
    },
    events,
  );
  await insertEnrollment(tx, {
    caseNumber,
    personId: w.person.personId,
    kioskId: w.kioskId,
    gradeCents: request.gradeYuan * 100,
    phone: request.phone,
    householdType: request.householdType,
    residenceProof: request.residenceProof,
    idempotencyKey: w.idempotencyKey,
    requestHash: w.requestHash,
    response,
    at,
  });
  if (commitment) {
    await insertCommitment(tx, {
      commitmentId: `CM${caseNumber.slice(2)}`,
      caseNumber,
      personId: w.person.personId,
      subject: 'residenceProof',
      textVersion: RESIDENCE_COMMITMENT.version,
      signedAt: at,
      checkDue,
    });
  }
  await insertResidentPension(tx, w.person.personId, today);
  return response;
}

/** PostgreSQL's unique_violation, as both drivers report it. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function sameOrConflict<T>(stored: { requestHash: string; response: T }, requestHash: string): T {
  if (stored.requestHash !== requestHash) {
    throw new ConflictError('idempotencyKey: 这个编号已用于另一份不同的申请', 'idempotencyKey');
  }
  return stored.response;
}

/**
 * Enrolls the person: the same idempotency key with the same body answers the stored answer, with another body
 * CONFLICT; a failed rule answers NOT_ELIGIBLE naming it, and nothing is written but the audit entry.
 */
export async function submitEnrollment(
  deps: EnrollmentDeps,
  kiosk: AuthenticatedKiosk,
  request: EnrollmentSubmitRequest,
): Promise<EnrollmentSubmitResponse> {
  const { idempotencyKey, ...body } = request;
  const requestHash = fingerprint(body);
  const stored = await findEnrollmentByKey<EnrollmentSubmitResponse>(deps.db, idempotencyKey);
  if (stored) return sameOrConflict(stored, requestHash);
  checkGrade(deps, request.gradeYuan);
  const person = await findPersonOrThrow(deps.db, request.personId);
  const today = businessDay(deps);
  const at = nowOf(deps);
  const audit = {
    actor: `kiosk:${kiosk.kioskId}`,
    kioskId: kiosk.kioskId,
    action: 'enrollment.submit',
  };
  const details = { personId: person.personId, idNumberMasked: maskIdNumber(person.idNumber) };
  const minAge = deps.config.residentPension.minAge;
  const failed = await enrollmentRuleFailures(deps.db, { person, today, minAge });
  if (failed.length > 0) {
    await appendAudit(deps.db, {
      ...audit,
      result: 'NOT_ELIGIBLE',
      details: { ...details, rules: failed.map((f) => f.rule).join(',') },
    });
    throw notEligible(failed);
  }
  try {
    return await deps.db.transaction(async (tx) => {
      await lockPerson(tx, person.personId);
      // Decided again under the lock: a second submission of the same person waits here for the first.
      const again = await findEnrollmentByKey<EnrollmentSubmitResponse>(tx, idempotencyKey);
      if (again) return sameOrConflict(again, requestHash);
      const failedNow = await enrollmentRuleFailures(tx, { person, today, minAge });
      if (failedNow.length > 0) throw notEligible(failedNow);
      const response = await writeEnrollment(tx, {
        kioskId: kiosk.kioskId,
        person,
        request: body,
        idempotencyKey,
        requestHash,
        at,
        today,
      });
      await appendAuditInTransaction(
        tx,
        {
          ...audit,
          result: 'approved',
          details: { ...details, caseNumber: response.caseNumber, spotCheck: response.spotCheck },
        },
        at,
      );
      return response;
    });
  } catch (error) {
    // The same key used at once for another person: the other request won the key.
    if (isUniqueViolation(error)) {
      const winner = await findEnrollmentByKey<EnrollmentSubmitResponse>(deps.db, idempotencyKey);
      if (winner) return sameOrConflict(winner, requestHash);
    }
    throw error;
  }
}
