/** Money and dates in the words a citizen reads and hears. Money is integer fen (CNY cents) everywhere. */

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 123456 -> '¥1,234.56'; -5000 -> '-¥50.00'. */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  const yuan = Math.floor(abs / 100);
  const fen = abs % 100;
  return `${sign}¥${group(String(yuan))}.${String(fen).padStart(2, '0')}`;
}

/** 50000 -> '500元'; 50050 -> '500.50元' (grades and amounts in sentences). */
export function formatYuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  const yuan = Math.floor(abs / 100);
  const fen = abs % 100;
  return fen === 0 ? `${sign}${yuan}元` : `${sign}${yuan}.${String(fen).padStart(2, '0')}元`;
}

/** For speech: 123456 -> '1234元5角6分' (no thousands separators, no currency sign for the voice to trip on). */
export function speakMoney(cents: number): string {
  const sign = cents < 0 ? '负' : '';
  const abs = Math.abs(Math.trunc(cents));
  const yuan = Math.floor(abs / 100);
  const jiao = Math.floor((abs % 100) / 10);
  const fen = abs % 10;
  return `${sign}${yuan}元${jiao > 0 ? `${jiao}角` : ''}${fen > 0 ? `${jiao > 0 ? '' : '零'}${fen}分` : ''}`;
}

/** '2024-03-05' or an ISO timestamp -> '2024年3月5日'; '2024-03' -> '2024年3月'; '2024' -> '2024年'; else as given. */
export function formatDate(value: string): string {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$/.exec(value);
  if (!match) return value;
  const [, year, month, day] = match;
  if (month === undefined) return `${year}年`;
  if (day === undefined) return `${year}年${Number(month)}月`;
  return `${year}年${Number(month)}月${Number(day)}日`;
}

/** Seconds -> 'm:ss' for a countdown. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
