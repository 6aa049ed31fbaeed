import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { repoRoot } from './paths.ts';

import { freePort } from '../../scripts/src/nginx.ts';

/** A port that was free a moment ago (for a child process that needs a fixed PORT). */
export { freePort };

export interface HubProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Runs `hub-server/src/main.ts` as its own process and waits until it listens: straight under node,
 * or `via: 'pnpm'` through `pnpm run dev:hub` (what `pnpm start` runs after building), so a signal
 * sent to pnpm must reach the hub.
 */
export async function startHubProcess(
  env: Record<string, string>,
  via: 'node' | 'pnpm' = 'node',
  fixedPort?: number,
): Promise<HubProcess> {
  const port = fixedPort ?? (await freePort());
  const [command, args] =
    via === 'node'
      ? [process.execPath, ['--import', 'tsx', 'hub-server/src/main.ts']]
      : ['pnpm', ['run', '--silent', 'dev:hub']];
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('"msg":"hub listening"')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`hub exited with ${code} before listening: ${err || out}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, stdout: () => out, exited };
}
