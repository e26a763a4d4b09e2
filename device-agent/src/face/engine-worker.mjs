// The face engine's worker thread: @vladmandic/face-api (node-wasm build) on the TensorFlow.js WASM backend.
// Plain JavaScript so it loads the same way under tsx, vitest and plain node.
//
// The reference descriptor lives here and nowhere else: the main thread sends the reference JPEG and frames, and
// gets back distances, boxes and quality measures, never a descriptor. Nothing is written anywhere.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const jpeg = require('jpeg-js');

/** @type {Float32Array | null} */
let reference = null;
let loaded = false;
let detector = 'tiny';
let tinyInputSize = 416;
/** Smallest detection score that counts as a face, per detector (tiny scores run lower on turned heads). */
let minScore = { ssd: 0.5, tiny: 0.3 };

async function load(options) {
  detector = options.detector ?? detector;
  tinyInputSize = options.tinyInputSize ?? tinyInputSize;
  if (options.minScore !== undefined) minScore = { ssd: options.minScore, tiny: options.minScore };
  if (loaded) return info();
  // usePlatformFetch=false: Node's fetch cannot read file paths; the backend then reads the .wasm from disk.
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`, false);
  await tf.setBackend('wasm');
  await tf.ready();
  const models = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
  loaded = true;
  return info();
}

function info() {
  return { modelVersion: `face-api@${faceapi.version}` };
}

function detectorOptions(which) {
  return which === 'ssd'
    ? new faceapi.SsdMobilenetv1Options({ minConfidence: minScore.ssd, maxResults: 10 })
    : new faceapi.TinyFaceDetectorOptions({ inputSize: tinyInputSize, scoreThreshold: minScore.tiny });
}

const mean = (points) => {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
};

/**
 * Head pose estimated from the 68 landmarks (no 3D model): roll from the eye line; yaw from where the nose tip sits
 * between the two sides of the jaw (0 when centred, +1 when it reaches the right-hand jaw edge of the image);
 * pitch from where it sits between the eyes and the chin. The ratios are turned into rough degrees.
 * yaw > 0: the nose moved towards the right of the (unmirrored) image, the person turned to their left.
 */
function pose(landmarks) {
  const p = landmarks.positions;
  const eyeA = mean(p.slice(36, 42));
  const eyeB = mean(p.slice(42, 48));
  const roll = Math.atan2(eyeB.y - eyeA.y, eyeB.x - eyeA.x);
  const cx = (eyeA.x + eyeB.x) / 2;
  const cy = (eyeA.y + eyeB.y) / 2;
  const cos = Math.cos(-roll);
  const sin = Math.sin(-roll);
  const level = (q) => ({ x: (q.x - cx) * cos - (q.y - cy) * sin, y: (q.x - cx) * sin + (q.y - cy) * cos });
  const jawA = level(p[0]);
  const jawB = level(p[16]);
  const nose = level(p[30]);
  const chin = level(p[8]);
  const width = jawB.x - jawA.x;
  const yawRatio = width > 0 ? (nose.x - jawA.x - (jawB.x - nose.x)) / width : 0;
  const pitchRatio = chin.y > 0 ? nose.y / chin.y : 0.5;
  return {
    yawRatio,
    yawDeg: (Math.asin(Math.max(-1, Math.min(1, yawRatio))) * 180) / Math.PI,
    pitchRatio,
    // About 0.38 looking straight at the camera; higher when looking down.
    pitchDeg: (pitchRatio - 0.38) * 120,
    rollDeg: (roll * 180) / Math.PI,
  };
}

/** Mean luma over a box (sampled), 0–255. */
function brightness(frame, box) {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height));
  const step = Math.max(1, Math.floor(Math.min(x1 - x0, y1 - y0) / 64));
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = (y * frame.width + x) * 3;
      sum += 0.299 * frame.data[i] + 0.587 * frame.data[i + 1] + 0.114 * frame.data[i + 2];
      n++;
    }
  }
  return n ? sum / n : 0;
}

/**
 * Sharpness: variance of the Laplacian over the middle of the face, resampled to 96x96 so the figure does not
 * depend on the face's size in the frame. Divided by the face's contrast so a dim face is not called blurry.
 */
function sharpness(frame, box) {
  const n = 96;
  const g = new Float32Array(n * n);
  const bx = box.x + box.width * 0.15;
  const by = box.y + box.height * 0.15;
  const bw = box.width * 0.7;
  const bh = box.height * 0.7;
  let sum = 0;
  let sq = 0;
  for (let j = 0; j < n; j++) {
    const y = Math.min(frame.height - 1, Math.max(0, Math.round(by + ((j + 0.5) * bh) / n)));
    for (let i = 0; i < n; i++) {
      const x = Math.min(frame.width - 1, Math.max(0, Math.round(bx + ((i + 0.5) * bw) / n)));
      const k = (y * frame.width + x) * 3;
      const v = 0.299 * frame.data[k] + 0.587 * frame.data[k + 1] + 0.114 * frame.data[k + 2];
      g[j * n + i] = v;
      sum += v;
      sq += v * v;
    }
  }
  const m = sum / (n * n);
  const contrast = Math.sqrt(Math.max(1, sq / (n * n) - m * m));
  let ls = 0;
  let lsq = 0;
  let count = 0;
  for (let j = 1; j < n - 1; j++) {
    for (let i = 1; i < n - 1; i++) {
      const k = j * n + i;
      const lap = g[k - 1] + g[k + 1] + g[k - n] + g[k + n] - 4 * g[k];
      ls += lap;
      lsq += lap * lap;
      count++;
    }
  }
  const lm = ls / count;
  return (lsq / count - lm * lm) / contrast;
}

function distance(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Landmarks and descriptor of one detected face (the same steps face-api's composed tasks take). */
async function describe(input, detection) {
  const [faceTensor] = await faceapi.extractFaceTensors(input, [detection]);
  const unshifted = await faceapi.nets.faceLandmark68Net.detectLandmarks(faceTensor);
  faceTensor.dispose();
  const landmarks = unshifted.shiftBy(detection.box.x, detection.box.y);
  const [aligned] = await faceapi.extractFaceTensors(input, [
    landmarks.align(null, { useDlibAlignment: true }),
  ]);
  const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(aligned);
  aligned.dispose();
  return { landmarks, descriptor };
}

const boxOf = (d) => ({ x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height });

async function analyze(frame, which) {
  const started = performance.now();
  const input = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
  try {
    const detections = await faceapi.detectAllFaces(input, detectorOptions(which ?? detector));
    const detectedAt = performance.now();
    const faces = detections.map((d) => ({ box: boxOf(d), score: d.score }));
    faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    let face = null;
    if (detections.length === 1) {
      const detection = detections[0];
      const { landmarks, descriptor } = await describe(input, detection);
      face = {
        box: boxOf(detection),
        score: detection.score,
        pose: pose(landmarks),
        brightness: brightness(frame, detection.box),
        sharpness: sharpness(frame, detection.box),
        distance: reference ? distance(descriptor, reference) : null,
      };
    }
    const done = performance.now();
    return {
      width: frame.width,
      height: frame.height,
      faces,
      face,
      frameBrightness: brightness(frame, { x: 0, y: 0, width: frame.width, height: frame.height }),
      ms: { detect: detectedAt - started, total: done - started },
    };
  } finally {
    input.dispose();
  }
}

function decodeJpeg(bytes) {
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 256 });
  return { width: image.width, height: image.height, data: image.data };
}

async function setReference(bytes) {
  reference = null;
  const image = decodeJpeg(bytes);
  const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  try {
    const detections = await faceapi.detectAllFaces(input, detectorOptions('ssd'));
    if (detections.length === 0) return { ok: false, faces: 0 };
    // A registry photo shows one person; if the detector also sees a face in the background, take the largest.
    detections.sort((a, b) => b.box.area - a.box.area);
    const { landmarks, descriptor } = await describe(input, detections[0]);
    reference = descriptor;
    return { ok: true, faces: detections.length, box: boxOf(detections[0]), pose: pose(landmarks) };
  } finally {
    input.dispose();
  }
}

async function handle(message) {
  switch (message.type) {
    case 'load':
      return load(message.options ?? {});
    case 'setReference':
      return setReference(message.jpeg);
    case 'clearReference':
      reference = null;
      return { ok: true };
    case 'analyze':
      return analyze(message.frame, message.detector);
    case 'analyzeJpeg':
      return analyze(decodeJpeg(message.jpeg), message.detector);
    default:
      throw new Error(`unknown request ${message.type}`);
  }
}

// One request at a time, in order: the WASM backend is single-threaded anyway.
let queue = Promise.resolve();
parentPort.on('message', (message) => {
  queue = queue.then(async () => {
    try {
      const result = await handle(message);
      parentPort.postMessage({ id: message.id, ok: true, result });
    } catch (error) {
      parentPort.postMessage({
        id: message.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });
});
