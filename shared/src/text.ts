import { z } from 'zod';

/** PostgreSQL cannot store a NUL character in text; it is never meaningful in a title or a name. */
// eslint-disable-next-line no-control-regex -- the NUL character is exactly what is refused
const NO_NUL = /^[^\u0000]*$/;
const NUL_MESSAGE = 'must not contain a NUL character';

/** User-written text: trimmed, at most `max` characters, no NUL. */
export const plainText = (max: number) => z.string().trim().max(max).regex(NO_NUL, NUL_MESSAGE);

/** A short filter or key given by a caller (no trimming), no NUL. */
export const filterText = (max: number) => z.string().max(max).regex(NO_NUL, NUL_MESSAGE);

export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2200;

/** An ISO 8601 time with an offset, between the years 1900 and 2200 (year 0 and the like are refused). */
export const isoTime = z.iso.datetime({ offset: true }).refine((s) => {
  const year = new Date(s).getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}, `must be a time between the years ${EARLIEST_YEAR} and ${LATEST_YEAR}`);
