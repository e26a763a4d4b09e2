import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { CARD_IMAGE_HEIGHT, CARD_IMAGE_WIDTH } from '../devices/card-printer/card-printer.ts';

/**
 * Front face of a social security card (PROTOCOLS.md sections 3 and 4): a 1016x648 PNG at 300 dpi for the card
 * printer. Layout after the second-generation card: title and emblem at the top left, the bank at the top right,
 * the chip contacts left free at the ISO 7816 position, the four fields below the chip, the photo (358x441) at
 * the right. Rasterized with @napi-rs/canvas (Skia; its native binary is itself an npm package, so it installs
 * from the npm registry alone); text in Noto Sans SC from @embedpdf/fonts-sc, never a system font.
 * Nothing is written to disk or logged; errors name the field, never its value.
 */
export interface CardFaceData {
  name: string;
  socialSecurityNumber: string;
  cardNumber: string;
  bankName: string;
  /** YYYY-MM */
  issueDate: string;
  photoJpeg: Uint8Array;
}

export const CARD_PHOTO_WIDTH = 358;
export const CARD_PHOTO_HEIGHT = 441;

/** Where things sit on the face, exported so tests look at the right pixels. */
export const CARD_FACE_LAYOUT = {
  photo: { x: CARD_IMAGE_WIDTH - CARD_PHOTO_WIDTH - 48, y: 156, w: CARD_PHOTO_WIDTH, h: CARD_PHOTO_HEIGHT },
  /** ISO 7816-2 contact area, about 10.25 mm from the left and 19.23 mm from the top: left unprinted. */
  chip: { x: 100, y: 206, w: 150, h: 120 },
  fieldsX: 56,
  valuesX: 232,
  /** Baselines of the four field lines: name, social security number, card number, issue date. */
  lines: [404, 466, 528, 590],
  fontSize: 30,
} as const;

export class CardFaceError extends Error {
  constructor(
    readonly field: keyof CardFaceData,
    reason: string,
  ) {
    super(`card face: ${field} ${reason}`);
    this.name = 'CardFaceError';
  }
}

const REGULAR = 'CardFaceSans';
const BOLD = 'CardFaceSansBold';
let fontsLoaded = false;

function loadFonts(): void {
  if (fontsLoaded) return;
  // The package exports only its index; the fonts sit beside dist/ (as in server/src/documents/font.ts).
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  const dir = join(dirname(entry), '..', 'fonts');
  if (!GlobalFonts.registerFromPath(join(dir, 'NotoSansHans-Regular.otf'), REGULAR))
    throw new Error('card face: cannot load NotoSansHans-Regular.otf from @embedpdf/fonts-sc');
  if (!GlobalFonts.registerFromPath(join(dir, 'NotoSansHans-Bold.otf'), BOLD))
    throw new Error('card face: cannot load NotoSansHans-Bold.otf from @embedpdf/fonts-sc');
  fontsLoaded = true;
}

function validate(data: CardFaceData): void {
  const name = data.name?.trim() ?? '';
  if (!name) throw new CardFaceError('name', 'is empty');
  if ([...name].length > 15) throw new CardFaceError('name', 'is longer than 15 characters');
  if (!/^\d{17}[\dX]$/.test(data.socialSecurityNumber ?? ''))
    throw new CardFaceError('socialSecurityNumber', 'must be 18 characters: 17 digits and a digit or X');
  if (!/^[0-9A-Z]{9}$/.test(data.cardNumber ?? ''))
    throw new CardFaceError('cardNumber', 'must be 9 characters (digits or capital letters)');
  const bank = data.bankName?.trim() ?? '';
  if (!bank) throw new CardFaceError('bankName', 'is empty');
  if ([...bank].length > 12) throw new CardFaceError('bankName', 'is longer than 12 characters');
  const date = /^(\d{4})-(\d{2})$/.exec(data.issueDate ?? '');
  if (!date || Number(date[2]) < 1 || Number(date[2]) > 12)
    throw new CardFaceError('issueDate', 'must be YYYY-MM');
  const jpeg = data.photoJpeg;
  if (
    !(jpeg instanceof Uint8Array) ||
    jpeg.length < 4 ||
    jpeg[0] !== 0xff ||
    jpeg[1] !== 0xd8 ||
    jpeg[2] !== 0xff
  )
    throw new CardFaceError('photoJpeg', 'is not a JPEG');
}

