/**
 * IPP messages (RFC 8010, "IPP/1.1: Encoding and Transport"), both directions, pure:
 *
 *   version-number (2) · operation-id or status-code (2) · request-id (4)
 *   · { begin-attribute-group-tag (1) · { value-tag (1) · name-length (2) · name · value-length (2) · value }* }*
 *   · end-of-attributes-tag (1) · data
 *
 * A value with name-length 0 is another value of the attribute before it. A collection (RFC 8010 section 3.1.6)
 * is begCollection, then for each member a memberAttrName value naming it followed by its value(s), then
 * endCollection. All integers are big-endian and signed.
 */

/** Delimiter tags (RFC 8010 section 3.5.1). */
export const GROUP_TAGS = {
  operation: 0x01,
  job: 0x02,
  endOfAttributes: 0x03,
  printer: 0x04,
  unsupported: 0x05,
} as const;

/** Value tags (RFC 8010 section 3.5.2). */
export const VALUE_TAGS = {
  unsupported: 0x10,
  unknown: 0x12,
  noValue: 0x13,
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  octetString: 0x30,
  dateTime: 0x31,
  resolution: 0x32,
  rangeOfInteger: 0x33,
  begCollection: 0x34,
  textWithLanguage: 0x35,
  nameWithLanguage: 0x36,
  endCollection: 0x37,
  textWithoutLanguage: 0x41,
  nameWithoutLanguage: 0x42,
  keyword: 0x44,
  uri: 0x45,
  uriScheme: 0x46,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
} as const;

export interface IppRange {
  lower: number;
  upper: number;
}

export interface IppStringWithLanguage {
  language: string;
  text: string;
}

export type IppScalar =
  | number
  | boolean
  | string
  | Uint8Array
  | IppRange
  | IppStringWithLanguage
  /** A collection: its members. */
  | IppAttribute[]
  /** Out-of-band values (unsupported, unknown, no-value). */
  | null;

export interface IppValue {
  tag: number;
  value: IppScalar;
}

export interface IppAttribute {
  name: string;
  values: IppValue[];
}

export interface IppGroup {
  tag: number;
  attributes: IppAttribute[];
}

export interface IppMessage {
  version: { major: number; minor: number };
  /** operation-id in a request, status-code in a response. */
  code: number;
  requestId: number;
  groups: IppGroup[];
  /** The document after end-of-attributes (Print-Job), empty otherwise. */
  data: Uint8Array;
}

export class IppDecodeError extends Error {
  override readonly name = 'IppDecodeError';
}

const INTEGER_TAGS = new Set<number>([VALUE_TAGS.integer, VALUE_TAGS.enum]);
const STRING_TAGS = new Set<number>([
  VALUE_TAGS.textWithoutLanguage,
  VALUE_TAGS.nameWithoutLanguage,
  VALUE_TAGS.keyword,
  VALUE_TAGS.uri,
  VALUE_TAGS.uriScheme,
  VALUE_TAGS.charset,
  VALUE_TAGS.naturalLanguage,
  VALUE_TAGS.mimeMediaType,
  VALUE_TAGS.memberAttrName,
]);
const OUT_OF_BAND = new Set<number>([VALUE_TAGS.unsupported, VALUE_TAGS.unknown, VALUE_TAGS.noValue]);

