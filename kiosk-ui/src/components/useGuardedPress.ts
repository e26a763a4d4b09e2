import { useCallback, useRef, useState } from 'react';

/** A second tap within this time of an accepted one is ignored (STYLE.md rule 12). */
export const DOUBLE_TAP_MS = 600;

/**
 * Wraps a press handler so that a double tap runs it once: a tap is ignored while the previous one's promise
 * is in flight and for DOUBLE_TAP_MS after it was accepted. `busy` lets the control show itself disabled.
 */
export function useGuardedPress(onPress: () => unknown): { press: () => void; busy: boolean } {
  const inFlight = useRef(false);
  const acceptedAt = useRef(Number.NEGATIVE_INFINITY);
  const [busy, setBusy] = useState(false);
  const press = useCallback(() => {
    const now = Date.now();
    if (inFlight.current || now - acceptedAt.current < DOUBLE_TAP_MS) return;
    acceptedAt.current = now;
    const outcome = onPress();
    if (!(outcome instanceof Promise)) return;
    inFlight.current = true;
    setBusy(true);
    outcome
      .catch((error: unknown) => console.error('kiosk-ui: press handler failed', error))
      .finally(() => {
        inFlight.current = false;
        setBusy(false);
      });
  }, [onPress]);
  return { press, busy };
}
