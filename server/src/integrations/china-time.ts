/** Banks and gateways settle by the business day in China (UTC+8, no daylight saving). */
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** YYYY-MM-DD of an instant in China. */
export function chinaDate(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function chinaYear(at: Date | number): number {
  return Number(chinaDate(at).slice(0, 4));
}

/** The China day before `date` (YYYY-MM-DD). */
export function previousDate(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`) - 24 * 3600 * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
