import { createApp } from 'vue';
import { createPinia } from 'pinia';
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import './styles.css';
import App from './App.vue';
import { createConsoleI18n } from './i18n/index.ts';
import { initialLocale } from './stores/locale.store.ts';
import { createConsoleRouter } from './router.ts';

createApp(App)
  .use(createPinia())
  .use(createConsoleI18n(initialLocale()))
  .use(createConsoleRouter())
  .mount('#app');

// The console's own files stay available for a reload while the hub is out of reach (build/sw.template.js).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
