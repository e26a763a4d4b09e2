import { describe, expect, it } from 'vitest';
import { readKioskToken, TOKEN_STORAGE_KEY, type TokenSource } from './token.ts';

function fakeSource(hash: string, stored: string | null = null) {
  const storage = new Map<string, string>();
  if (stored !== null) storage.set(TOKEN_STORAGE_KEY, stored);
  const replaced: string[] = [];
  const source: TokenSource = {
    location: { hash, pathname: '/', search: '' },
    history: { state: null, replaceState: (_s, _t, url) => replaced.push(String(url)) },
    sessionStorage: {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void storage.set(k, v),
    },
  };
  return { source, storage, replaced };
}

describe('readKioskToken', () => {
  it('reads the token from the fragment, keeps it for a reload and clears it from the address bar', () => {
    const { source, storage, replaced } = fakeSource('#token=abc_DEF-123');
    expect(readKioskToken(source)).toBe('abc_DEF-123');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc_DEF-123');
    expect(replaced).toEqual(['/']);
  });

  it('keeps other fragment parameters', () => {
    const { source, replaced } = fakeSource('#token=t1&lang=zh');
    expect(readKioskToken(source)).toBe('t1');
    expect(replaced).toEqual(['/#lang=zh']);
  });

  it('after a reload (no fragment) uses the stored token and touches nothing', () => {
    const { source, replaced } = fakeSource('', 'stored-token');
    expect(readKioskToken(source)).toBe('stored-token');
    expect(replaced).toEqual([]);
  });

  it('a new token in the fragment replaces the stored one (the agent restarted)', () => {
    const { source, storage } = fakeSource('#token=new', 'old');
    expect(readKioskToken(source)).toBe('new');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('new');
  });

  it('returns null when there is no token anywhere', () => {
    expect(readKioskToken(fakeSource('').source)).toBeNull();
  });
});
