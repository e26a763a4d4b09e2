import type { Notice, NoticeCode } from '@sik/contract';
import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs` while `active`. */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

/**
 * The notice if it is one of `codes` and, when `maxAgeMs` is given, younger than that; re-renders when it
 * expires. The agent owns notices; the UI only stops showing a "thank you" after a while.
 */
export function useNotice(
  notice: Notice | null,
  codes: readonly NoticeCode[],
  maxAgeMs?: number,
): NoticeCode | null {
  const relevant = notice && codes.includes(notice.code) ? notice : null;
  const expiresAt = relevant && maxAgeMs !== undefined ? relevant.at + maxAgeMs : null;
  const [, setTick] = useState(0);
  useEffect(() => {
    if (expiresAt === null) return;
    const wait = expiresAt - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(() => setTick((t) => t + 1), wait + 20);
    return () => clearTimeout(timer);
  }, [expiresAt]);
  if (!relevant) return null;
  if (expiresAt !== null && Date.now() >= expiresAt) return null;
  return relevant.code;
}
