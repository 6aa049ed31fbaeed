import type { Composer } from 'vue-i18n';
import { ApiError } from './client.ts';

const known = new Set([
  'unauthenticated',
  'rate_limited',
  'forbidden',
  'conflict',
  'gone',
  'validation_failed',
  'bad_request',
  'not_found',
  'database_unavailable',
  'storage_full',
  'too_many_connections',
  'payload_too_large',
  'unsupported_media_type',
]);

/** "4 minutes" / "٤ دقائق": a wait in the user's language, whole minutes above a minute. */
export function formatWait(seconds: number, locale: string): string {
  const minutes = seconds > 60;
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: minutes ? 'minute' : 'second',
    unitDisplay: 'long',
  }).format(minutes ? Math.ceil(seconds / 60) : Math.max(1, Math.ceil(seconds)));
}

/** A user-facing sentence, in the current language, for anything a hub call threw. */
export function describeError(err: unknown, t: Composer['t'], locale: string): string {
  if (!(err instanceof ApiError)) return t('errors.network');
  const { code, message, details } = err.body;
  if (!known.has(code)) return t('errors.unknown');
  const retry = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (code === 'rate_limited' && typeof retry === 'number')
    return t('errors.rate_limited_wait', { wait: formatWait(retry, locale) });
  const fields = Array.isArray(details)
    ? details
        .map((d: { path?: string }) => d.path)
        .filter(Boolean)
        .join('، ')
    : '';
  return t(`errors.${code}`, { message: fields || message });
}