export async function renderCardFace(data: CardFaceData): Promise<Uint8Array> {
  validate(data);
  loadFonts();
  let photo: Awaited<ReturnType<typeof loadImage>>;
  try {
    photo = await loadImage(
      Buffer.from(data.photoJpeg.buffer, data.photoJpeg.byteOffset, data.photoJpeg.byteLength),
    );
  } catch {
    throw new CardFaceError('photoJpeg', 'cannot be decoded as a JPEG');
  }
  if (!photo.width || !photo.height) throw new CardFaceError('photoJpeg', 'cannot be decoded as a JPEG');

  const canvas = createCanvas(CARD_IMAGE_WIDTH, CARD_IMAGE_HEIGHT);
  const ctx = canvas.getContext('2d');
  const L = CARD_FACE_LAYOUT;

  // Background: pale blue, a darker band behind the title.
  const bg = ctx.createLinearGradient(0, 0, CARD_IMAGE_WIDTH, CARD_IMAGE_HEIGHT);
  bg.addColorStop(0, '#e6f0fa');
  bg.addColorStop(1, '#f6f9fd');
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, CARD_IMAGE_WIDTH, CARD_IMAGE_HEIGHT);
  ctx.fillStyle = '#1f4e8c';
  ctx.fillRect(0, 128, CARD_IMAGE_WIDTH, 6);

  // Emblem: a simple round mark (the real 社会保障 logo is not ours to draw).
  ctx.strokeStyle = '#c8102e';
  ctx.lineWidth = 6;
  ctx.beginPath();
  ctx.arc(92, 66, 40, 0, Math.PI * 2);
  ctx.stroke();
  ctx.fillStyle = '#c8102e';
  ctx.font = `28px ${BOLD}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('社保', 92, 66);

  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = '#1f4e8c';
  ctx.font = `44px ${BOLD}`;
  ctx.fillText('中华人民共和国社会保障卡', 152, 84, L.photo.x - 152 - 24);

  // Bank at the top right.
  ctx.textAlign = 'right';
  ctx.fillStyle = '#1a1a1a';
  ctx.font = `30px ${BOLD}`;
  ctx.fillText(data.bankName.trim(), CARD_IMAGE_WIDTH - 48, 84, CARD_IMAGE_WIDTH - 48 - (L.photo.x - 8));
  ctx.textAlign = 'left';

  // Photo, scaled to cover 358x441 (centre crop, aspect kept), with a thin frame.
  const scale = Math.max(L.photo.w / photo.width, L.photo.h / photo.height);
  const sw = L.photo.w / scale;
  const sh = L.photo.h / scale;
  ctx.drawImage(
    photo,
    (photo.width - sw) / 2,
    (photo.height - sh) / 2,
    sw,
    sh,
    L.photo.x,
    L.photo.y,
    L.photo.w,
    L.photo.h,
  );
  ctx.strokeStyle = '#9fb3c8';
  ctx.lineWidth = 2;
  ctx.strokeRect(L.photo.x - 1, L.photo.y - 1, L.photo.w + 2, L.photo.h + 2);

  // The chip contact area (L.chip) is left unprinted: the embedded chip sits there on the blank.

  const fields: [string, string][] = [
    ['姓名', data.name.trim()],
    ['社会保障号码', data.socialSecurityNumber],
    ['社会保障卡号', data.cardNumber],
    ['发卡日期', `${data.issueDate.replace('-', '年')}月`],
  ];
  const maxValueWidth = L.photo.x - L.valuesX - 20;
  fields.forEach(([label, value], i) => {
    const y = L.lines[i] as number;
    ctx.fillStyle = '#33475b';
    ctx.font = `24px ${REGULAR}`;
    ctx.fillText(label, L.fieldsX, y, L.valuesX - L.fieldsX - 12);
    ctx.fillStyle = '#000000';
    ctx.font = `${L.fontSize}px ${i === 0 ? BOLD : REGULAR}`;
    ctx.fillText(value, L.valuesX, y, maxValueWidth);
  });

  // The Buffer itself (a Uint8Array), not a copy: the caller zero-fills the only bytes of the face.
  return canvas.toBuffer('image/png');
}
