/** Hours and minutes in the hub's zone (the wall and the coordinator read Tripoli's time). */
export function clockTime(at: Date | string, locale: string, timeZone: string, seconds = false): string {
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-LY' : 'en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hour12: false,
    numberingSystem: 'latn',
  }).format(new Date(at));
}

/** The weekday, day and month in the hub's zone, in words. */
export function longDate(at: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'ar' ? 'ar-LY' : 'en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    numberingSystem: 'latn',
  }).format(at);
}

/** A duration in whole minutes (or seconds under one), for medians of acknowledgement. */
export function shortDuration(
  seconds: number,
  t: (key: string, values: Record<string, unknown>) => string,
): string {
  if (seconds < 60) return t('wall.seconds', { n: Math.round(seconds) });
  if (seconds < 3600) return t('wall.minutes', { n: Math.round(seconds / 60) });
  return t('wall.hours', { n: (seconds / 3600).toFixed(1) });
}

/** Approximate places of the joint centres for the map (a centre not listed is simply not drawn). */
export const centrePlaces: Record<string, [number, number]> = {
  WEST: [32.89, 13.19],
  EAST: [32.08, 23.96],
  SOUTH: [27.04, 14.43],
};
