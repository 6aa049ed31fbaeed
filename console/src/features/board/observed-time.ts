/**
 * The composer's "observed at" as the console writes dates everywhere: day/month/year and a 24-hour
 * time, digits 0–9, in both languages — not the browser's own date widget, whose format follows
 * the browser's language (a US English browser shows "11/23/2026, 10:57 PM").
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** `23/11/2026 22:57` for a local time. */
export function formatObserved(d: Date): string {
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The local time typed as `d/m/yyyy h:mm` (Arabic-Indic digits accepted too), or null when it is not
 * a real date and time or lies more than a minute in the future.
 */
export function parseObserved(text: string, now: Date = new Date()): Date | null {
  const latin = text.replace(/[٠-٩]/g, (c) => String(c.charCodeAt(0) - 0x0660)).trim();
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})$/.exec(latin);
  if (!m) return null;
  const [day, month, year, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const d = new Date(year, month - 1, day, hour, minute);
  const real =
    d.getFullYear() === year &&
    d.getMonth() === month - 1 &&
    d.getDate() === day &&
    d.getHours() === hour &&
    d.getMinutes() === minute;
  if (!real || d.getTime() > now.getTime() + 60_000 || year < 1900) return null;
  return d;
}
