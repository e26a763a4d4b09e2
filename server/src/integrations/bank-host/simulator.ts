import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { maskAccountNumber } from '@sik/contract';
import { decryptPinBlock, PinBlockError } from '@sik/contract/pin-block';
import { chinaDate, ISO_DATE } from '../china-time.ts';
import {
  closeServer,
  createSimServer,
  listen,
  parseJson,
  SimHttpError,
  type SimRoute,
  sendJson,
  sendText,
  sleep,
} from '../http-kit.ts';
import { formatSettlementFile, type SettlementLine } from '../settlement-file.ts';
import {
  BankFault,
  BankHostPaths,
  type DebitAnswer,
  type DebitQueryAnswer,
  DebitRequest,
  type DeclineCode,
  type LedgerSnapshot,
  SetFaultsRequest,
} from './protocol.ts';

/**
 * The bank host simulator: plays the bank that holds the citizens' linked accounts. Its own ledger (accounts with
 * balances, debits by request id), never our database; kept in a JSON file when given a data dir, so a restart
 * keeps every debit. Faults are injected through /control and act on the wire: real delays, real dropped
 * connections.
 *
 * Demo facts (documented in the README of the demo): every account's PIN is DEMO_PIN (123456); the PIN key is
 * DEMO_PIN_KEY_HEX, shared with the PIN pad simulator. Balances are fixed by the account id: about one account in
 * ten holds 50 CNY (too little for any grade), one in ten 1500 CNY (enough for 200-1000, not for 2000-5000), the
 * rest between 20 000 and 100 000 CNY.
 */

/** The SM4 key the demo's PIN pad encrypts with and this bank decrypts with (16 bytes, hex). Demo only. */
export const DEMO_PIN_KEY_HEX = '0123456789ABCDEFFEDCBA9876543210';
/** Every demo account's PIN. */
export const DEMO_PIN = '123456';
/** Wrong PINs in a row before the account is locked. */
export const PIN_TRIES = 5;

export interface SimulatedAccount {
  accountId: string;
  personId: string;
  bankId: string;
  accountNumber: string;
}

/** FNV-1a: a stable spread of account ids, so balances are the same on every machine. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function initialBalanceFen(accountId: string): number {
  const h = fnv1a(accountId);
  if (h % 10 === 0) return 5_000;
  if (h % 10 === 1) return 150_000;
  return 2_000_000 + (h % 8_000_000);
}

interface AccountState extends SimulatedAccount {
  balanceFen: number;
  wrongPins: number;
}

interface DebitRecord {
  requestId: string;
  accountNumber: string;
  amountFen: number;
  answer: DebitAnswer;
  at: string;
}

interface LedgerFile {
  version: 1;
  sequence: number;
  accounts: AccountState[];
  debits: DebitRecord[];
  voided: string[];
}

export interface BankHostSimulatorOptions {
  accounts: readonly SimulatedAccount[];
  pinKeyHex?: string;
  /** Folder of the ledger file; null keeps it in memory. */
  dataDir?: string | null;
  now?: () => number;
}

const DECLINE_MESSAGES: Record<DeclineCode, string> = {
  INSUFFICIENT_FUNDS: 'insufficient funds',
  WRONG_PIN: 'wrong PIN',
  PIN_LOCKED: 'too many wrong PINs: account locked',
  NO_SUCH_ACCOUNT: 'no such account',
  INVALID_PIN_BLOCK: 'PIN block cannot be verified',
  DECLINED: 'declined',
  REQUEST_VOIDED: 'request id was queried before the debit arrived: void',
};

export class BankHostSimulator {
  private readonly accounts = new Map<string, AccountState>();
  private readonly debits = new Map<string, DebitRecord>();
  private readonly voided = new Set<string>();
  private sequence = 0;
  private faults: { spec: ReturnType<typeof BankFault.parse>; remaining: number | null }[] = [];
  private server: Server | null = null;
  private readonly pinKeyHex: string;
  private readonly file: string | null;
  private readonly now: () => number;
  url = '';

  constructor(options: BankHostSimulatorOptions) {
    this.pinKeyHex = options.pinKeyHex ?? DEMO_PIN_KEY_HEX;
    this.now = options.now ?? Date.now;
    this.file = options.dataDir ? join(options.dataDir, 'bank-host-ledger.json') : null;
    if (this.file && existsSync(this.file)) {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as LedgerFile;
      this.sequence = saved.sequence;
      for (const a of saved.accounts) this.accounts.set(a.accountNumber, a);
      for (const d of saved.debits) this.debits.set(d.requestId, d);
      for (const v of saved.voided) this.voided.add(v);
    } else {
      for (const a of options.accounts) {
        this.accounts.set(a.accountNumber, {
          ...a,
          balanceFen: initialBalanceFen(a.accountId),
          wrongPins: 0,
        });
      }
      if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
      this.persist();
    }
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createSimServer(this.routes(), (request, route) => {
      if (route.path.startsWith('/control')) return false;
      const on = route.path === BankHostPaths.debit && request.req.method === 'POST' ? 'debit' : 'query';
      const down = this.take((f) => f.fault === 'down' && (f.on === 'all' || f.on === on));
      if (!down) return false;
      sendJson(request.res, 503, { error: 'UNAVAILABLE', message: 'bank host unavailable' });
      return true;
    });
    this.url = await listen(this.server, port, host);
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
    this.server = null;
  }

