import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpegJs from 'jpeg-js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { demoPhoto } from '../devices/idcard/simulator.ts';
import { decodeIdCardPhoto, type IdCardPhotoDecoder, IdCardPhotoError } from './id-card-photo.ts';

/** Real child processes: the test decoder (testing/wlt-decoder.mjs) keeps or breaks the decoder contract. */
const script = fileURLToPath(new URL('./testing/wlt-decoder.mjs', import.meta.url));
const decoder = (mode: string, extra: Partial<IdCardPhotoDecoder> = {}): IdCardPhotoDecoder => ({
  command: process.execPath,
  args: [script, mode],
  timeoutMs: 5000,
  ...extra,
});
const dir = mkdtempSync(join(tmpdir(), 'sik-wlt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = async (promise: Promise<unknown>): Promise<IdCardPhotoError> => {
  const error = await promise.then(
    () => {
      throw new Error('expected the decoding to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdCardPhotoError);
  return error as IdCardPhotoError;
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('decodeIdCardPhoto', () => {
  it('returns the JPEG the decoder wrote for the card, the same for the same card and another for another', async () => {
    const wlt = demoPhoto('card one');
    const jpeg = await decodeIdCardPhoto(decoder('ok'), wlt);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const image = jpegJs.decode(jpeg);
    expect([image.width, image.height]).toEqual([102, 126]);
    expect(await decodeIdCardPhoto(decoder('ok'), wlt)).toEqual(jpeg);
    expect(await decodeIdCardPhoto(decoder('ok'), demoPhoto('card two'))).not.toEqual(jpeg);
    // The card's bytes are read, not changed.
    expect(wlt).toEqual(demoPhoto('card one'));
  });

  it('refuses a decoder that exits with an error, saying which and with what code', async () => {
    const error = await failure(decodeIdCardPhoto(decoder('fail'), demoPhoto('x')));
    expect(error.reason).toBe('exitCode');
    expect(error.message).toBe(`the ID card photo decoder ${process.execPath} failed (exit code 3)`);
    // The decoder's stderr is discarded, never passed on.
    expect(error.message).not.toContain('unsupported');
  });

  it('refuses a decoder that cannot start', async () => {
    const error = await failure(
      decodeIdCardPhoto(decoder('ok', { command: join(dir, 'no-such-decoder'), args: [] }), demoPhoto('x')),
    );
    expect(error.reason).toBe('startFailed');
    expect(error.message).toMatch(/did not start: ENOENT/);
  });

  // Long enough for node to start on a loaded machine and write its pid.
  it('kills a decoder that does not answer in time', async () => {
    const pidFile = join(dir, 'hang.pid');
    const started = Date.now();
    const error = await failure(
      decodeIdCardPhoto(
        decoder('hang', { args: [script, 'hang', pidFile], timeoutMs: 2000 }),
        demoPhoto('x'),
      ),
    );
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/did not finish within 2000 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1990);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 2000 });
  });

  it('kills the decoder when the check is aborted', async () => {
    const pidFile = join(dir, 'abort.pid');
    const abort = new AbortController();
    const pending = decodeIdCardPhoto(decoder('hang', { args: [script, 'hang', pidFile] }), demoPhoto('x'), {
      signal: abort.signal,
    });
    await vi.waitFor(() => expect(readFileSync(pidFile, 'utf8')).toMatch(/^\d+$/), { timeout: 3000 });
    abort.abort();
    const error = await failure(pending);
    expect(error.reason).toBe('aborted');
    await vi.waitFor(() => expect(alive(Number(readFileSync(pidFile, 'utf8')))).toBe(false), {
      timeout: 2000,
    });
  });

  it('refuses output that is not a JPEG', async () => {
    const error = await failure(decodeIdCardPhoto(decoder('text'), demoPhoto('x')));
    expect(error.reason).toBe('notJpeg');
    expect(error.message).toMatch(/not a JPEG/);
  });

  it('refuses output larger than the cap', async () => {
    const error = await failure(decodeIdCardPhoto(decoder('huge'), demoPhoto('x')));
    expect(error.reason).toBe('tooLarge');
    expect(error.message).toMatch(/more than 1048576 bytes/);
    const small = await failure(decodeIdCardPhoto(decoder('ok'), demoPhoto('x'), { maxBytes: 100 }));
    expect(small.reason).toBe('tooLarge');
  });

  it('refuses a card without a photo without starting the decoder', async () => {
    const error = await failure(decodeIdCardPhoto(decoder('ok'), new Uint8Array(0)));
    expect(error.reason).toBe('noPhoto');
  });
});
