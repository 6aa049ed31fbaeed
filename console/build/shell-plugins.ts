import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip as gzipCallback } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

/** What the console needs on first load: the files index.html references (entry, preloads, CSS). */
function firstLoadFiles(outDir: string): string[] {
  const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
}

/**
 * Prints the compressed size of the JavaScript and CSS a first visit loads, and fails the build
 * above the budget (500 KB gzipped, issue 5): fonts, the lazy screens and images are not part of it.
 */
function checkFirstLoad(
  config: ResolvedConfig,
  outDir: string,
  budgetKb: number,
  sizes: Map<string, { br: number; gz: number; raw: number }>,
): void {
  let js = 0;
  let css = 0;
  let br = 0;
  for (const file of firstLoadFiles(outDir)) {
    // A file under 1 KB has no twins: it travels as it is.
    const raw = fs.statSync(path.join(outDir, file)).size;
    const size = sizes.get(file) ?? { br: raw, gz: raw, raw };
    if (file.endsWith('.css')) css += size.gz;
    else js += size.gz;
    br += size.br;
  }
  const kb = (n: number) => (n / 1024).toFixed(1);
  const line = `first load: JS ${kb(js)} KB + CSS ${kb(css)} KB = ${kb(js + css)} KB gzipped, ${kb(br)} KB brotli (budget ${budgetKb} KB gzipped)`;
  config.logger.info(line);
  if (js + css > budgetKb * 1024) throw new Error(`over the first-load budget: ${line}`);
}

/**
 * Writes dist/sw.js, the service worker that keeps the console's own files so a reload works while
 * the hub is out of reach: it precaches index.html and every built asset (hashed names, so one
 * list per build), answers page loads from that cache (a new build comes as a new worker, used from
 * the next load), and never touches /api or /socket.io.
 */
function writeServiceWorker(config: ResolvedConfig, outDir: string): void {
  // Browsers that run this console take woff2; the woff twins are left to the network.
  const assets = fs
    .readdirSync(path.join(outDir, 'assets'))
    .filter((f) => !f.endsWith('.woff') && !/\.(br|gz)$/.test(f))
    .map((f) => `/assets/${f}`);
  const extra = fs
    .readdirSync(outDir)
    .filter(
      (f) =>
        f !== 'index.html' &&
        f !== 'sw.js' &&
        !/\.(br|gz)$/.test(f) &&
        fs.statSync(path.join(outDir, f)).isFile(),
    )
    .map((f) => `/${f}`);
  const shell = ['/index.html', ...extra, ...assets].sort();
  const version = createHash('sha256')
    .update(shell.join('\n'))
    .update(fs.readFileSync(path.join(outDir, 'index.html')))
    .digest('hex')
    .slice(0, 12);
  const template = fs.readFileSync(path.join(config.root, 'build/sw.template.js'), 'utf8');
  fs.writeFileSync(
    path.join(outDir, 'sw.js'),
    template.replace('__VERSION__', version).replace('__SHELL__', JSON.stringify(shell)),
  );
}

/** Text files worth compressing; fonts (woff2 is brotli inside) and images are left as they are. */
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|webmanifest)$/;

const brotli = promisify(brotliCompress);
const gzip = promisify(gzipCallback);

/**
 * Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) twin beside every text file of 1 KB
 * or more, for the hub to send whichever the browser accepts: the work of compressing is done once
 * per build, at the best ratio, instead of on every request. The files compress in parallel on
 * libuv's thread pool. Returns each file's compressed sizes by its path relative to `outDir`.
 */
async function precompress(outDir: string): Promise<Map<string, { br: number; gz: number; raw: number }>> {
  const files = (fs.readdirSync(outDir, { recursive: true }) as string[]).filter(
    (f) => COMPRESSIBLE.test(f) && fs.statSync(path.join(outDir, f)).isFile(),
  );
  const sizes = new Map<string, { br: number; gz: number; raw: number }>();
  await Promise.all(
    files.map(async (f) => {
      const file = path.join(outDir, f);
      const bytes = fs.readFileSync(file);
      if (bytes.length < 1024) return;
      const [br, gz] = await Promise.all([
        brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
        gzip(bytes, { level: 9 }),
      ]);
      fs.writeFileSync(`${file}.br`, br);
      fs.writeFileSync(`${file}.gz`, gz);
      sizes.set(f.split(path.sep).join('/'), { br: br.length, gz: gz.length, raw: bytes.length });
    }),
  );
  return sizes;
}

/** After each build: the service worker, then the first-load size against its budget. */
export function consoleShell(budgetKb = 500): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'tansiq-console-shell',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      const outDir = path.resolve(config.root, config.build.outDir);
      writeServiceWorker(config, outDir);
      const sizes = await precompress(outDir);
      checkFirstLoad(config, outDir, budgetKb, sizes);
      const total = (k: 'raw' | 'br') => [...sizes.values()].reduce((n, s) => n + s[k], 0) / 1024;
      config.logger.info(
        `precompressed: ${total('raw').toFixed(0)} KB of text files → ${total('br').toFixed(0)} KB brotli (and gzip twins)`,
      );
    },
  };
}
