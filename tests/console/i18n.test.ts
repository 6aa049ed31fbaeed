import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { auditActions } from '@tansiq/shared';
import { messages, directionOf, isLocale } from '../../console/src/i18n/index.ts';
import { repoRoot } from '../helpers/paths.ts';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

describe('console messages', () => {
  const ar = leaves(messages.ar);
  const en = leaves(messages.en);

  test('Arabic and English have exactly the same keys', () => {
    expect([...en.keys()].sort()).toEqual([...ar.keys()].sort());
  });

  test('no message is empty, and every Arabic message contains Arabic script unless it is a proper name', () => {
    // (SHA-256 is the algorithm's name, written the same in both languages.)
    const latinOnlyAllowed = new Set(['locale.switchTo', 'users.noCentre', 'briefs.attachment.sha']);
    for (const [key, value] of ar) {
      expect(value.trim(), key).not.toBe('');
      if (!latinOnlyAllowed.has(key)) expect(value, key).toMatch(/[\u0600-\u06FF]/);
    }
    for (const [key, value] of en) expect(value.trim(), key).not.toBe('');
  });

  test('placeholders match between the languages', () => {
    for (const [key, value] of ar) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(en.get(key)!), key).toEqual(names(value));
    }
  });

  test('Arabic is right-to-left, English left-to-right; unknown locales are refused', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('en')).toBe('ltr');
    expect(isLocale('fr')).toBe(false);
    expect(isLocale('ar')).toBe(true);
  });

  test('every action the hub audits is listed and worded in both languages', () => {
    const sources = readdirSync(path.join(repoRoot, 'hub-server/src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(path.join(repoRoot, 'hub-server/src', f), 'utf8'))
      .join('\n');
    const written = new Set([...sources.matchAll(/action: '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!));
    // Brief steps are audited as `brief.${verb}`.
    for (const m of sources.matchAll(/verb: '([a-z_]+)'/g)) written.add(`brief.${m[1]}`);
    expect(written.size).toBeGreaterThan(20);
    for (const action of written) expect(auditActions, action).toContain(action);
    for (const action of auditActions) {
      expect(ar.has(`admin.actions.${action}`), action).toBe(true);
      expect(en.has(`admin.actions.${action}`), action).toBe(true);
    }
  });
});
