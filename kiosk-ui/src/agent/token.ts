/**
 * The agent opens the kiosk page as `/#token=...`. The fragment never reaches a server log; we read it once,
 * keep it in sessionStorage so a reload still connects, and take it out of the address bar.
 */

export const TOKEN_STORAGE_KEY = 'sik.kiosk.token';

export interface TokenSource {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

export function readKioskToken(source: TokenSource): string | null {
  const fragment = new URLSearchParams(source.location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    try {
      source.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled in a locked-down kiosk browser; the token still works until a reload.
    }
    fragment.delete('token');
    const rest = fragment.toString();
    source.history.replaceState(
      source.history.state,
      '',
      `${source.location.pathname}${source.location.search}${rest ? `#${rest}` : ''}`,
    );
    return fromUrl;
  }
  try {
    return source.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
