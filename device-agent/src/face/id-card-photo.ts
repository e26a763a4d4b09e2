/**
 * The ID card's photo as a reference for the face check: the card chip holds it as 1024 bytes of WLT (a
 * proprietary wavelet format whose decoders are vendor libraries), so a configured decoder program turns it into
 * a JPEG. The contract the program keeps is documented with `idCardPhotoDecoder` in config/src/face.ts: WLT on
 * stdin, one JPEG on stdout, exit code 0.
 *
 * The bytes stay in this process's memory: nothing is written to a file, nothing of the photo (or of the
 * decoder's stderr, which is discarded) reaches a log or an error message. Every buffer this module filled is
 * overwritten before it is dropped, except the JPEG it returns, which the caller overwrites after the check.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { FaceCheckConfig } from '@sik/config';

export type IdCardPhotoDecoder = NonNullable<FaceCheckConfig['idCardPhotoDecoder']>;

/** The largest JPEG a decoder may write (a decoded card photo is 102x126 pixels, a few kilobytes). */
export const MAX_DECODED_PHOTO_BYTES = 1024 * 1024;

export type IdCardPhotoFailure =
  | 'startFailed'
  | 'exitCode'
  | 'timeout'
  | 'aborted'
  | 'notJpeg'
  | 'tooLarge'
  | 'noPhoto';

/** Why the card photo could not be decoded; the message names the decoder's behaviour, never the bytes. */
export class IdCardPhotoError extends Error {
  override readonly name = 'IdCardPhotoError';
  constructor(
    readonly reason: IdCardPhotoFailure,
    message: string,
  ) {
    super(message);
  }
}

/** JPEG files start with the SOI marker and the first segment's marker prefix: FF D8 FF. */
export const isJpeg = (bytes: Uint8Array): boolean =>
  bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

/**
 * Runs the decoder on the card's WLT bytes and returns the JPEG it wrote. Rejects with an IdCardPhotoError when
 * the program cannot start, exits other than with code 0, writes something that is not a JPEG or more than
 * `maxBytes`, or is still running after the decoder's timeoutMs or when `signal` aborts; a program still running
 * then is killed (SIGKILL), and the promise settles only once it has exited.
 */
export function decodeIdCardPhoto(
  decoder: IdCardPhotoDecoder,
  wlt: Uint8Array,
  options: { signal?: AbortSignal; maxBytes?: number } = {},
): Promise<Uint8Array> {
  const { signal, maxBytes = MAX_DECODED_PHOTO_BYTES } = options;
  const name = decoder.command;
  if (wlt.length === 0)
    return Promise.reject(new IdCardPhotoError('noPhoto', 'the ID card gave no photo to decode'));
  if (signal?.aborted)
    return Promise.reject(new IdCardPhotoError('aborted', 'the ID card photo decoding was cancelled'));

  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    // The copy the pipe writes from: the session may overwrite the card's bytes while the write is under way.
    const input = Buffer.alloc(wlt.length);
    input.set(wlt);

    let child: ChildProcess;
    try {
      child = spawn(decoder.command, decoder.args, {
        shell: false,
        stdio: ['pipe', 'pipe', 'ignore'],
        windowsHide: true,
      });
    } catch (error) {
      input.fill(0);
      reject(
        new IdCardPhotoError(
          'startFailed',
          `the ID card photo decoder ${name} did not start: ${codeOf(error)}`,
        ),
      );
      return;
    }

    const exited = () => child.exitCode !== null || child.signalCode !== null;
    const forget = () => {
      for (const chunk of chunks) chunk.fill(0);
      chunks.length = 0;
      input.fill(0);
    };
    const cleanUp = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    /** Fails the decoding: kills the program if it still runs and rejects once it has exited. */
    const fail = (reason: IdCardPhotoFailure, message: string) => {
      if (settled) return;
      cleanUp();
      forget();
      const error = new IdCardPhotoError(reason, message);
      if (child.pid === undefined || exited()) {
        reject(error);
        return;
      }
      child.once('exit', () => reject(error));
      child.kill('SIGKILL');
    };
    const onAbort = () => fail('aborted', 'the ID card photo decoding was cancelled');
    const timer = setTimeout(
      () =>
        fail('timeout', `the ID card photo decoder ${name} did not finish within ${decoder.timeoutMs} ms`),
      decoder.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      fail('startFailed', `the ID card photo decoder ${name} did not start: ${codeOf(error)}`);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (settled) {
        chunk.fill(0);
        return;
      }
      received += chunk.length;
      chunks.push(chunk);
      if (received > maxBytes)
        fail('tooLarge', `the ID card photo decoder ${name} wrote more than ${maxBytes} bytes`);
    });
    // A decoder that exits without reading its input breaks the pipe: its exit code tells what happened.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input, () => input.fill(0));

    child.on('close', (code, killedBy) => {
      if (settled) return;
      if (code !== 0) {
        fail(
          'exitCode',
          killedBy
            ? `the ID card photo decoder ${name} was stopped by ${killedBy}`
            : `the ID card photo decoder ${name} failed (exit code ${code})`,
        );
        return;
      }
      const jpeg = new Uint8Array(received);
      let at = 0;
      for (const chunk of chunks) {
        jpeg.set(chunk, at);
        at += chunk.length;
      }
      forget();
      if (!isJpeg(jpeg)) {
        jpeg.fill(0);
        fail(
          'notJpeg',
          received === 0
            ? `the ID card photo decoder ${name} wrote nothing`
            : `the ID card photo decoder ${name} wrote something that is not a JPEG`,
        );
        return;
      }
      cleanUp();
      resolve(jpeg);
    });
  });
}

const codeOf = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
