import { createI18n } from 'vue-i18n';
import { ar } from './ar.ts';
import { en } from './en.ts';

export const locales = ['ar', 'en'] as const;
export type Locale = (typeof locales)[number];

export const messages = { ar, en };

/** Arabic is written right to left; every other locale here left to right. */
export function directionOf(locale: Locale): 'rtl' | 'ltr' {
  return locale === 'ar' ? 'rtl' : 'ltr';
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export function createConsoleI18n(locale: Locale) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'ar',
    messages,
  });
}
