import { defineConfig } from 'vitest/config';

const serverSuites = '**/*.pg.test.ts';
const browserSuites = 'e2e/**/*.test.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['hub-server/**/*.test.ts', 'console/**/*.test.ts', 'shared/**/*.test.ts'],
          exclude: [serverSuites, browserSuites, '**/node_modules/**'],
          globalSetup: ['helpers/pglite-template.setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'pg',
          include: [serverSuites],
          globalSetup: ['helpers/pglite-template.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: [browserSuites],
          globalSetup: ['helpers/pglite-template.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
