import fs from 'node:fs';
import path from 'node:path';
import { hubServerRoot } from './paths.ts';

export const hubVersion: string = (
  JSON.parse(fs.readFileSync(path.join(hubServerRoot, 'package.json'), 'utf8')) as { version: string }
).version;
