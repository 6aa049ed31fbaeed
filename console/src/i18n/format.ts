/** Times in the user's language; Libya writes digits as 0–9 in both. */
export function formatTime(iso: string | null | undefined, locale: string, withDate = false): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-LY' : 'en-GB', {
    ...(withDate ? { day: '2-digit', month: '2-digit' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    numberingSystem: 'latn',
  }).format(new Date(iso));
}

/** A shift time (day, month, hours and minutes) in the zone the hub's shifts are defined in. */
export function formatShiftTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-LY' : 'en-GB', {
    ...(timeZone ? { timeZone } : {}),
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    numberingSystem: 'latn',
  }).format(new Date(iso));
}
