import type { CardPrinterErrorCode } from '../card-printer.ts';
import { CardPrinterError, type FailureCompletion } from './errors.ts';

/**
 * The card printer's command table (PROTOCOLS.md section 4; STYLE.md rule 7): every command the driver sends and
 * the simulator understands, in one place. Pure: no I/O.
 *
 * Framing: ESC, the command text (name and parameters separated by `;`), CR. The printer answers every command
 * with one line of text ended by CR: `OK`, a value, or an error.
 *
 * Taken from PROTOCOLS.md (Evolis-style): Sis, Sic, Si, Se, Pcem;M / Pcem;N, Rlr;p, Rlr;h, Rse;f, Rse;n,
 * Rrt;count, Pem;2, Pcim;F, Pneab;E / Pneab;D.
 * UNCONFIRMED (our own definitions until checked against a real printer's programming guide):
 *   - the CR that ends a reply;
 *   - error replies `ERR <reason>` (the reasons in ERROR_REPLIES);
 *   - the status word command `Rst;w` (reply `OK` or the raised flags joined by `,`: COVER OPEN, JAM);
 *   - the near-empty sensor's polarity (`0,00 Volts` = near empty, like the feeder sensor);
 *   - the print job `ESC Pdi;png;<length> CR` followed by exactly <length> bytes of a 1016x648 PNG, answered
 *     once the card is printed (real printers download one bitmap per ribbon panel in their own format);
 *   - Rlr;p answering CARD both at the print position and in the output slot until the card is taken, and the
 *     status word's `CARD IN SLOT` flag telling the two apart (so a restarted host knows a card waits there);
 *   - the retract command `Ser`: a card presented in the output slot and not taken goes back in and drops into the
 *     reject box (real kiosk printers retract an untaken card; the command name is our guess at the
 *     Evolis-style set).
 */

export const ESC = 0x1b;
export const CR = 0x0d;

/** How long a command may take: reading a sensor, moving a card, printing a card. */
export type CommandDuration = 'quick' | 'move' | 'print';

export interface CommandDefinition {
  /** Command text as sent between ESC and CR. */
  readonly text: string;
  readonly duration: CommandDuration;
  readonly meaning: string;
}

export const COMMANDS = {
  hostHandlesErrors: { text: 'Pem;2', duration: 'quick', meaning: 'host handles errors (no panel prompts)' },
  inputFromFeeder: { text: 'Pcim;F', duration: 'quick', meaning: 'take the next card from the feeder' },
  keepAfterPrint: { text: 'Pneab;E', duration: 'quick', meaning: 'do not eject after printing' },
  ejectAfterPrint: { text: 'Pneab;D', duration: 'quick', meaning: 'eject after printing' },
  outputToSlot: { text: 'Pcem;M', duration: 'quick', meaning: 'Se ejects to the output slot' },
  outputToReject: { text: 'Pcem;N', duration: 'quick', meaning: 'Se ejects to the reject box' },
  toContact: { text: 'Sis', duration: 'move', meaning: 'card to the contact (chip) station' },
  toContactless: { text: 'Sic', duration: 'move', meaning: 'card to the contactless station' },
  toPrint: { text: 'Si', duration: 'move', meaning: 'card to the print position' },
  eject: { text: 'Se', duration: 'move', meaning: 'eject the card (output chosen by Pcem)' },
  retract: {
    text: 'Ser',
    duration: 'move',
    meaning: 'UNCONFIRMED: card presented in the output slot back in, into the reject box',
  },
  cardPosition: { text: 'Rlr;p', duration: 'quick', meaning: 'where the card is' },
  rejectBox: { text: 'Rlr;h', duration: 'quick', meaning: 'reject box full: CARD' },
  feeder: { text: 'Rse;f', duration: 'quick', meaning: 'feeder sensor (volts)' },
  feederNearEmpty: { text: 'Rse;n', duration: 'quick', meaning: 'feeder near-empty sensor (volts)' },
  ribbonPanels: { text: 'Rrt;count', duration: 'quick', meaning: 'ribbon panels remaining' },
  statusWord: { text: 'Rst;w', duration: 'quick', meaning: 'UNCONFIRMED: cover, jam and card-in-slot flags' },
} as const satisfies Record<string, CommandDefinition>;
export type CommandName = keyof typeof COMMANDS;

/** The print job's command name and image format (UNCONFIRMED, see above). */
export const PRINT_JOB = { name: 'Pdi', format: 'png', duration: 'print' as CommandDuration } as const;

const COMMAND_BY_TEXT = new Map<string, CommandName>(
  Object.entries(COMMANDS).map(([name, definition]) => [definition.text, name as CommandName]),
);

/** The table entry for a command text, or null for a command the table does not know. */
export function commandByText(text: string): CommandName | null {
  return COMMAND_BY_TEXT.get(text) ?? null;
}

const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** ESC <text> CR. */
export function encodeCommand(name: CommandName): Uint8Array {
  return latin1(`\x1b${COMMANDS[name].text}\r`);
}

