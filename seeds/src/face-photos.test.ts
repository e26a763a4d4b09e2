import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import {
  DEMO_FACES,
  FACE_IDENTITIES,
  faceIdentity,
  loadReferencePhoto,
  STRANGER_FACES,
} from './face-photos.ts';
import { demoCardHolders } from './index.ts';

describe('fixture faces', () => {
  it('gives every demo pensioner a face, and keeps the camera strangers apart from them', () => {
    const pensioners = demoCardHolders()
      .map((h) => h.key)
      .filter((key) => key.includes('pensioner'));
    expect(pensioners.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(DEMO_FACES).sort()).toEqual([...pensioners].sort());
    const ids = FACE_IDENTITIES.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [...Object.values(DEMO_FACES), ...STRANGER_FACES]) expect(ids).toContain(id);
    for (const id of STRANGER_FACES) expect(Object.values(DEMO_FACES)).not.toContain(id);
    expect(new Set(Object.values(DEMO_FACES)).size).toBe(Object.keys(DEMO_FACES).length);
    // At least one demo pensioner is seen by the camera in a different photo than the registry's.
    expect(Object.values(DEMO_FACES).some((id) => faceIdentity(id).others.length > 0)).toBe(true);
    expect(() => faceIdentity('face-nobody')).toThrow(/unknown face identity/);
  });

  it('crops each reference photo from the package image as a JPEG portrait', async () => {
    for (const identity of FACE_IDENTITIES) {
      const bytes = await loadReferencePhoto(identity.id);
      expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
      expect(image.width).toBe(Math.round(identity.reference.box.width * 1.9));
      expect(image.height).toBe(Math.round(identity.reference.box.height * 1.7));
      // A photo, not a blank: the pixels vary.
      let sum = 0;
      let sq = 0;
      for (const v of image.data) {
        sum += v;
        sq += v * v;
      }
      const mean = sum / image.data.length;
      expect(Math.sqrt(sq / image.data.length - mean * mean)).toBeGreaterThan(20);
    }
  }, 60_000);
});
