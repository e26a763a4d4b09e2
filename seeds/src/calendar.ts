/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD), all in UTC so that no machine's time zone changes the data.
 */

/** Every age, validity and authentication date in the demo data is relative to this day, never to "now". */
export const REFERENCE_DATE = '2026-11-01';

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parts(iso: string): [number, number, number] {
  return [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
}

export function isoDate(year: number, month: number, day: number): string {
  return toIsoDate(new Date(Date.UTC(year, month - 1, day)));
}

export function yearOf(iso: string): number {
  return Number(iso.slice(0, 4));
}

export function monthOf(iso: string): number {
  return Number(iso.slice(5, 7));
}

/** Adds whole years; 29 February becomes 28 February in a common year (as card validity dates do). */
export function addYears(iso: string, years: number): string {
  const [y, m, d] = parts(iso);
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return isoDate(y + years, m, Math.min(d, lastDay));
}

export function addDays(iso: string, days: number): string {
  const [y, m, d] = parts(iso);
  return isoDate(y, m, d + days);
}

/** Adds whole months to the first of a month (other days may roll over, so keep to the first). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = parts(iso);
  return isoDate(y, m + months, d);
}

/** The first day of the month after the given date. */
export function firstOfNextMonth(iso: string): string {
  const [y, m] = parts(iso);
  return isoDate(y, m + 1, 1);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Completed years of age on a given day. */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = parts(birthDate);
  const [y, m, d] = parts(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The later of two ISO dates (string comparison orders them; Math.max would not). */
export function later(a: string, b: string): string {
  return a > b ? a : b;
}
