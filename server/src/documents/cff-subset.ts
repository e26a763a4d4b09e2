import type * as fontkit from 'fontkit';

/**
 * Smaller CJK font subsets. fontkit subsets a CID-keyed CFF font by keeping every local subroutine slot of each
 * font dict a glyph uses (unused ones become a one-byte `return`); Noto Sans SC's ideograph dict has 22,293 of
 * them, so one Chinese character costs about 40 KB in the PDF and its encoding dominates the generation time.
 * Here the used glyphs' charstrings are desubroutinized instead (every callsubr / callgsubr replaced by the
 * subroutine's body) and the subset carries no subroutines at all: the outlines and hints stay byte for byte the
 * same, the font program of a typical document shrinks from about 70 KB to about 15 KB.
 *
 * This reaches into fontkit's CFFSubset (fields `cff`, `glyphs`, `charstrings`, `gsubrs`; methods
 * `subsetCharstrings` and `subsetFontdict`), pinned by the version in package.json; the unit test compares the
 * rendered glyphs with and without it, so a change in fontkit shows up there.
 */

interface IndexEntry {
  offset: number;
  length: number;
}

interface CffTable {
  isCIDFont: boolean;
  stream: { pos: number; readBuffer(length: number): Uint8Array };
  globalSubrIndex: IndexEntry[];
  topDict: {
    CharStrings: IndexEntry[];
    FDArray: Array<{ FontName?: unknown; Private?: { Subrs?: IndexEntry[] } & Record<string, unknown> }>;
  };
  fdForGlyph(gid: number): number | null;
  privateDictForGlyph(gid: number): { Subrs?: IndexEntry[] } | null;
}

interface CffSubset {
  cff?: CffTable;
  glyphs: number[];
  charstrings: Uint8Array[];
  gsubrs: Uint8Array[];
  subsetCharstrings(): void;
  subsetFontdict(topDict: Record<string, unknown>): void;
}

export class CharstringError extends Error {
  override readonly name = 'CharstringError';
}

function bias(count: number): number {
  if (count < 1240) return 107;
  if (count < 33900) return 1131;
  return 32768;
}

const OP = {
  hstem: 1,
  vstem: 3,
  callsubr: 10,
  return: 11,
  escape: 12,
  endchar: 14,
  hstemhm: 18,
  hintmask: 19,
  cntrmask: 20,
  vstemhm: 23,
  shortint: 28,
  callgsubr: 29,
} as const;

/** Escaped operators that draw (flex family); the arithmetic and storage ones are refused. */
const ESCAPED_DRAWING = new Set([34, 35, 36, 37]);

/**
 * The Type 2 charstring of glyph `gid` with every subroutine call inlined, in execution order. Throws
 * CharstringError on operators a font for printing does not use (arithmetic, storage, CFF2 blend).
 */
