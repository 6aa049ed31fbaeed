// `pnpm start`: builds what is missing or older than its sources — the hub (esbuild, about a
// second) and the console (Vite, several seconds) each on its own — and then runs the compiled hub
// in this process. Plain JavaScript, so that a start on a built tree loads no TypeScript tooling.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const at = (...parts) => path.join(root, ...parts);

/** The newest modification time under the given files and folders (0 when none exists). */
function newest(entries) {
  let latest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (name !== 'node_modules') visit(path.join(p, name));
    } else latest = Math.max(latest, stat.mtimeMs);
  };
  entries.forEach(visit);
  return latest;
}

function builtAt(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

const shared = [at('shared', 'src'), at('shared', 'package.json')];
const parts = [
  {
    name: 'hub',
    output: at('hub-server', 'dist', 'main.js'),
    inputs: [
      at('hub-server', 'src'),
      at('hub-server', 'build.mjs'),
      at('hub-server', 'package.json'),
      ...shared,
    ],
    command: [process.execPath, [at('hub-server', 'build.mjs')], root],
  },
  {
    name: 'console',
    output: at('console', 'dist', 'sw.js'),
    inputs: [
      at('console', 'src'),
      at('console', 'public'),
      at('console', 'build'),
      at('console', 'index.html'),
      at('console', 'vite.config.ts'),
      at('console', 'package.json'),
      ...shared,
    ],
    command: [
      process.execPath,
      [at('console', 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
      at('console'),
    ],
  },
];

const wantsVersion = process.argv.includes('--version');
for (const part of parts) {
  // `--version` answers from whatever is built; it builds only when nothing is.
  const stale = wantsVersion ? builtAt(part.output) < 0 : builtAt(part.output) < newest(part.inputs);
  if (!stale) continue;
  process.stderr.write(`tansiq: building the ${part.name} (its sources changed since the last build)\n`);
  const [cmd, args, cwd] = part.command;
  const run = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) {
    process.stderr.write(`tansiq: building the ${part.name} failed (exit ${run.status ?? run.signal})\n`);
    process.exit(1);
  }
}

await import(pathToFileURL(at('hub-server', 'dist', 'main.js')).href);
