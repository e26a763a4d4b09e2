#!/usr/bin/env node
/**
 * A stand-in for a vendor's WLT decoder, for tests only: it keeps the decoder contract of config/src/face.ts
 * (WLT on stdin, one JPEG on stdout, exit code 0) or breaks it on purpose. `node wlt-decoder.mjs <mode> [pidFile]`:
 *   ok      a 102x126 JPEG (the size of a decoded card photo) whose pixels are derived from the input bytes, so
 *           the same card gives the same JPEG and another card a different one; exits 2 unless given 1024 bytes
 *   fail    says why on stderr and exits 3
 *   hang    writes its pid to pidFile and never answers
 *   text    writes something that is not a JPEG and exits 0
 *   huge    writes a JPEG header followed by 2 MiB and exits 0
 */
import { writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';

const [mode = 'ok', pidFile] = process.argv.slice(2);

const readAll = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
};

if (mode === 'hang') {
  if (pidFile) writeFileSync(pidFile, String(process.pid));
  setInterval(() => undefined, 60_000);
} else {
  const wlt = await readAll();
  if (mode === 'fail') {
    process.stderr.write('wlt: unsupported header\n');
    process.exit(3);
  } else if (mode === 'text') {
    process.stdout.write('this is not a JPEG\n');
  } else if (mode === 'huge') {
    const out = Buffer.alloc(2 * 1024 * 1024, 0x55);
    out.set([0xff, 0xd8, 0xff, 0xe0], 0);
    process.stdout.write(out);
  } else if (wlt.length !== 1024) {
    process.stderr.write(`wlt: expected 1024 bytes, got ${wlt.length}\n`);
    process.exit(2);
  } else {
    const width = 102;
    const height = 126;
    const data = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const v = wlt[i % wlt.length] ?? 0;
      data[i * 4] = v;
      data[i * 4 + 1] = (v * 7) & 0xff;
      data[i * 4 + 2] = 255 - v;
      data[i * 4 + 3] = 255;
    }
    process.stdout.write(jpeg.encode({ data, width, height }, 90).data);
  }
}