// ---------------------------------------------------------------------------------------------- encoding

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  bytes(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  u8(value: number): void {
    this.bytes(Uint8Array.of(value));
  }

  u16(value: number): void {
    this.bytes(Uint8Array.of((value >> 8) & 0xff, value & 0xff));
  }

  i32(value: number): void {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setInt32(0, value);
    this.bytes(out);
  }

  /** A length-prefixed field (name or value): at most 32767 bytes (RFC 8010 section 3.1.4). */
  field(bytes: Uint8Array): void {
    if (bytes.length > 0x7fff) throw new RangeError(`IPP field of ${bytes.length} bytes is too long`);
    this.u16(bytes.length);
    this.bytes(bytes);
  }

  result(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

function encodeScalar(tag: number, value: IppScalar): Uint8Array {
  if (OUT_OF_BAND.has(tag) || tag === VALUE_TAGS.endCollection || tag === VALUE_TAGS.begCollection) {
    return new Uint8Array(0);
  }
  if (INTEGER_TAGS.has(tag)) {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new RangeError('integer value expected');
    const out = new Uint8Array(4);
    new DataView(out.buffer).setInt32(0, value);
    return out;
  }
  if (tag === VALUE_TAGS.boolean) {
    if (typeof value !== 'boolean') throw new RangeError('boolean value expected');
    return Uint8Array.of(value ? 1 : 0);
  }
  if (STRING_TAGS.has(tag)) {
    if (typeof value !== 'string') throw new RangeError('string value expected');
    return utf8(value);
  }
  if (tag === VALUE_TAGS.rangeOfInteger) {
    const range = value as IppRange;
    const out = new Uint8Array(8);
    new DataView(out.buffer).setInt32(0, range.lower);
    new DataView(out.buffer).setInt32(4, range.upper);
    return out;
  }
  if (tag === VALUE_TAGS.textWithLanguage || tag === VALUE_TAGS.nameWithLanguage) {
    const { language, text } = value as IppStringWithLanguage;
    const w = new Writer();
    w.field(utf8(language));
    w.field(utf8(text));
    return w.result();
  }
  if (value instanceof Uint8Array) return value;
  throw new RangeError(`cannot encode a value with tag 0x${tag.toString(16)}`);
}

function encodeAttribute(w: Writer, attribute: IppAttribute): void {
  attribute.values.forEach((value, i) => {
    const name = i === 0 ? attribute.name : '';
    if (value.tag === VALUE_TAGS.begCollection) {
      w.u8(value.tag);
      w.field(utf8(name));
      w.field(new Uint8Array(0));
      for (const member of (value.value as IppAttribute[] | null) ?? []) {
        w.u8(VALUE_TAGS.memberAttrName);
        w.field(new Uint8Array(0));
        w.field(utf8(member.name));
        encodeAttribute(w, { name: '', values: member.values });
      }
      w.u8(VALUE_TAGS.endCollection);
      w.field(new Uint8Array(0));
      w.field(new Uint8Array(0));
      return;
    }
    w.u8(value.tag);
    w.field(utf8(name));
    w.field(encodeScalar(value.tag, value.value));
  });
}

export function encodeMessage(message: IppMessage): Uint8Array {
  const w = new Writer();
  w.u8(message.version.major);
  w.u8(message.version.minor);
  w.u16(message.code);
  w.i32(message.requestId);
  for (const group of message.groups) {
    w.u8(group.tag);
    for (const attribute of group.attributes) encodeAttribute(w, attribute);
  }
  w.u8(GROUP_TAGS.endOfAttributes);
  w.bytes(message.data);
  return w.result();
}

// ---------------------------------------------------------------------------------------------- decoding

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.at;
  }

  need(count: number, what: string): void {
    if (this.left < count) throw new IppDecodeError(`message ends inside ${what} (offset ${this.at})`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.at++] ?? 0;
  }

  peek(): number | undefined {
    return this.bytes[this.at];
  }

  u16(what: string): number {
    this.need(2, what);
    const value = ((this.bytes[this.at] ?? 0) << 8) | (this.bytes[this.at + 1] ?? 0);
    this.at += 2;
    return value;
  }

  i32(what: string): number {
    this.need(4, what);
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 4).getInt32(0);
    this.at += 4;
    return value;
  }

  take(count: number, what: string): Uint8Array {
    this.need(count, what);
    const out = this.bytes.subarray(this.at, this.at + count);
    this.at += count;
    return out;
  }

  rest(): Uint8Array {
    const out = this.bytes.slice(this.at);
    this.at = this.bytes.length;
    return out;
  }
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function decodeScalar(tag: number, bytes: Uint8Array): IppScalar {
  if (OUT_OF_BAND.has(tag)) return null;
  if (INTEGER_TAGS.has(tag)) {
    if (bytes.length !== 4) throw new IppDecodeError(`integer of ${bytes.length} bytes`);
    return new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0);
  }
  if (tag === VALUE_TAGS.boolean) {
    if (bytes.length !== 1) throw new IppDecodeError(`boolean of ${bytes.length} bytes`);
    return bytes[0] === 1;
  }
  if (STRING_TAGS.has(tag)) return text(bytes);
  if (tag === VALUE_TAGS.rangeOfInteger) {
    if (bytes.length !== 8) throw new IppDecodeError(`rangeOfInteger of ${bytes.length} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
    return { lower: view.getInt32(0), upper: view.getInt32(4) };
  }
  if (tag === VALUE_TAGS.textWithLanguage || tag === VALUE_TAGS.nameWithLanguage) {
    const r = new Reader(bytes);
    const language = text(r.take(r.u16('language length'), 'language'));
    const value = text(r.take(r.u16('text length'), 'text'));
    return { language, text: value };
  }
  // octetString, dateTime, resolution and tags we do not know: kept as bytes.
  return bytes.slice();
}

/** One value: tag, name, value. Collections are read whole, members included. */
function readValue(r: Reader, tag: number): { name: string; value: IppValue } {
  const name = text(r.take(r.u16('name length'), 'name'));
  const raw = r.take(r.u16('value length'), 'value');
  if (tag !== VALUE_TAGS.begCollection) return { name, value: { tag, value: decodeScalar(tag, raw) } };
  const members: IppAttribute[] = [];
  for (;;) {
    const memberTag = r.u8('collection');
    if (memberTag === VALUE_TAGS.endCollection) {
      r.take(r.u16('name length'), 'name');
      r.take(r.u16('value length'), 'value');
      return { name, value: { tag, value: members } };
    }
    const member = readValue(r, memberTag);
    if (memberTag === VALUE_TAGS.memberAttrName) {
      members.push({ name: String(member.value.value), values: [] });
    } else {
      const current = members.at(-1);
      if (!current) throw new IppDecodeError('collection value before any member name');
      current.values.push(member.value);
    }
  }
}

/** Decodes a whole message; throws IppDecodeError when it is not one. */
export function decodeMessage(bytes: Uint8Array): IppMessage {
  const r = new Reader(bytes);
  const major = r.u8('version');
  const minor = r.u8('version');
  const code = r.u16('operation or status code');
  const requestId = r.i32('request-id');
  const groups: IppGroup[] = [];
  let group: IppGroup | null = null;
  for (;;) {
    const tag = r.u8('attributes');
    if (tag === GROUP_TAGS.endOfAttributes) break;
    if (tag < 0x10) {
      group = { tag, attributes: [] };
      groups.push(group);
      continue;
    }
    if (!group) throw new IppDecodeError(`value tag 0x${tag.toString(16)} before any group`);
    const { name, value } = readValue(r, tag);
    if (name === '') {
      const last = group.attributes.at(-1);
      if (!last) throw new IppDecodeError('additional value before any attribute');
      last.values.push(value);
    } else {
      group.attributes.push({ name, values: [value] });
    }
  }
  return { version: { major, minor }, code, requestId, groups, data: r.rest() };
}

// ---------------------------------------------------------------------------------------------- reading

/** The attribute of that name in the first group of that tag, or undefined. */
export function findAttribute(message: IppMessage, groupTag: number, name: string): IppAttribute | undefined {
  for (const group of message.groups) {
    if (group.tag !== groupTag) continue;
    const attribute = group.attributes.find((a) => a.name === name);
    if (attribute) return attribute;
  }
  return undefined;
}

export function firstValue(message: IppMessage, groupTag: number, name: string): IppScalar | undefined {
  return findAttribute(message, groupTag, name)?.values[0]?.value;
}

export function stringValues(message: IppMessage, groupTag: number, name: string): string[] {
  return (findAttribute(message, groupTag, name)?.values ?? []).flatMap((v) =>
    typeof v.value === 'string' ? [v.value] : [],
  );
}

/** Shorthands for building attributes. */
export const attr = {
  charset: (name: string, value: string): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.charset, value }],
  }),
  language: (name: string, value: string): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.naturalLanguage, value }],
  }),
  uri: (name: string, value: string): IppAttribute => ({ name, values: [{ tag: VALUE_TAGS.uri, value }] }),
  name: (name: string, value: string): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.nameWithoutLanguage, value }],
  }),
  text: (name: string, value: string): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.textWithoutLanguage, value }],
  }),
  mimeType: (name: string, value: string): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.mimeMediaType, value }],
  }),
  integer: (name: string, value: number): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.integer, value }],
  }),
  enumeration: (name: string, value: number): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.enum, value }],
  }),
  boolean: (name: string, value: boolean): IppAttribute => ({
    name,
    values: [{ tag: VALUE_TAGS.boolean, value }],
  }),
  keywords: (name: string, values: readonly string[]): IppAttribute => ({
    name,
    values: values.map((value) => ({ tag: VALUE_TAGS.keyword, value })),
  }),
};
