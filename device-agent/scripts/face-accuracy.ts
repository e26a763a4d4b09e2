/**
 * `npm run face:accuracy`: how well the face check separates people on the fixture faces.
 *
 * 1. Photo pairs: every pair of fixture photos (levelled crops, as registry photos are), scored with the same engine
 *    as the kiosk (SSD detector for both, as for a registry photo). Same person = same identity.
 * 2. Camera scenes: each demo card holder's reference against their own `cardHolder` scene and the `otherPerson`
 *    scene, scored as the check does (median over the first straight-ahead good frames, the configured detector).
 *
 * Prints every distance, then false accepts / false rejects at the configured threshold. Nothing is written.
 */
import { FaceCheckConfig } from '@sik/config';
import {
  DEMO_FACES,
  encodeJpeg,
  FACE_IDENTITIES,
  type FacePhoto,
  levelledCrop,
  loadReferencePhoto,
  loadSourceImage,
} from '@sik/seeds/face-photos';
import { createFaceEngine } from '../src/face/engine.ts';
import { renderScene } from '../src/face/fixtures/scenes.ts';
import { assessFrame, median } from '../src/face/quality.ts';

const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const config = FaceCheckConfig.parse({});
const threshold = Number(
  process.argv.find((a) => a.startsWith('--threshold='))?.slice(12) ?? config.threshold,
);
const engine = createFaceEngine();
await engine.load();

interface Scored {
  a: string;
  b: string;
  same: boolean;
  distance: number;
  note?: string;
}

const photos: { identity: string; label: string; photo: FacePhoto }[] = FACE_IDENTITIES.flatMap((identity) =>
  [identity.reference, ...identity.others].map((photo, i) => ({
    identity: identity.id,
    label: `${identity.id}${i === 0 ? '' : `#${i + 1}`} (${photo.source.replace('demo/', '')})`,
    photo,
  })),
);
const crops = await Promise.all(
  photos.map(async (p) => encodeJpeg(levelledCrop(await loadSourceImage(p.photo.source), p.photo))),
);

const photoPairs: Scored[] = [];
for (let i = 0; i < photos.length; i++) {
  const reference = await engine.setReference(crops[i] as Uint8Array);
  if (!reference.ok) {
    say(`${photos[i]?.label}: no face found in the crop, skipped`);
    continue;
  }
  for (let j = i + 1; j < photos.length; j++) {
    const a = await engine.analyzeJpeg(crops[j] as Uint8Array, 'ssd');
    const distance = a.face?.distance;
    if (distance == null) {
      say(`${photos[j]?.label}: no single face found, skipped`);
      continue;
    }
    photoPairs.push({
      a: photos[i]?.label ?? '',
      b: photos[j]?.label ?? '',
      same: photos[i]?.identity === photos[j]?.identity,
      distance,
    });
  }
}

/** Median distance over the first `framesNeeded` frames that pass the gates, as the check decides. */
async function sceneDistance(scene: 'cardHolder' | 'otherPerson', holder: string): Promise<number | null> {
  const clip = await renderScene(scene, { cardHolder: holder });
  const good: number[] = [];
  for (const frame of clip.frames) {
    const verdict = assessFrame(await engine.analyzeJpeg(frame, config.detector), config.quality);
    if (verdict.ok && verdict.face.distance !== null) good.push(verdict.face.distance);
    if (good.length >= config.framesNeeded) break;
  }
  return good.length ? median(good) : null;
}

const scenePairs: Scored[] = [];
for (const [holderKey, identityId] of Object.entries(DEMO_FACES)) {
  await engine.setReference(await loadReferencePhoto(identityId));
  const independent = (FACE_IDENTITIES.find((i) => i.id === identityId)?.others.length ?? 0) > 0;
  for (const scene of ['cardHolder', 'otherPerson'] as const) {
    const distance = await sceneDistance(scene, identityId);
    if (distance === null) continue;
    scenePairs.push({
      a: `${holderKey} reference (${identityId})`,
      b: `${scene} scene`,
      same: scene === 'cardHolder',
      distance,
      note:
        scene === 'cardHolder' && !independent
          ? 'same source photo as the reference (not an independent pair)'
          : undefined,
    });
  }
}
await engine.clearReference();
await engine.close();

const fmt = (n: number): string => n.toFixed(3);
function report(title: string, pairs: Scored[]): void {
  say(`\n${title}`);
  for (const p of [...pairs].sort((x, y) => Number(y.same) - Number(x.same) || x.distance - y.distance)) {
    const verdict = p.distance <= threshold ? 'accept' : 'reject';
    const wrong = (p.same && verdict === 'reject') || (!p.same && verdict === 'accept') ? '  <-- WRONG' : '';
    say(
      `  ${p.same ? 'same' : 'diff'}  ${fmt(p.distance)}  ${verdict}  ${p.a}  vs  ${p.b}${p.note ? `  [${p.note}]` : ''}${wrong}`,
    );
  }
  const same = pairs.filter((p) => p.same);
  const diff = pairs.filter((p) => !p.same);
  const fr = same.filter((p) => p.distance > threshold).length;
  const fa = diff.filter((p) => p.distance <= threshold).length;
  const range = (xs: Scored[]): string =>
    xs.length
      ? `${fmt(Math.min(...xs.map((x) => x.distance)))}–${fmt(Math.max(...xs.map((x) => x.distance)))}`
      : 'none';
  say(`  same-person pairs: ${same.length} (distances ${range(same)}), false rejects: ${fr}`);
  say(`  different-person pairs: ${diff.length} (distances ${range(diff)}), false accepts: ${fa}`);
}

say(`Face check accuracy on the fixture faces, threshold ${threshold} (config default ${config.threshold})`);
report('Photo pairs (registry-style crops, SSD detector):', photoPairs);
report(
  `Camera scenes (median of ${config.framesNeeded} good frames, ${config.detector} detector):`,
  scenePairs,
);
say(
  `\nHow small this is: ${photos.length} photos of ${FACE_IDENTITIES.length} people from six party photos in the ` +
    '@vladmandic/face-api package; only one person appears in two independent photos, so there is exactly one ' +
    'independent same-person photo pair (plus its camera scene). Different-person pairs are many but drawn from ' +
    'few faces (young women, party make-up, similar lighting). These numbers show the check works as built; they ' +
    'say nothing about error rates on a real population. Measure on a proper, consented data set before production.',
);
process.exit(0);
