import { listedTag } from '@tansiq/shared';

/** A tag as a reader sees it: the listed tag's name in the user's language, a free tag as typed. */
export function tagLabel(tag: string, locale: string): string {
  const listed = listedTag(tag);
  if (!listed) return `#${tag}`;
  return locale === 'ar' ? listed.ar : listed.en;
}
