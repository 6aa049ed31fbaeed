import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { repoRoot } from '../helpers/paths.ts';

const documents = [
  'README.md',
  ...fs.readdirSync(path.join(repoRoot, 'docs')).map((f) => `docs/${f}`),
].filter((f) => f.endsWith('.md'));

test.each(documents)('%s links only to files inside the repository, and each exists', (doc) => {
  const text = fs.readFileSync(path.join(repoRoot, doc), 'utf8');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  const local = links.filter((l) => !/^(https?:|mailto:|#)/.test(l));
  if (doc === 'README.md') expect(local.length).toBeGreaterThan(3);
  for (const link of local) {
    const target = path.resolve(path.dirname(path.join(repoRoot, doc)), link.split('#')[0]!);
    expect(target.startsWith(repoRoot + path.sep), `${doc} → ${link} leaves the repository`).toBe(true);
    expect(fs.existsSync(target), `${doc} → ${link} does not exist`).toBe(true);
  }
  // Nor does it send the reader to a file beside the repository in words.
  expect(text).not.toMatch(/\.\.\/shared\//);
});
