/**
 * Calendar arithmetic in UTC days. Deadlines in scs-0210 are calendar periods ("1 month", "4 months"):
 * adding months keeps the day of month and clamps to the month's last day (Jan 31 + 1 month = Feb 28/29).
 */
const DAY = 86_400_000;

/** `YYYY-MM-DD` (or a Date) → the UTC midnight of that day, as a Date. Throws on anything else. */
export function parseDay(s: string | Date): Date {
  if (s instanceof Date) return new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate()));
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || d.toISOString().slice(0, 10) !== s) throw new Error(`invalid date "${s}", expecting YYYY-MM-DD`);
  return d;
}

const formatted = new Map<number, string>();
/** `YYYY-MM-DD`; memoized because verdict messages format the same few dates over and over. */
export function formatDay(d: Date): string {
  const t = d.getTime();
  let s = formatted.get(t);
  if (s === undefined) {
    s = d.toISOString().slice(0, 10);
    if (formatted.size < 100_000) formatted.set(t, s);
  }
  return s;
}
export const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY);
export const daysBetween = (from: Date, to: Date): number => Math.round((to.getTime() - from.getTime()) / DAY);

export function addMonths(d: Date, n: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + n;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last)));
}
