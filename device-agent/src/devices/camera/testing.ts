import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Camera, CameraStatus } from './camera.ts';

/** Test helpers for the camera; not used at run time. */

export { delay, quietLogger } from '../idcard/testing.ts';

/** Runs ffmpeg to make a test input (a video file, an image sequence) in a temporary folder. */
export function makeWithFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${code}: ${stderr}`))));
  });
}

/** Whether a process exists (a zombie counts: it has not been reaped). */
export function processExists(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** A process's state letter from /proc (R, S, Z for zombie, ...), or null when it is gone. */
export function processState(pid: number): string | null {
  try {
    return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** ffmpeg processes that are children of this process. */
export function ffmpegChildren(): number[] {
  try {
    const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return children.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ffmpeg';
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/** Resolves once the camera's status satisfies the predicate (at once if it already does). */
export function waitForStatus(
  camera: Camera,
  matches: (status: CameraStatus) => boolean,
  timeoutMs = 5000,
): Promise<CameraStatus> {
  if (matches(camera.status)) return Promise.resolve(camera.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`camera status not reached within ${timeoutMs} ms: ${JSON.stringify(camera.status)}`));
    }, timeoutMs);
    const off = camera.onStatus((status) => {
      if (!matches(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}
