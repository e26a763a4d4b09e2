import { Worker } from 'node:worker_threads';

/** Where a face sits in the frame, pixels. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Head pose estimated from the 68 landmarks (rough degrees; see engine-worker.mjs). */
export interface FacePose {
  /** > 0: the nose moved towards the right of the unmirrored image (the person turned to their left). */
  yawDeg: number;
  yawRatio: number;
  /** > 0: looking down. */
  pitchDeg: number;
  pitchRatio: number;
  rollDeg: number;
}

/** The one face of a frame that shows exactly one, measured. */
export interface FaceMeasure {
  box: FaceBox;
  score: number;
  pose: FacePose;
  /** Mean luma over the face box, 0–255. */
  brightness: number;
  /** Variance of the Laplacian over the middle of the face, per unit of contrast (higher is sharper). */
  sharpness: number;
  /** Descriptor distance to the reference (lower is closer); null when no reference is set. */
  distance: number | null;
}

export interface FrameAnalysis {
  width: number;
  height: number;
  /** Every face the detector found, largest first. */
  faces: { box: FaceBox; score: number }[];
  /** Set when exactly one face was found. */
  face: FaceMeasure | null;
  /** Mean luma over the whole frame, 0–255. */
  frameBrightness: number;
  ms: { detect: number; total: number };
}

export interface FaceEngineOptions {
  /** Detector for camera frames: 'tiny' (Tiny Face Detector, ~3x faster) or 'ssd' (SSD MobileNet v1). */
  detector?: 'tiny' | 'ssd';
  /** Tiny detector input size (multiple of 32). */
  tinyInputSize?: number;
  /** Smallest detection score that counts as a face (default: 0.5 for SSD, 0.3 for tiny). */
  minScore?: number;
}

export interface FaceEngine {
  /** 'face-api@<version>' once loaded; runFaceCheck adds the detector and nets it used. */
  readonly modelVersion: string;
  load(): Promise<void>;
  close(): Promise<void>;
  /**
   * Finds the face in the reference photo and keeps its descriptor inside the worker (it never comes out).
   * Resolves false when the photo shows no face.
   */
  setReference(jpeg: Uint8Array): Promise<{ ok: boolean; faces: number }>;
  /** Forgets the reference descriptor. */
  clearReference(): Promise<void>;
  /** Detection, landmarks and descriptor (distance to the reference) for one rgb24 frame. */
  analyze(
    frame: { width: number; height: number; data: Uint8Array },
    detector?: 'tiny' | 'ssd',
  ): Promise<FrameAnalysis>;
  /** The same for a JPEG (fixtures, accuracy script). */
  analyzeJpeg(jpeg: Uint8Array, detector?: 'tiny' | 'ssd'): Promise<FrameAnalysis>;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The face engine in a worker thread, so detection never blocks the agent's event loop. */
export function createFaceEngine(options: FaceEngineOptions = {}): FaceEngine {
  let worker: Worker | null = null;
  let loading: Promise<void> | null = null;
  let modelVersion = 'face-api (not loaded)';
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  function start(): Worker {
    const w = new Worker(new URL('./engine-worker.mjs', import.meta.url));
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.result);
      else p.reject(new Error(`face engine: ${reply.error}`));
    });
    w.on('error', (error) => failAll(error instanceof Error ? error : new Error(String(error))));
    w.on('exit', (code) => {
      if (worker === w) {
        worker = null;
        loading = null;
      }
      failAll(new Error(`face engine worker exited (${code})`));
    });
    // An idle worker does not keep the process alive; one with a request under way does.
    w.unref();
    return w;
  }

  function call<T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    const w = worker;
    if (!w) return Promise.reject(new Error('face engine not loaded'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.ref();
      w.postMessage({ ...message, id }, transfer);
    });
  }

  const engine: FaceEngine = {
    get modelVersion() {
      return modelVersion;
    },
    load() {
      if (!loading) {
        const w = start();
        worker = w;
        const attempt: Promise<void> = call<{ modelVersion: string }>({ type: 'load', options }).then(
          (r) => {
            modelVersion = r.modelVersion;
          },
          async (error: unknown) => {
            // A worker whose models did not load is ended, so a retry starts one fresh worker, not a second.
            if (loading === attempt) loading = null;
            if (worker === w) worker = null;
            await w.terminate().catch(() => undefined);
            throw error;
          },
        );
        loading = attempt;
      }
      return loading;
    },
    async close() {
      const w = worker;
      worker = null;
      loading = null;
      if (w) await w.terminate();
    },
    async setReference(jpeg) {
      await engine.load();
      const r = await call<{ ok: boolean; faces: number }>({ type: 'setReference', jpeg });
      return { ok: r.ok, faces: r.faces };
    },
    async clearReference() {
      if (worker) await call({ type: 'clearReference' });
    },
    async analyze(frame, detector) {
      await engine.load();
      // A copy goes to the worker (transferred, not cloned twice); the caller keeps its frame.
      const data = frame.data.slice();
      return call<FrameAnalysis>(
        { type: 'analyze', frame: { width: frame.width, height: frame.height, data }, detector },
        [data.buffer as ArrayBuffer],
      );
    },
    async analyzeJpeg(jpeg, detector) {
      await engine.load();
      return call<FrameAnalysis>({ type: 'analyzeJpeg', jpeg, detector });
    },
  };
  return engine;
}
