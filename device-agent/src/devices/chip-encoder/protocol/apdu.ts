import {
  pinToBcd,
  SSSE_AID,
  SSSE_CHALLENGE_LENGTH,
  SSSE_CRYPTOGRAM_LENGTH,
  SSSE_FILE_IDS,
  type SsseFile,
} from '@sik/contract/ssse';

/**
 * The APDUs the chip encoder sends to the SSSE application, one builder each (ISO 7816-4 short APDUs).
 * From PROTOCOLS.md section 3: SELECT by AID, SELECT EF, READ RECORD, VERIFY PIN `0020000003` + BCD.
 * UNCONFIRMED (ours, PBOC/ISO-style): GET CHALLENGE 0084000008, EXTERNAL AUTHENTICATE 0082 0001 10 <16 bytes>
 * (key id 01 = the write key), UPDATE RECORD 00DC <rec> 04 <Lc> <TLV>, CHANGE PIN 805E 0100 07 old FF new,
 * SET (reload) PIN 805E 0000 03 new (after external authentication), GET SERIAL 80CA 0001 00 (the chip serial,
 * ASCII; real cards expose it in the ATR or a proprietary GET DATA).
 */

export function selectAid(aid: Buffer = SSSE_AID): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0xa4, 0x04, 0x00, aid.length]), aid]);
}

export function selectFile(file: SsseFile): Buffer {
  const id = SSSE_FILE_IDS[file];
  return Buffer.from([0x00, 0xa4, 0x00, 0x00, 0x02, id >> 8, id & 0xff]);
}

export function readRecord(record: number): Buffer {
  checkRecord(record);
  return Buffer.from([0x00, 0xb2, record, 0x04, 0x00]);
}

export function updateRecord(record: number, tlv: Buffer): Buffer {
  checkRecord(record);
  if (tlv.length < 1 || tlv.length > 255) throw new RangeError('record data must be 1..255 bytes');
  return Buffer.concat([Buffer.from([0x00, 0xdc, record, 0x04, tlv.length]), tlv]);
}

export function getChallenge(): Buffer {
  return Buffer.from([0x00, 0x84, 0x00, 0x00, SSSE_CHALLENGE_LENGTH]);
}

export function externalAuthenticate(cryptogram: Buffer): Buffer {
  if (cryptogram.length !== SSSE_CRYPTOGRAM_LENGTH)
    throw new RangeError(`cryptogram must be ${SSSE_CRYPTOGRAM_LENGTH} bytes`);
  return Buffer.concat([Buffer.from([0x00, 0x82, 0x00, 0x01, cryptogram.length]), cryptogram]);
}

export function verifyPin(pin: string): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x20, 0x00, 0x00, 0x03]), pinToBcd(pin)]);
}

export function changePin(oldPin: string, newPin: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x80, 0x5e, 0x01, 0x00, 0x07]),
    pinToBcd(oldPin),
    Buffer.from([0xff]),
    pinToBcd(newPin),
  ]);
}

export function setPin(newPin: string): Buffer {
  return Buffer.concat([Buffer.from([0x80, 0x5e, 0x00, 0x00, 0x03]), pinToBcd(newPin)]);
}

export function getSerial(): Buffer {
  return Buffer.from([0x80, 0xca, 0x00, 0x01, 0x00]);
}

function checkRecord(record: number): void {
  if (!Number.isInteger(record) || record < 1 || record > 0xfe) throw new RangeError('record must be 1..254');
}

/** Status words the card answers (ISO 7816-4). */
export const SW = {
  ok: 0x9000,
  memoryFailure: 0x6581,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  authBlocked: 0x6983,
  conditionsNotSatisfied: 0x6985,
  wrongData: 0x6a80,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  wrongP1P2: 0x6a86,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
} as const;

/** 63Cx: wrong PIN, x tries left. */
export const wrongPinSw = (triesLeft: number): number => 0x63c0 | (triesLeft & 0x0f);

export interface ResponseApdu {
  data: Buffer;
  sw: number;
}

export function parseResponse(bytes: Buffer): ResponseApdu {
  if (bytes.length < 2) throw new RangeError('response shorter than SW1 SW2');
  return { data: Buffer.from(bytes.subarray(0, -2)), sw: bytes.readUInt16BE(bytes.length - 2) };
}

export function encodeResponse(data: Buffer, sw: number): Buffer {
  return Buffer.concat([data, Buffer.from([sw >> 8, sw & 0xff])]);
}

export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');
