import { useEffect, useState } from 'react';
import { useCameraFrameSource } from '../../agent/context.tsx';

export interface CameraPreview {
  /** Object URL of the newest frame of this flow, null until the first arrives. */
  url: string | null;
  /** How many frames of this flow arrived since the screen opened (for tests and diagnostics). */
  frames: number;
}

/**
 * The newest camera preview frame for `flowId` as an object URL for an <img>. Each frame replaces the last and
 * the old URL is revoked at once, so at most one frame is held; everything is revoked when the screen closes.
 * Frames of another flow (a late frame of a finished check) are dropped.
 */
export function useCameraPreview(flowId: string): CameraPreview {
  const subscribe = useCameraFrameSource();
  const [preview, setPreview] = useState<CameraPreview>({ url: null, frames: 0 });
  useEffect(() => {
    let current: string | null = null;
    let frames = 0;
    const unsubscribe = subscribe((frame) => {
      if (frame.flowId !== flowId) return;
      // Copy into a fresh buffer: a Blob part must not be a view on a SharedArrayBuffer, and the socket may reuse its.
      const url = URL.createObjectURL(new Blob([frame.jpeg.slice()], { type: 'image/jpeg' }));
      if (current) URL.revokeObjectURL(current);
      current = url;
      frames += 1;
      setPreview({ url, frames });
    });
    return () => {
      unsubscribe();
      if (current) URL.revokeObjectURL(current);
      current = null;
      setPreview({ url: null, frames: 0 });
    };
  }, [subscribe, flowId]);
  return preview;
}
