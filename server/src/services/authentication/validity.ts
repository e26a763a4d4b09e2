import { chinaDate } from '../../integrations/china-time.ts';

/** Validity periods in calendar days (YYYY-MM-DD, China). */

/** The day `months` later (YYYY-MM-DD); the 31st becomes the month's last day, as in PostgreSQL. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The last day (China) an authentication made at `at` is valid. */
export function validUntilOf(at: Date, months: number): string {
  return addMonths(chinaDate(at), months);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