export function desubroutinize(cff: CffTable, gid: number): Uint8Array {
  const entry = cff.topDict.CharStrings[gid];
  if (!entry) throw new CharstringError(`no charstring for glyph ${gid}`);
  const read = (e: IndexEntry): Uint8Array => {
    cff.stream.pos = e.offset;
    return cff.stream.readBuffer(e.length);
  };
  const localSubrs = cff.privateDictForGlyph(gid)?.Subrs ?? [];
  const globalSubrs = cff.globalSubrIndex ?? [];
  const out: number[] = [];
  /** Operands on the stack since the last operator: where each starts in `out`, and its value. */
  let operands: Array<{ start: number; value: number }> = [];
  let stems = 0;
  let depth = 0;

  /** Returns true when the glyph ended (endchar). */
  const run = (bytes: Uint8Array): boolean => {
    if (++depth > 10) throw new CharstringError('subroutines nested more than 10 deep');
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] ?? 0;
      if (b >= 32 || b === OP.shortint) {
        const [value, size] = readOperand(bytes, i);
        operands.push({ start: out.length, value });
        for (let k = 0; k < size; k++) out.push(bytes[i + k] ?? 0);
        i += size;
        continue;
      }
      switch (b) {
        case OP.callsubr:
        case OP.callgsubr: {
          const operand = operands.pop();
          if (!operand) throw new CharstringError('subroutine call without an index');
          out.length = operand.start;
          const subrs = b === OP.callsubr ? localSubrs : globalSubrs;
          const subr = subrs[operand.value + bias(subrs.length)];
          if (!subr) throw new CharstringError(`subroutine ${operand.value} does not exist`);
          if (run(read(subr))) {
            depth--;
            return true;
          }
          i += 1;
          continue;
        }
        case OP.return:
          depth--;
          return false;
        case OP.endchar:
          out.push(b);
          depth--;
          return true;
        case OP.hstem:
        case OP.vstem:
        case OP.hstemhm:
        case OP.vstemhm:
          stems += operands.length >> 1;
          out.push(b);
          operands = [];
          i += 1;
          continue;
        case OP.hintmask:
        case OP.cntrmask: {
          // Operands left before the first mask are an implicit vstemhm.
          stems += operands.length >> 1;
          const maskBytes = (stems + 7) >> 3;
          for (let k = 0; k <= maskBytes; k++) out.push(bytes[i + k] ?? 0);
          operands = [];
          i += 1 + maskBytes;
          continue;
        }
        case OP.escape: {
          const second = bytes[i + 1] ?? 0;
          if (!ESCAPED_DRAWING.has(second))
            throw new CharstringError(`escaped operator 12 ${second} not supported`);
          out.push(b, second);
          operands = [];
          i += 2;
          continue;
        }
        case 15:
        case 16:
          throw new CharstringError('CFF2 operators are not supported');
        default:
          out.push(b);
          operands = [];
          i += 1;
      }
    }
    depth--;
    return false;
  };
  run(read(entry));
  return Uint8Array.from(out);
}

/** [value, bytes taken] of the operand at `i` (Type 2 charstring number encoding). */
function readOperand(bytes: Uint8Array, i: number): [number, number] {
  const b0 = bytes[i] ?? 0;
  if (b0 === OP.shortint) return [(((bytes[i + 1] ?? 0) << 24) >> 16) | (bytes[i + 2] ?? 0), 3];
  if (b0 <= 246) return [b0 - 139, 1];
  if (b0 <= 250) return [(b0 - 247) * 256 + (bytes[i + 1] ?? 0) + 108, 2];
  if (b0 <= 254) return [-(b0 - 251) * 256 - (bytes[i + 1] ?? 0) - 108, 2];
  // 16.16 fixed; never a subroutine index, its value matters only as a count.
  return [0, 5];
}

/**
 * Makes `font.createSubset()` produce desubroutinized CFF subsets (CID-keyed fonts only; other fonts keep
 * fontkit's own subsetting). A glyph whose charstring cannot be flattened makes that one subset fall back to
 * fontkit's way.
 */
export function useFlatCffSubsets(font: fontkit.Font): void {
  const target = font as unknown as { createSubset(): unknown };
  const original = target.createSubset.bind(font);
  target.createSubset = () => {
    const subset = original() as CffSubset;
    const cff = subset.cff;
    if (!cff?.isCIDFont) return subset;
    const fontkitCharstrings = subset.subsetCharstrings.bind(subset);
    const fontkitFontdict = subset.subsetFontdict.bind(subset);
    let flat = true;
    subset.subsetCharstrings = () => {
      try {
        subset.charstrings = subset.glyphs.map((gid) => desubroutinize(cff, gid));
        subset.gsubrs = [];
      } catch (error) {
        if (!(error instanceof CharstringError)) throw error;
        flat = false;
        fontkitCharstrings();
      }
    };
    subset.subsetFontdict = (topDict) => {
      if (!flat) return fontkitFontdict(topDict);
      const fdArray: CffTable['topDict']['FDArray'] = [];
      const fds: number[] = [];
      const index = new Map<number, number>();
      for (const gid of subset.glyphs) {
        const fd = cff.fdForGlyph(gid);
        if (fd === null) continue;
        let mapped = index.get(fd);
        if (mapped === undefined) {
          const { FontName: _unused, ...dict } = cff.topDict.FDArray[fd] ?? {};
          if (dict.Private) {
            const { Subrs: _none, ...privateDict } = dict.Private;
            dict.Private = privateDict;
          }
          mapped = fdArray.push(dict) - 1;
          index.set(fd, mapped);
        }
        fds.push(mapped);
      }
      topDict.FDArray = fdArray;
      topDict.FDSelect = { version: 0, fds };
    };
    return subset;
  };
}
