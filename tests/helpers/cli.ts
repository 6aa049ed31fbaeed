import { spawn } from 'node:child_process';
import { repoRoot } from './paths.ts';

/** Runs `pnpm cli …` (scripts/src/cli.ts) as its own process; resolves with its exit code and output. */
export function cli(
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/src/cli.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
    child.stdin.end(input);
  });
}
