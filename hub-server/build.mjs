// Builds the hub for production: one ES module (dist/main.js) that Node runs without a TypeScript
// loader. Packages from npm stay outside the bundle (PGlite and argon2 load files of their own);
// the workspace's @tansiq/shared, which is TypeScript source, goes in.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { build } from 'esbuild';

/** The commit this build is made from (with `-modified` when the tree has uncommitted changes). */
function commit() {
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: new URL('.', import.meta.url),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return (
      git('rev-parse', '--short=12', 'HEAD') +
      (git('status', '--porcelain', '--untracked-files=no') ? '-modified' : '')
    );
  } catch {
    return 'unknown';
  }
}

const pkg = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@tansiq/'));

await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  outfile: new URL('./dist/main.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  sourcemap: true,
  logLevel: 'warning',
  define: { __TANSIQ_COMMIT__: JSON.stringify(commit()) },
});
