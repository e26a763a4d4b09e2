import { crc32 } from 'node:zlib';

/** A PNG with tEXt chunks inserted right after IHDR (which is 8 + 25 bytes into every PNG). */
export function withTextChunks(png: Uint8Array, texts: Record<string, string>): Uint8Array {
  const chunks = Object.entries(texts).map(([key, value]) => {
    const data = Buffer.from(`${key}\0${value}`, 'latin1');
    const chunk = Buffer.alloc(12 + data.length);
    chunk.writeUInt32BE(data.length, 0);
    chunk.write('tEXt', 4, 'latin1');
    data.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
    return chunk;
  });
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  return new Uint8Array(Buffer.concat([bytes.subarray(0, 33), ...chunks, bytes.subarray(33)]));
}

/** The tEXt chunks of a PNG (the harness reads the faces the printer simulator kept). */
export function pngTextChunks(png: Buffer): Record<string, string> {
  const texts: Record<string, string> = {};
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'tEXt') {
      const data = png.toString('latin1', offset + 8, offset + 8 + length);
      const zero = data.indexOf('\0');
      if (zero > 0) texts[data.slice(0, zero)] = data.slice(zero + 1);
    }
    if (type === 'IDAT' || type === 'IEND') break;
    offset += 12 + length;
  }
  return texts;
}
