import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { basemapPlugin } from './build/basemap-plugin.ts';
import { consoleShell } from './build/shell-plugins.ts';

const hub = process.env.TANSIQ_HUB_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue(), basemapPlugin(), consoleShell(500)],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // Rolldown warns when plugins take most of a build's time; here that is by design: the
      // console shell plugin compresses every file at brotli's best ratio once per build (a few
      // seconds), so that no request is ever compressed on the fly.
      checks: { bundlerTimings: false },
    },
  },
  server: {
    proxy: {
      '/api': hub,
      '/socket.io': { target: hub, ws: true },
    },
  },
});
