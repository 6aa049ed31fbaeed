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
