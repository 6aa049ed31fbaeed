import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

/** What the console needs on first load: the files index.html references (entry, preloads, CSS). */
function firstLoadFiles(outDir: string): string[] {
  const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
}

/**
 * Prints the gzipped size of the JavaScript and CSS a first visit loads, and fails the build
 * above the budget (500 KB, issue 5): fonts, the lazy screens and images are not part of it.
 */
function checkFirstLoad(config: ResolvedConfig, outDir: string, budgetKb: number): void {
  let js = 0;
  let css = 0;
  let brotli = 0;
  for (const file of firstLoadFiles(outDir)) {
    const bytes = fs.readFileSync(path.join(outDir, file));
    const size = gzipSync(bytes, { level: 9 }).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    if (file.endsWith('.css')) css += size;
    else js += size;
  }
  const kb = (n: number) => (n / 1024).toFixed(1);
  const line = `first load: JS ${kb(js)} KB + CSS ${kb(css)} KB = ${kb(js + css)} KB gzipped, ${kb(brotli)} KB brotli (budget ${budgetKb} KB gzipped)`;
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
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt|map|webmanifest)$/;

/**
 * Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) twin beside every text file of 1 KB
 * or more, for the hub to send whichever the browser accepts: the work of compressing is done once
 * per build, at the best ratio, instead of on every request.
 */
function precompress(outDir: string): { raw: number; br: number } {
  let raw = 0;
  let br = 0;
  const visit = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) {
        visit(file);
        continue;
      }
      if (!COMPRESSIBLE.test(name) || name.endsWith('.map')) continue;
      const bytes = fs.readFileSync(file);
      if (bytes.length < 1024) continue;
      const brotli = brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      });
      fs.writeFileSync(`${file}.br`, brotli);
      fs.writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      raw += bytes.length;
      br += brotli.length;
    }
  };
  visit(outDir);
  return { raw, br };
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
    closeBundle() {
      const outDir = path.resolve(config.root, config.build.outDir);
      writeServiceWorker(config, outDir);
      checkFirstLoad(config, outDir, budgetKb);
      const { raw, br } = precompress(outDir);
      config.logger.info(
        `precompressed: ${(raw / 1024).toFixed(0)} KB of text files → ${(br / 1024).toFixed(0)} KB brotli (and gzip twins)`,
      );
    },
  };
}
