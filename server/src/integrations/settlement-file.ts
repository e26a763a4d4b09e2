/**
 * The settlement file a bank host (or the QR gateway) publishes for a business day: plain CSV, a header and one
 * line per approved debit. Both simulators write it and the reconciliation reads it, so the format lives here.
 *
 *   bank_ref,request_id,account,amount_fen,time
 *   BH20261124000001,PAY4KQ2M7ZC3T9XW1B,6212************1234,50000,2026-11-24T02:15:09.120Z
 */

export interface SettlementLine {
  /** The bank's (gateway's) reference of the debit. */
  upstreamRef: string;
  /** Our request id: the payment id for the bank host, the merchant order id for the gateway. */
  requestId: string;
  /** Masked account (bank host) or masked payer (gateway). */
  account: string;
  amountFen: number;
  /** ISO timestamp of the approval. */
  time: string;
}

export const SETTLEMENT_HEADER = 'bank_ref,request_id,account,amount_fen,time';

export class SettlementFileError extends Error {
  override readonly name = 'SettlementFileError';
  readonly code = 'SETTLEMENT_FILE_INVALID';
}

const FIELD = /^[A-Za-z0-9_*+.:-]*$/;

export function formatSettlementFile(lines: readonly SettlementLine[]): string {
  const body = lines.map((l) => {
    for (const field of [l.upstreamRef, l.requestId, l.account, l.time]) {
      if (!FIELD.test(field)) throw new SettlementFileError(`field cannot go in a settlement file: ${field}`);
    }
    return [l.upstreamRef, l.requestId, l.account, String(l.amountFen), l.time].join(',');
  });
  return `${[SETTLEMENT_HEADER, ...body].join('\n')}\n`;
}

export function parseSettlementFile(text: string): SettlementLine[] {
  const rows = text.split(/\r?\n/).filter((row) => row.trim() !== '');
  if (rows[0] !== SETTLEMENT_HEADER) throw new SettlementFileError('settlement file has no header line');
  return rows.slice(1).map((row, i) => {
    const cells = row.split(',');
    const [upstreamRef, requestId, account, amount, time] = cells;
    if (cells.length !== 5 || !upstreamRef || !requestId || account === undefined || !amount || !time)
      throw new SettlementFileError(`settlement line ${i + 2} does not have 5 fields`);
    if (!/^\d+$/.test(amount)) throw new SettlementFileError(`settlement line ${i + 2}: amount is not fen`);
    if (Number.isNaN(Date.parse(time))) throw new SettlementFileError(`settlement line ${i + 2}: bad time`);
    return { upstreamRef, requestId, account, amountFen: Number(amount), time };
  });
}
