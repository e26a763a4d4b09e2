import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Looks for face data where none may be: image bytes (JPEG, PNG, raw base64 of either) and face descriptors
 * (runs of many small floats, as JSON text or as float32 bytes). Used after a run of face-check sessions on the
 * database dump, the logs, the agent's data folder and the temp folder.
 */
export interface Finding {
  where: string;
  what: 'jpeg' | 'png' | 'base64Image' | 'floatRunText' | 'floatRunBinary';
  offset: number;
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** base64 of a JPEG starts "/9j/", of a PNG "iVBORw0KGgo". */
const BASE64_IMAGE = /\/9j\/[A-Za-z0-9+/]{40}|iVBORw0KGgo[A-Za-z0-9+/]{40}/;
/** 32 or more decimal fractions in a row, separated by commas: a descriptor (128 floats) or part of one. */
const FLOAT_RUN_TEXT = /(?:-?0?\.\d{3,}\s*,\s*){31,}-?0?\.\d{3,}/;

/**
 * 32 float32 values in a row that all lie in (-1, 1) with non-trivial mantissas: face-api descriptors are 128
 * such values. Random binary data rarely matches (each value must have exponent 0x3c..0x3f or 0xbc..0xbf).
 */
function floatRunBinary(bytes: Buffer): number {
  const need = 32;
  for (let align = 0; align < 4; align++) {
    let run = 0;
    for (let i = align; i + 4 <= bytes.length; i += 4) {
      const v = bytes.readFloatLE(i);
      const plausible = Number.isFinite(v) && Math.abs(v) > 1e-4 && Math.abs(v) < 1;
      run = plausible ? run + 1 : 0;
      if (run >= need) return i - (need - 1) * 4;
    }
  }
  return -1;
}

export function scanBytes(where: string, bytes: Buffer, options: { binaryFloats?: boolean } = {}): Finding[] {
  const findings: Finding[] = [];
  const jpeg = bytes.indexOf(JPEG);
  if (jpeg >= 0) findings.push({ where, what: 'jpeg', offset: jpeg });
  const png = bytes.indexOf(PNG);
  if (png >= 0) findings.push({ where, what: 'png', offset: png });
  const text = bytes.toString('latin1');
  const b64 = BASE64_IMAGE.exec(text);
  if (b64) findings.push({ where, what: 'base64Image', offset: b64.index });
  const floats = FLOAT_RUN_TEXT.exec(text);
  if (floats) findings.push({ where, what: 'floatRunText', offset: floats.index });
  if (options.binaryFloats) {
    const at = floatRunBinary(bytes);
    if (at >= 0) findings.push({ where, what: 'floatRunBinary', offset: at });
  }
  return findings;
}

/** Every regular file under `root` (recursively), skipping paths `skip` accepts. */
export function filesUnder(root: string, skip: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (skip(path)) continue;
      let stat: ReturnType<typeof statSync>;
      try {
        stat = statSync(path);
      } catch {
        continue;
      }
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) out.push(path);
    }
  };
  walk(root);
  return out;
}

export function scanFiles(paths: string[], options: { binaryFloats?: boolean } = {}): Finding[] {
  return paths.flatMap((path) => {
    try {
      return scanBytes(path, readFileSync(path), options);
    } catch {
      return [];
    }
  });
}
