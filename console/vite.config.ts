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
  },
  server: {
    proxy: {
      '/api': hub,
      '/socket.io': { target: hub, ws: true },
    },
  },
});
