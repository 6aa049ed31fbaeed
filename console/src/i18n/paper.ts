import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useLiveStore } from '../features/live/live.store.ts';

/**
 * Labels of a paper record (a handover, the minutes of a meeting): every label in the reader's
 * language, then the other one, and centre names in both.
 */
export function usePaperLabels() {
  const { t, locale } = useI18n();
  const live = useLiveStore();
  const other = computed(() => (locale.value === 'ar' ? 'en' : 'ar'));
  const both = (key: string, named: Record<string, unknown> = {}) =>
    `${t(key, named)} / ${t(key, named, { locale: other.value })}`;
  const centreName = (code: string) => `${live.centreName(code, 'ar')} / ${live.centreName(code, 'en')}`;
  return { both, centreName };
}