  setFaults(faults: readonly BankFault[]): void {
    this.faults = faults.map((f) => {
      const spec = BankFault.parse(f);
      return { spec, remaining: 'count' in spec && spec.count !== undefined ? spec.count : null };
    });
  }

  reset(): void {
    this.faults = [];
  }

  setBalance(accountNumber: string, balanceFen: number): void {
    const account = this.accounts.get(accountNumber);
    if (!account) throw new SimHttpError(404, 'NO_SUCH_ACCOUNT', 'no such account');
    account.balanceFen = balanceFen;
    account.wrongPins = 0;
    this.persist();
  }

  snapshot(): LedgerSnapshot {
    return {
      accounts: [...this.accounts.values()].map((a) => ({
        accountNumber: a.accountNumber,
        accountId: a.accountId,
        balanceFen: a.balanceFen,
        locked: a.wrongPins >= PIN_TRIES,
      })),
      debits: [...this.debits.values()].map((d) => ({
        requestId: d.requestId,
        accountNumber: d.accountNumber,
        amountFen: d.amountFen,
        status: d.answer.status,
        bankRef: d.answer.status === 'approved' ? d.answer.bankRef : null,
        at: d.at,
      })),
    };
  }

  /** The settlement lines of a business day, faults applied. */
  settlement(date: string): SettlementLine[] {
    const missing = new Set<string>();
    const amounts = new Map<string, number>();
    const extra: SettlementLine[] = [];
    for (const { spec } of this.faults) {
      if (spec.fault === 'settlementMissing') missing.add(spec.requestId);
      if (spec.fault === 'settlementAmount') amounts.set(spec.requestId, spec.amountFen);
      if (spec.fault === 'settlementExtra' && spec.date === date)
        extra.push({
          upstreamRef: `BHX${spec.requestId.slice(-12)}`,
          requestId: spec.requestId,
          account: spec.account,
          amountFen: spec.amountFen,
          time: `${date}T04:00:00.000Z`,
        });
    }
    const lines: SettlementLine[] = [];
    for (const d of this.debits.values()) {
      const a = d.answer;
      if (a.status !== 'approved' || a.settlementDate !== date || missing.has(d.requestId)) continue;
      lines.push({
        upstreamRef: a.bankRef,
        requestId: d.requestId,
        account: maskAccountNumber(d.accountNumber),
        amountFen: amounts.get(d.requestId) ?? d.amountFen,
        time: a.approvedAt,
      });
    }
    return [...lines, ...extra];
  }

  /** The first fault that matches, counted down. */
  private take(
    matches: (f: ReturnType<typeof BankFault.parse>) => boolean,
  ): ReturnType<typeof BankFault.parse> | null {
    for (const entry of this.faults) {
      if (!matches(entry.spec)) continue;
      if (entry.remaining !== null) {
        entry.remaining -= 1;
        if (entry.remaining <= 0) this.faults = this.faults.filter((f) => f !== entry);
      }
      return entry.spec;
    }
    return null;
  }

  private persist(): void {
    if (!this.file) return;
    const ledger: LedgerFile = {
      version: 1,
      sequence: this.sequence,
      accounts: [...this.accounts.values()],
      debits: [...this.debits.values()],
      voided: [...this.voided],
    };
    // Written whole and renamed: a crash leaves the old file or the new one, never half of one.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(ledger));
    renameSync(tmp, this.file);
  }

