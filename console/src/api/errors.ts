import type { Composer } from 'vue-i18n';
import { ApiError } from './client.ts';

const known = new Set([
  'unauthenticated',
  'rate_limited',
  'forbidden',
  'conflict',
  'validation_failed',
  'bad_request',
  'not_found',
]);

/** A user-facing sentence, in the current language, for anything a hub call threw. */
export function describeError(err: unknown, t: Composer['t']): string {
  if (!(err instanceof ApiError)) return t('errors.network');
  const { code, message, details } = err.body;
  if (!known.has(code)) return t('errors.unknown');
  const fields = Array.isArray(details)
    ? details
        .map((d: { path?: string }) => d.path)
        .filter(Boolean)
        .join('، ')
    : '';
  return t(`errors.${code}`, { message: fields || message });
}