/** ESC Pdi;png;<length> CR, then the image bytes (UNCONFIRMED framing). */
export function encodePrintJob(png: Uint8Array): Uint8Array {
  const header = latin1(`\x1b${PRINT_JOB.name};${PRINT_JOB.format};${png.length}\r`);
  const bytes = new Uint8Array(header.length + png.length);
  bytes.set(header, 0);
  bytes.set(png, header.length);
  return bytes;
}

/** Error replies `ERR <reason>` (UNCONFIRMED) and what they mean to the host. */
export const ERROR_REPLIES = {
  'FEEDER EMPTY': { code: 'feederEmpty', completion: 'userError' },
  JAM: { code: 'mediaJam', completion: 'hardwareError' },
  'RIBBON OUT': { code: 'ribbonOut', completion: 'deviceNotReady' },
  'REJECT BOX FULL': { code: 'rejectBoxFull', completion: 'deviceNotReady' },
  'COVER OPEN': { code: 'coverOpen', completion: 'deviceNotReady' },
  'NO CARD': { code: 'noMedia', completion: 'deviceNotReady' },
  'CARD PRESENT': { code: 'mediaPresent', completion: 'deviceNotReady' },
  'BAD IMAGE': { code: 'invalidImage', completion: 'invalidData' },
  'UNKNOWN COMMAND': { code: 'protocolError', completion: 'hardwareError' },
} as const satisfies Record<string, { code: CardPrinterErrorCode; completion: FailureCompletion }>;
export type ErrorReason = keyof typeof ERROR_REPLIES;

export const errorReply = (reason: ErrorReason): string => `ERR ${reason}`;

/** A reply that is `OK`; throws CardPrinterError for an error reply or anything else. */
export function expectOk(command: string, reply: string): void {
  if (reply === 'OK') return;
  throw replyError(command, reply);
}

/** The CardPrinterError for an `ERR <reason>` reply, or a protocolError for a reply that makes no sense. */
export function replyError(command: string, reply: string): CardPrinterError {
  if (reply.startsWith('ERR ')) {
    const reason = reply.slice(4);
    const known = ERROR_REPLIES[reason as ErrorReason];
    if (known)
      return new CardPrinterError(known.code, known.completion, `${command}: printer says ${reason}`);
  }
  return new CardPrinterError('protocolError', 'hardwareError', `${command}: unexpected reply`);
}

/** Sensor voltage from "5,00 Volts" (decimal comma). */
export function parseVolts(command: string, reply: string): number {
  const match = /^(\d+)[,.](\d+) Volts$/.exec(reply);
  if (!match) throw replyError(command, reply);
  return Number(`${match[1]}.${match[2]}`);
}

/** Above this a feeder sensor sees cards (the printer answers 5,00 or 0,00). */
export const SENSOR_THRESHOLD_VOLTS = 2.5;
export const formatVolts = (high: boolean): string => (high ? '5,00 Volts' : '0,00 Volts');

/** Rlr;p replies. */
export const POSITION_REPLIES = {
  OK: 'none',
  CARD: 'card',
  'SMART CARD': 'contact',
  'CONTACTLESS CARD': 'contactless',
} as const;
export type PositionReply = keyof typeof POSITION_REPLIES;

export function parsePosition(reply: string): (typeof POSITION_REPLIES)[PositionReply] {
  const position = POSITION_REPLIES[reply as PositionReply];
  if (!position) throw replyError(COMMANDS.cardPosition.text, reply);
  return position;
}

/** Rlr;h: `CARD` when the reject box is full, `OK` otherwise. */
export function parseRejectBoxFull(reply: string): boolean {
  if (reply === 'CARD') return true;
  if (reply === 'OK') return false;
  throw replyError(COMMANDS.rejectBox.text, reply);
}

export function parseCount(command: string, reply: string): number {
  if (!/^\d{1,9}$/.test(reply)) throw replyError(command, reply);
  return Number(reply);
}

/** Rst;w flags (UNCONFIRMED). */
export const STATUS_FLAGS = ['COVER OPEN', 'JAM', 'CARD IN SLOT'] as const;
export type StatusFlag = (typeof STATUS_FLAGS)[number];

export function formatStatusWord(flags: readonly StatusFlag[]): string {
  return flags.length === 0 ? 'OK' : flags.join(',');
}

export function parseStatusWord(reply: string): { coverOpen: boolean; jam: boolean; cardInSlot: boolean } {
  if (reply === 'OK') return { coverOpen: false, jam: false, cardInSlot: false };
  const flags = reply.split(',');
  if (!flags.every((flag) => (STATUS_FLAGS as readonly string[]).includes(flag)))
    throw replyError(COMMANDS.statusWord.text, reply);
  return {
    coverOpen: flags.includes('COVER OPEN'),
    jam: flags.includes('JAM'),
    cardInSlot: flags.includes('CARD IN SLOT'),
  };
}
