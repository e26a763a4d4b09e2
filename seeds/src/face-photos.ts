/**
 * Fixture faces for the demo and the tests, read at run time from the group photos shipped inside the
 * `@vladmandic/face-api` package (`demo/sample1.jpg` … `sample6.jpg`); no image is committed to this repository.
 *
 * The six photos show 22 faces. Each face was located with the face-api SSD detector and the crops were compared
 * by eye as well as by descriptor distance: only one person is seen in two different photos with reasonable
 * confidence (identity `face-a`: sample1 right and sample3 centre). Every other identity has a single photo, so
 * its "camera" scenes are rendered from the same photo as its reference (see the face fixtures in the agent).
 * The set is small; the accuracy script (`npm run face:accuracy`) says so when it prints its numbers.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';

/** A face inside one of the package's photos; the box is the detector's face box in source pixels. */
export interface FacePhoto {
  /** Path inside the `@vladmandic/face-api` package. */
  source: string;
  box: { x: number; y: number; width: number; height: number };
  /** Head tilt in the photo, degrees (from the landmarks' eye line; > 0: clockwise). Crops are levelled by it. */
  roll: number;
  /** Head turn in the photo, rough degrees from the landmarks (> 0: the nose towards the image's right). */
  yaw: number;
}

export interface FaceIdentity {
  id: string;
  /** The registry (reference) photo is a crop around this face. */
  reference: FacePhoto;
  /** Other photos of the same person (used for the camera scenes, so the check does not compare a photo with itself). */
  others: readonly FacePhoto[];
}

const photo = (
  n: number,
  [x, y, width, height]: [number, number, number, number],
  roll: number,
  yaw: number,
): FacePhoto => ({
  source: `demo/sample${n}.jpg`,
  box: { x, y, width, height },
  roll,
  yaw,
});

export const FACE_IDENTITIES: readonly FaceIdentity[] = [
  // Long strawberry-blonde hair; sample1 right (paramedic uniform) and sample3 centre (ponytail, blue light).
  {
    id: 'face-a',
    reference: photo(1, [1476, 200, 203, 241], 44, -12),
    others: [photo(3, [1075, 215, 221, 299], 11.5, -10)],
  },
  { id: 'face-b', reference: photo(3, [1514, 292, 170, 279], -4.8, 22), others: [] },
  { id: 'face-c', reference: photo(6, [1487, 263, 212, 294], 13.4, -6), others: [] },
  { id: 'face-d', reference: photo(3, [585, 329, 199, 271], 1.8, -14), others: [] },
  { id: 'face-e', reference: photo(6, [250, 467, 210, 291], -5.9, 16), others: [] },
  { id: 'face-f', reference: photo(6, [681, 321, 159, 306], -4.8, -19), others: [] },
  { id: 'face-g', reference: photo(5, [1406, 390, 166, 270], -8.1, -28), others: [] },
  { id: 'face-h', reference: photo(1, [414, 355, 178, 238], 2.9, -28), others: [] },
  { id: 'face-j', reference: photo(6, [1181, 305, 188, 280], 1.2, 5), others: [] },
  { id: 'face-k', reference: photo(4, [664, 52, 187, 258], 27.7, -19), others: [] },
  { id: 'face-l', reference: photo(5, [1112, 198, 159, 237], -1.3, -10), others: [] },
];

/** Which demo card holder (seeds demo-card-holders key) has which face. */
export const DEMO_FACES: Readonly<Record<string, string>> = {
  pensioner: 'face-a',
  'pensioner-due': 'face-b',
  'pensioner-overdue': 'face-c',
  'resident-pensioner': 'face-d',
};

/** The identity shown as "someone else" in the camera simulator (not a demo card holder). */
export const STRANGER_FACES: readonly string[] = ['face-e', 'face-f'];

export function faceIdentity(identityId: string): FaceIdentity {
  const identity = FACE_IDENTITIES.find((i) => i.id === identityId);
  if (!identity) throw new Error(`unknown face identity ${identityId}`);
  return identity;
}

export interface RgbImage {
  width: number;
  height: number;
  /** rgb24, row-major */
  data: Uint8Array;
}

const require = createRequire(import.meta.url);
const packageDir = (): string => dirname(require.resolve('@vladmandic/face-api/package.json'));

const sources = new Map<string, Promise<RgbImage>>();

/** A package photo, decoded to RGB (cached: the photos are decoded once per process). */
export function loadSourceImage(source: string): Promise<RgbImage> {
  let image = sources.get(source);
  if (!image) {
    image = readFile(join(packageDir(), source)).then((bytes) => {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 256 });
      return { width: decoded.width, height: decoded.height, data: decoded.data };
    });
    image.catch(() => sources.delete(source));
    sources.set(source, image);
  }
  return image;
}

/**
 * The registry photo of a face: the face box with a margin for hair, ears and chin, levelled (turned by the
 * photo's head tilt so the eyes are horizontal, as in an ID photo). Pixels outside the source repeat its edge.
 */
export function levelledCrop(image: RgbImage, face: FacePhoto): RgbImage {
  const { x, y, width: w, height: h } = face.box;
  const cx = x + w / 2;
  const cy = y + h / 2;
  const width = Math.round(w * 1.9);
  const height = Math.round(h * 1.7);
  const left = -w * 0.95;
  const top = -h * 0.9;
  const angle = (face.roll * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const data = new Uint8Array(width * height * 3);
  const src = image.data;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const u = left + i;
      const v = top + j;
      const sx = Math.min(maxX - 0.001, Math.max(0, cx + u * cos - v * sin));
      const sy = Math.min(maxY - 0.001, Math.max(0, cy + u * sin + v * cos));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const a = (y0 * image.width + x0) * 3;
      const b = a + image.width * 3;
      const o = (j * width + i) * 3;
      for (let c = 0; c < 3; c++) {
        const t = (src[a + c] as number) * (1 - fx) + (src[a + 3 + c] as number) * fx;
        const d = (src[b + c] as number) * (1 - fx) + (src[b + 3 + c] as number) * fx;
        data[o + c] = t * (1 - fy) + d * fy;
      }
    }
  }
  return { width, height, data };
}

/** Encodes RGB as JPEG (jpeg-js wants RGBA). */
export function encodeJpeg(image: RgbImage, quality = 90): Uint8Array {
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.data.length; i += 3, j += 4) {
    rgba[j] = image.data[i] as number;
    rgba[j + 1] = image.data[i + 1] as number;
    rgba[j + 2] = image.data[i + 2] as number;
    rgba[j + 3] = 255;
  }
  const encoded = jpeg.encode({ width: image.width, height: image.height, data: rgba }, quality);
  return new Uint8Array(encoded.data.buffer, encoded.data.byteOffset, encoded.data.byteLength);
}

/** The registry (reference) photo of an identity: a JPEG crop of one face from a package image. */
export async function loadReferencePhoto(identityId: string): Promise<Uint8Array> {
  const { reference } = faceIdentity(identityId);
  const image = await loadSourceImage(reference.source);
  return encodeJpeg(levelledCrop(image, reference));
}
