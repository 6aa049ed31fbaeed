import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hubServerRoot } from './paths.ts';

/** Set by the production build (hub-server/build.mjs); absent when the sources run directly. */
declare const __TANSIQ_COMMIT__: string | undefined;

export const hubVersion: string = (
  JSON.parse(fs.readFileSync(path.join(hubServerRoot, 'package.json'), 'utf8')) as { version: string }
).version;

function sourceCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: hubServerRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** The commit the running code was built from (the sources' checkout when run without a build). */
export const hubCommit: string = typeof __TANSIQ_COMMIT__ === 'string' ? __TANSIQ_COMMIT__ : sourceCommit();