  /** Decides a debit; synchronous, so two requests never interleave inside it. */
  private decide(request: ReturnType<typeof DebitRequest.parse>): DebitRecord {
    const existing = this.debits.get(request.requestId);
    if (existing) {
      if (existing.accountNumber !== request.accountNumber || existing.amountFen !== request.amountFen)
        throw new SimHttpError(409, 'CONFLICT', 'request id already used for another debit');
      return existing;
    }
    const at = new Date(this.now());
    const declined = (code: DeclineCode): DebitAnswer => ({
      status: 'declined',
      requestId: request.requestId,
      code,
      message: DECLINE_MESSAGES[code],
    });
    let answer: DebitAnswer;
    const injected = this.take((f) => f.fault === 'decline');
    const account = this.accounts.get(request.accountNumber);
    if (this.voided.has(request.requestId)) answer = declined('REQUEST_VOIDED');
    else if (injected?.fault === 'decline') answer = declined(injected.code);
    else if (!account) answer = declined('NO_SUCH_ACCOUNT');
    else if (account.wrongPins >= PIN_TRIES) answer = declined('PIN_LOCKED');
    else {
      let pinOk: boolean | null;
      try {
        pinOk = decryptPinBlock(this.pinKeyHex, request.pinBlockHex, account.accountNumber) === DEMO_PIN;
      } catch (error) {
        if (!(error instanceof PinBlockError)) throw error;
        pinOk = null;
      }
      if (pinOk === null) answer = declined('INVALID_PIN_BLOCK');
      else if (!pinOk) {
        account.wrongPins += 1;
        answer = declined(account.wrongPins >= PIN_TRIES ? 'PIN_LOCKED' : 'WRONG_PIN');
      } else {
        account.wrongPins = 0;
        if (account.balanceFen < request.amountFen) answer = declined('INSUFFICIENT_FUNDS');
        else {
          account.balanceFen -= request.amountFen;
          this.sequence += 1;
          const day = chinaDate(at);
          answer = {
            status: 'approved',
            requestId: request.requestId,
            bankRef: `BH${day.replaceAll('-', '')}${String(this.sequence).padStart(8, '0')}`,
            amountFen: request.amountFen,
            approvedAt: at.toISOString(),
            settlementDate: day,
          };
        }
      }
    }
    const record: DebitRecord = {
      requestId: request.requestId,
      accountNumber: request.accountNumber,
      amountFen: request.amountFen,
      answer,
      at: at.toISOString(),
    };
    this.debits.set(record.requestId, record);
    this.persist();
    return record;
  }

  private routes(): SimRoute[] {
    return [
      {
        method: 'POST',
        path: BankHostPaths.debit,
        handle: async ({ req, res, text }) => {
          const request = parseJson(text, DebitRequest);
          const record = this.decide(request);
          const fault = this.take(
            (f) => (f.fault === 'timeout' && f.on === 'debit') || f.fault === 'dropReply',
          );
          if (fault?.fault === 'dropReply') {
            // Debited and journaled; the reply never leaves.
            req.socket.destroy();
            return;
          }
          if (fault?.fault === 'timeout') await sleep(fault.delayMs);
          sendJson(res, 200, record.answer);
        },
      },
      {
        method: 'GET',
        path: BankHostPaths.debitById,
        handle: async ({ res, params }) => {
          const requestId = params.requestId ?? '';
          const fault = this.take((f) => f.fault === 'timeout' && f.on === 'query');
          if (fault?.fault === 'timeout') await sleep(fault.delayMs);
          const record = this.debits.get(requestId);
          let answer: DebitQueryAnswer;
          if (record) answer = record.answer;
          else {
            this.voided.add(requestId);
            this.persist();
            answer = { status: 'notFound', requestId };
          }
          sendJson(res, 200, answer);
        },
      },
      {
        method: 'GET',
        path: BankHostPaths.settlement,
        handle: ({ res, params }) => {
          const date = params.date ?? '';
          if (!ISO_DATE.test(date)) throw new SimHttpError(400, 'BAD_REQUEST', 'date must be YYYY-MM-DD');
          sendText(res, 200, 'text/csv; charset=utf-8', formatSettlementFile(this.settlement(date)));
        },
      },
      {
        method: 'POST',
        path: BankHostPaths.controlFaults,
        handle: ({ res, text }) => {
          this.setFaults(parseJson(text, SetFaultsRequest).faults);
          sendJson(res, 200, { faults: this.faults.map((f) => f.spec) });
        },
      },
      {
        method: 'POST',
        path: BankHostPaths.controlReset,
        handle: ({ res }) => {
          this.reset();
          sendJson(res, 200, { faults: [] });
        },
      },
      {
        method: 'GET',
        path: BankHostPaths.controlLedger,
        handle: ({ res }) => sendJson(res, 200, this.snapshot()),
      },
      {
        method: 'POST',
        path: BankHostPaths.controlBalance,
        handle: ({ res, params, text }) => {
          const body = JSON.parse(text || '{}') as { balanceFen?: unknown };
          if (
            typeof body.balanceFen !== 'number' ||
            !Number.isInteger(body.balanceFen) ||
            body.balanceFen < 0
          )
            throw new SimHttpError(400, 'BAD_REQUEST', 'balanceFen must be a whole number of fen');
          this.setBalance(params.accountNumber ?? '', body.balanceFen);
          sendJson(res, 200, { accountNumber: params.accountNumber, balanceFen: body.balanceFen });
        },
      },
    ];
  }
}
