/** Arabic is the source language: every other locale must have exactly these keys (a test checks). */
export const ar = {
  app: {
    name: 'تنسيق',
    tagline: 'التنسيق الفني المشترك — أمن الحدود',
    skipToContent: 'انتقل إلى المحتوى',
  },
  nav: {
    map: 'الخريطة',
    primary: 'التنقل الرئيسي',
  },
  locale: {
    switchTo: 'English',
    switchLabel: 'تبديل اللغة إلى الإنجليزية',
  },
  map: {
    title: 'الخريطة الإقليمية',
    legend: 'مفتاح الخريطة',
    libya: 'ليبيا',
    neighbours: 'دول الجوار',
    other: 'دول أخرى',
    offline: 'خريطة أساس دون اتصال: Natural Earth بمقياس 1:50m، مضمّنة في الواجهة',
    tiles: 'خريطة الأساس: خادم البلاطات الخاص بالمركز',
    ariaLabel: 'خريطة ليبيا ودول الجوار',
  },
  countries: {
    LBY: 'ليبيا',
    EGY: 'مصر',
    SDN: 'السودان',
    TCD: 'تشاد',
    NER: 'النيجر',
    DZA: 'الجزائر',
    TUN: 'تونس',
  },
  status: {
    version: 'إصدار المحور {version}',
    hubUnreachable: 'تعذّر الوصول إلى المحور',
  },
  notFound: {
    title: 'الصفحة غير موجودة',
    back: 'العودة إلى الخريطة',
  },
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof ar>;
