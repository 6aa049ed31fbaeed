import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { directionOf, isLocale, type Locale } from '../i18n/index.ts';

const STORAGE_KEY = 'tansiq.locale';

/** The stored choice, else Arabic: users read Arabic first. */
export function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return isLocale(stored) ? stored : 'ar';
}

function applyToDocument(locale: Locale): void {
  document.documentElement.lang = locale;
  document.documentElement.dir = directionOf(locale);
}

export const useLocaleStore = defineStore('locale', () => {
  const i18n = useI18n({ useScope: 'global' });
  const locale = ref<Locale>(isLocale(i18n.locale.value) ? i18n.locale.value : 'ar');

  function setLocale(next: Locale): void {
    locale.value = next;
  }

  function toggle(): void {
    setLocale(locale.value === 'ar' ? 'en' : 'ar');
  }

  // A choice made in another tab of the console applies here too.
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY && isLocale(e.newValue)) locale.value = e.newValue;
  });

  watch(
    locale,
    (next) => {
      i18n.locale.value = next;
      applyToDocument(next);
      localStorage.setItem(STORAGE_KEY, next);
    },
    { immediate: true },
  );

  return { locale, setLocale, toggle, direction: () => directionOf(locale.value) };
});
