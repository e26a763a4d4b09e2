import { CARD_IMAGE_HEIGHT, CARD_IMAGE_WIDTH } from '../card-printer.ts';
import { CardPrinterError } from './errors.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Largest print job we send (a 1016x648 RGB PNG is at most ~2 MB uncompressed). */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. Pure, no decoding. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24) return null;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return null;
  // IHDR must be the first chunk: length (4) "IHDR" (4) width (4, big-endian) height (4).
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Checks a card image before any byte goes to the printer (STYLE.md rule 3). */
export function checkCardImage(bytes: Uint8Array): void {
  if (bytes.length > MAX_IMAGE_BYTES)
    throw new CardPrinterError(
      'invalidImage',
      'invalidData',
      `card image larger than ${MAX_IMAGE_BYTES} bytes`,
    );
  const size = pngSize(bytes);
  if (!size) throw new CardPrinterError('invalidImage', 'invalidData', 'card image is not a PNG');
  if (size.width !== CARD_IMAGE_WIDTH || size.height !== CARD_IMAGE_HEIGHT) {
    throw new CardPrinterError(
      'invalidImage',
      'invalidData',
      `card image is ${size.width}x${size.height}, expected ${CARD_IMAGE_WIDTH}x${CARD_IMAGE_HEIGHT}`,
    );
  }
}
