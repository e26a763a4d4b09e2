import { createCanvas, loadImage } from '@napi-rs/canvas';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { CARD_IMAGE_HEIGHT, CARD_IMAGE_WIDTH } from '../devices/card-printer/card-printer.ts';
import { checkCardImage } from '../devices/card-printer/protocol/image.ts';
import { CARD_FACE_LAYOUT, type CardFaceData, CardFaceError, renderCardFace } from './card-face.ts';

/** A synthetic 358x441 JPEG: a coloured gradient with a darker "head" ellipse. */
function photo(r: number, g: number, b: number): Uint8Array {
  const width = 358;
  const height = 441;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const head = ((x - 179) / 100) ** 2 + ((y - 190) / 130) ** 2 < 1;
      const f = head ? 0.5 : 1 - y / (2 * height);
      data[i] = r * f;
      data[i + 1] = g * f;
      data[i + 2] = b * f;
      data[i + 3] = 255;
    }
  return new Uint8Array(jpeg.encode({ data, width, height }, 85).data);
}

const PHOTO_A = photo(220, 60, 40);
const PHOTO_B = photo(40, 120, 220);

const DATA: CardFaceData = {
  name: '张三丰',
  socialSecurityNumber: '11010519491231002X',
  cardNumber: 'A12345678',
  bankName: '中国工商银行',
  issueDate: '2026-11',
  photoJpeg: PHOTO_A,
};

async function pixels(png: Uint8Array) {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, image.width, image.height).data;
}

function region(px: Uint8ClampedArray, r: { x: number; y: number; w: number; h: number }): number[] {
  const out: number[] = [];
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x; x < r.x + r.w; x++) {
      const i = (y * CARD_IMAGE_WIDTH + x) * 4;
      out.push(px[i] as number, px[i + 1] as number, px[i + 2] as number);
    }
  return out;
}

describe('renderCardFace', () => {
  it('renders a 1016x648 PNG the card printer accepts, with the photo and the name on it', async () => {
    const [a, b] = await Promise.all([renderCardFace(DATA), renderCardFace({ ...DATA, photoJpeg: PHOTO_B })]);
    expect(() => checkCardImage(a)).not.toThrow();
    const pa = await pixels(a);
    const pb = await pixels(b);
    expect(pa.length).toBe(CARD_IMAGE_WIDTH * CARD_IMAGE_HEIGHT * 4);

    const photoA = region(pa, CARD_FACE_LAYOUT.photo);
    const photoB = region(pb, CARD_FACE_LAYOUT.photo);
    // Not blank: plenty of spread in the photo area.
    expect(Math.max(...photoA.slice(0, 30000)) - Math.min(...photoA.slice(0, 30000))).toBeGreaterThan(50);
    // Two photos -> two different photo areas (red vs blue dominated).
    const diff = photoA.reduce((s, v, i) => s + Math.abs(v - (photoB[i] as number)), 0) / photoA.length;
    expect(diff).toBeGreaterThan(40);

    // Dark pixels where the name is, none on the same line further right (before the photo).
    const L = CARD_FACE_LAYOUT;
    const nameBox = { x: L.valuesX, y: L.lines[0] - L.fontSize, w: 3 * L.fontSize, h: L.fontSize + 4 };
    const dark = (vals: number[]) => {
      let n = 0;
      for (let i = 0; i < vals.length; i += 3)
        if ((vals[i] as number) + (vals[i + 1] as number) + (vals[i + 2] as number) < 150) n++;
      return n;
    };
    expect(dark(region(pa, nameBox))).toBeGreaterThan(100);
    expect(dark(region(pa, { ...nameBox, x: nameBox.x + nameBox.w + 10, w: 100 }))).toBe(0);
    // The chip contacts stay unprinted (background only, no dark pixels).
    expect(dark(region(pa, L.chip))).toBe(0);
  });

  it.each([
    ['photoJpeg', { photoJpeg: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]) }],
    ['photoJpeg', { photoJpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]) }],
    ['name', { name: '  ' }],
    ['socialSecurityNumber', { socialSecurityNumber: '1101051949123100' }],
    ['cardNumber', { cardNumber: '123' }],
    ['bankName', { bankName: '' }],
    ['issueDate', { issueDate: '2026-13' }],
  ] as const)('rejects a bad %s with an error naming the field and not the value', async (field, patch) => {
    const err = await renderCardFace({ ...DATA, ...patch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardFaceError);
    expect((err as CardFaceError).field).toBe(field);
    expect((err as Error).message).toContain(field);
    expect((err as Error).message).not.toContain(DATA.name);
    expect((err as Error).message).not.toContain('1101051949');
  });
});
