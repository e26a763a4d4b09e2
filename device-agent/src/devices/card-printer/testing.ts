import { CARD_IMAGE_HEIGHT, CARD_IMAGE_WIDTH } from './card-printer.ts';

/** Test helpers for the card printer; not used at run time. */

export { quietLogger } from '../idcard/testing.ts';

export { waitForStatus } from '../testing.ts';

/**
 * A PNG header (signature + IHDR) of the given size followed by a marker: enough for the printer, which reads
 * only the size; not a decodable image. Real card faces come from the agent's renderer.
 */
export function fakePng(marker: string, width = CARD_IMAGE_WIDTH, height = CARD_IMAGE_HEIGHT): Uint8Array {
  const bytes = Buffer.alloc(33 + marker.length);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'latin1');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  // bit depth 8, colour type 2 (RGB), compression, filter, interlace 0; CRC left zero.
  bytes.set([8, 2, 0, 0, 0], 24);
  bytes.write(marker, 33, 'latin1');
  return new Uint8Array(bytes);
}
