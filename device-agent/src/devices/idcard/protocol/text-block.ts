import { IdCardIdentity, type IdCardType, NATIONS, type Sex } from '@sik/contract';
import { IdCardError } from './errors.ts';

/**
 * The 256-byte text block of a read (PROTOCOLS.md section 1): UTF-16LE, space padded, laid out per card type
 * and told apart by the flag at byte 248. Offsets and lengths are in bytes.
 */
export const TEXT_BLOCK_BYTES = 256;

type Slot = readonly [offset: number, bytes: number];

const FLAG: Slot = [248, 2];

const FLAGS: Readonly<Record<string, IdCardType>> = {
  ' ': 'resident',
  J: 'hkMacaoTaiwan',
  I: 'foreignPermanent2017',
  Y: 'foreignPermanent2023',
};
const FLAG_OF: Readonly<Record<IdCardType, string>> = {
  resident: ' ',
  hkMacaoTaiwan: 'J',
  foreignPermanent2017: 'I',
  foreignPermanent2023: 'Y',
};

/** The offsets table of PROTOCOLS.md, one column per card type. */
const LAYOUT = {
  resident: {
    name: [0, 30],
    sexCode: [30, 2],
    nationCode: [32, 4],
    birthDate: [36, 16],
    address: [52, 70],
    idNumber: [122, 36],
    issuer: [158, 30],
    validFrom: [188, 16],
    validTo: [204, 16],
  },
  hkMacaoTaiwan: {
    name: [0, 30],
    sexCode: [30, 2],
    // 32/4 is blank on these permits.
    birthDate: [36, 16],
    address: [52, 70],
    idNumber: [122, 36],
    issuer: [158, 30],
    validFrom: [188, 16],
    validTo: [204, 16],
    passNumber: [220, 18],
    issueCount: [238, 4],
  },
  foreignPermanent2017: {
    englishName: [0, 120],
    sexCode: [120, 2],
    idNumber: [122, 30],
    nationalityCode: [152, 6],
    chineseName: [158, 30],
    validFrom: [188, 16],
    validTo: [204, 16],
    birthDate: [220, 16],
    cardVersion: [236, 4],
    authorityCode: [240, 8],
  },
  foreignPermanent2023: {
    chineseName: [0, 30],
    sexCode: [30, 2],
    renewalCount: [32, 4],
    birthDate: [36, 16],
    // The English name is split: its first 35 characters here, the rest at 220.
    englishName: [52, 70],
    idNumber: [122, 36],
    validFrom: [188, 16],
    validTo: [204, 16],
    englishNameContinued: [220, 22],
    nationalityCode: [242, 6],
  },
} as const satisfies Record<IdCardType, Record<string, Slot>>;

export const SEX_BY_CODE: Readonly<Record<string, Sex>> = {
  '0': 'unknown',
  '1': 'male',
  '2': 'female',
  '9': 'unspecified',
};

const LONG_TERM = '长期';

function unreadable(message: string): IdCardError {
  return new IdCardError('cardUnreadable', 'invalidData', `text block: ${message}`);
}

/** The raw characters of a slot, padding included. */
function rawField(block: Uint8Array, [offset, bytes]: Slot): string {
  return Buffer.from(block.buffer, block.byteOffset + offset, bytes).toString('utf16le');
}

/** Padding is spaces; some readers are said to pad with NULs, so both are trimmed. */
const trimPadding = (value: string): string => value.replaceAll('\u0000', ' ').trim();

const field = (block: Uint8Array, slot: Slot): string => trimPadding(rawField(block, slot));

