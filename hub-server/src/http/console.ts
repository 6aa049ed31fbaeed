import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import expressStaticGzip from 'express-static-gzip';
import type { Logger } from '../logger.ts';

/** Serves the built console; any other GET outside the API falls back to index.html (client-side routes). */
export function consoleRoutes(consoleDir: string, logger: Logger): Router {
  const router = Router();
  const indexFile = path.join(consoleDir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    logger.warn({ consoleDir }, 'console is not built (pnpm build); serving the API only');
  }
  router.use(
    // The build writes a brotli (.br) and a gzip (.gz) twin of each text file: the browser gets
    // the smallest it accepts, with `Vary: Accept-Encoding`, and nothing is compressed per request.
    expressStaticGzip(consoleDir, {
      enableBrotli: true,
      orderPreference: ['br', 'gz'],
      index: false,
      serveStatic: {
        index: false,
        // Vite names assets by content hash, so they never change under the same URL.
        setHeaders(res, filePath) {
          if (filePath.includes(`${path.sep}assets${path.sep}`)) {
            res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
          } else if (path.basename(filePath).replace(/\.(br|gz)$/, '') === 'sw.js') {
            // The service worker lists this build's files: a new build must reach browsers at once.
            res.setHeader('Cache-Control', 'no-cache');
          }
        },
      },
    }),
  );
  router.get('/{*path}', (_req, res) => {
    if (!fs.existsSync(indexFile)) {
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built: run "pnpm build".\nلم تُبنَ الواجهة بعد.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  return router;
}
