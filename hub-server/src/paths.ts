import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The hub-server package directory, found from this file whether the hub runs from its TypeScript
 * sources (src/…) or from the built bundle (dist/main.js).
 */
function packageRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('hub-server: package.json not found above the code');
  }
}

export const hubServerRoot = packageRoot();
/** The repository (the workspace holding hub-server/ and console/). */
export const repoRoot = path.dirname(hubServerRoot);