function isoDate(value: string, what: string): string {
  if (!/^\d{8}$/.test(value)) throw unreadable(`${what} is not YYYYMMDD`);
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

function sexOf(code: string): Sex {
  const sex = SEX_BY_CODE[code];
  if (sex === undefined) throw unreadable('unknown sex code');
  return sex;
}

/** The card type from the flag at byte 248. */
export function cardTypeOf(block: Uint8Array): IdCardType {
  if (block.length !== TEXT_BLOCK_BYTES)
    throw unreadable(`expected ${TEXT_BLOCK_BYTES} bytes, got ${block.length}`);
  const flag = rawField(block, FLAG);
  const type = FLAGS[flag];
  if (type === undefined) {
    const code = Array.from(block.subarray(FLAG[0], FLAG[0] + FLAG[1]), (b) =>
      b.toString(16).padStart(2, '0'),
    );
    throw new IdCardError(
      'unknownCardType',
      'invalidData',
      `text block: unknown card type flag ${code.join(' ')}`,
    );
  }
  return type;
}

/** Decodes a text block into an identity checked against the contract's schema. */
export function decodeTextBlock(block: Uint8Array): IdCardIdentity {
  const cardType = cardTypeOf(block);
  const get = (slot: Slot) => field(block, slot);
  const dates = (layout: { birthDate: Slot; validFrom: Slot; validTo: Slot }) => {
    const validTo = get(layout.validTo);
    return {
      birthDate: isoDate(get(layout.birthDate), 'birth date'),
      validFrom: isoDate(get(layout.validFrom), 'valid-from date'),
      validTo: validTo === LONG_TERM ? 'long-term' : isoDate(validTo, 'valid-to date'),
    };
  };
  let candidate: unknown;
  switch (cardType) {
    case 'resident': {
      const l = LAYOUT.resident;
      const sexCode = get(l.sexCode);
      const nationCode = get(l.nationCode);
      const nation = NATIONS[nationCode];
      if (nation === undefined) throw unreadable('unknown nation code');
      candidate = {
        cardType,
        name: get(l.name),
        sex: sexOf(sexCode),
        sexCode,
        nation,
        nationCode,
        address: get(l.address),
        idNumber: get(l.idNumber),
        issuer: get(l.issuer),
        ...dates(l),
      };
      break;
    }
    case 'hkMacaoTaiwan': {
      const l = LAYOUT.hkMacaoTaiwan;
      const sexCode = get(l.sexCode);
      candidate = {
        cardType,
        name: get(l.name),
        sex: sexOf(sexCode),
        sexCode,
        nation: null,
        address: get(l.address),
        idNumber: get(l.idNumber),
        issuer: get(l.issuer),
        passNumber: get(l.passNumber),
        issueCount: get(l.issueCount),
        ...dates(l),
      };
      break;
    }
    case 'foreignPermanent2017': {
      const l = LAYOUT.foreignPermanent2017;
      const sexCode = get(l.sexCode);
      const englishName = get(l.englishName);
      const chineseName = get(l.chineseName);
      candidate = {
        cardType,
        name: chineseName || englishName,
        sex: sexOf(sexCode),
        sexCode,
        nation: null,
        address: null,
        idNumber: get(l.idNumber),
        // The card carries an authority code, not an authority name.
        issuer: null,
        englishName,
        chineseName,
        nationalityCode: get(l.nationalityCode),
        cardVersion: get(l.cardVersion),
        authorityCode: get(l.authorityCode),
        ...dates(l),
      };
      break;
    }
    case 'foreignPermanent2023': {
      const l = LAYOUT.foreignPermanent2023;
      const sexCode = get(l.sexCode);
      const englishName = trimPadding(
        rawField(block, l.englishName) + rawField(block, l.englishNameContinued),
      );
      const chineseName = get(l.chineseName);
      candidate = {
        cardType,
        name: chineseName || englishName,
        sex: sexOf(sexCode),
        sexCode,
        nation: null,
        address: null,
        idNumber: get(l.idNumber),
        issuer: null,
        englishName,
        chineseName,
        nationalityCode: get(l.nationalityCode),
        renewalCount: get(l.renewalCount),
        ...dates(l),
      };
      break;
    }
  }
  const parsed = IdCardIdentity.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The path and zod's message name the field, never its value (no personal data in errors).
    throw unreadable(`${issue?.path.join('.') || 'identity'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function put(block: Uint8Array, [offset, bytes]: Slot, value: string, what: string): void {
  const encoded = Buffer.from(value, 'utf16le');
  if (encoded.length > bytes)
    throw new RangeError(`${what} needs ${encoded.length} bytes, the card has ${bytes}`);
  block.set(encoded, offset);
}

const yyyymmdd = (isoDate: string): string => isoDate.replaceAll('-', '');
const cardDate = (validTo: string): string => (validTo === 'long-term' ? LONG_TERM : yyyymmdd(validTo));

/**
 * The inverse of decodeTextBlock, for the simulator. Throws RangeError when a field does not fit its slot or the
 * identity contradicts itself (sex against sexCode, name against the Chinese/English names).
 */
export function encodeTextBlock(identity: IdCardIdentity): Uint8Array {
  const block = new Uint8Array(TEXT_BLOCK_BYTES);
  // Every character a UTF-16LE space: 20 00.
  for (let i = 0; i < TEXT_BLOCK_BYTES; i += 2) block[i] = 0x20;
  if (SEX_BY_CODE[identity.sexCode] !== identity.sex) {
    throw new RangeError(`sexCode ${identity.sexCode} does not mean ${identity.sex}`);
  }
  put(block, FLAG, FLAG_OF[identity.cardType], 'card type flag');
  const dates = (layout: { birthDate: Slot; validFrom: Slot; validTo: Slot }) => {
    put(block, layout.birthDate, yyyymmdd(identity.birthDate), 'birthDate');
    put(block, layout.validFrom, yyyymmdd(identity.validFrom), 'validFrom');
    put(block, layout.validTo, cardDate(identity.validTo), 'validTo');
  };
  switch (identity.cardType) {
    case 'resident': {
      const l = LAYOUT.resident;
      if (NATIONS[identity.nationCode] !== identity.nation) {
        throw new RangeError(`nationCode ${identity.nationCode} does not name ${identity.nation}`);
      }
      put(block, l.name, identity.name, 'name');
      put(block, l.sexCode, identity.sexCode, 'sexCode');
      put(block, l.nationCode, identity.nationCode, 'nationCode');
      put(block, l.address, identity.address ?? '', 'address');
      put(block, l.idNumber, identity.idNumber, 'idNumber');
      put(block, l.issuer, identity.issuer ?? '', 'issuer');
      dates(l);
      break;
    }
    case 'hkMacaoTaiwan': {
      const l = LAYOUT.hkMacaoTaiwan;
      put(block, l.name, identity.name, 'name');
      put(block, l.sexCode, identity.sexCode, 'sexCode');
      put(block, l.address, identity.address ?? '', 'address');
      put(block, l.idNumber, identity.idNumber, 'idNumber');
      put(block, l.issuer, identity.issuer ?? '', 'issuer');
      put(block, l.passNumber, identity.passNumber, 'passNumber');
      put(block, l.issueCount, identity.issueCount, 'issueCount');
      dates(l);
      break;
    }
    case 'foreignPermanent2017': {
      const l = LAYOUT.foreignPermanent2017;
      checkForeignName(identity);
      put(block, l.englishName, identity.englishName, 'englishName');
      put(block, l.sexCode, identity.sexCode, 'sexCode');
      put(block, l.idNumber, identity.idNumber, 'idNumber');
      put(block, l.nationalityCode, identity.nationalityCode, 'nationalityCode');
      put(block, l.chineseName, identity.chineseName, 'chineseName');
      put(block, l.cardVersion, identity.cardVersion, 'cardVersion');
      put(block, l.authorityCode, identity.authorityCode, 'authorityCode');
      dates(l);
      break;
    }
    case 'foreignPermanent2023': {
      const l = LAYOUT.foreignPermanent2023;
      checkForeignName(identity);
      const firstChars = l.englishName[1] / 2;
      put(block, l.chineseName, identity.chineseName, 'chineseName');
      put(block, l.sexCode, identity.sexCode, 'sexCode');
      put(block, l.renewalCount, identity.renewalCount, 'renewalCount');
      put(block, l.englishName, identity.englishName.slice(0, firstChars), 'englishName');
      put(block, l.englishNameContinued, identity.englishName.slice(firstChars), 'englishName (continued)');
      put(block, l.idNumber, identity.idNumber, 'idNumber');
      put(block, l.nationalityCode, identity.nationalityCode, 'nationalityCode');
      dates(l);
      break;
    }
  }
  return block;
}

function checkForeignName(identity: { name: string; chineseName: string; englishName: string }): void {
  const expected = identity.chineseName || identity.englishName;
  if (identity.name !== expected) {
    throw new RangeError('name must be the Chinese name, or the English name when there is no Chinese name');
  }
}
