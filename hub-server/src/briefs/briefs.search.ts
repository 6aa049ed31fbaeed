import { sql } from 'drizzle-orm';
import type { SnippetPart } from '@tansiq/shared';
import type { AppTx } from '../db/database.ts';

/** How many words a snippet shows, and how much text is looked through for it. */
const SNIPPET_WORDS = 32;
const SNIPPET_SOURCE_CHARS = 20_000;

/** The plain text of Markdown, near enough for a snippet: no link targets, code fences or markup characters. */
export function plainOf(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/[#>*_`~|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a query that a snippet marks: not the negated ones (`-word`), not the operator `or`. */
export function markedWords(q: string): string {
  return q
    .replace(/(^|\s)-"[^"]*"/g, ' ')
    .replace(/(^|\s)-\S+/g, ' ')
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((w) => w && w.toLowerCase() !== 'or')
    .join(' ');
}

/**
 * Snippets for search results: for each text, about SNIPPET_WORDS words around its first match,
 * with the matching words marked. A word matches when, folded and stemmed by the database the way
 * the search is (tansiq_search_lexemes), it shares a lexeme with the query — so "تهريب" marks
 * "والتهريب" and "smuggling" marks "smuggled".
 */
export async function snippetsFor(tx: AppTx, q: string, texts: string[]): Promise<SnippetPart[][]> {
  const tokenised = texts.map((t) => t.slice(0, SNIPPET_SOURCE_CHARS).split(/\s+/).filter(Boolean));
  const words = [...new Set(tokenised.flat())];
  const query = markedWords(q);
  const matched = new Set<string>();
  if (words.length > 0 && query) {
    const result = await tx.execute(
      sql`select w from jsonb_array_elements_text(${JSON.stringify(words)}::jsonb) as w
          where tansiq_search_lexemes(w) && tansiq_search_lexemes(${query})`,
    );
    // Both drivers (PGlite, node-postgres) answer with { rows }.
    for (const r of (result as unknown as { rows: Array<{ w: string }> }).rows) matched.add(r.w);
  }
  return tokenised.map((tokens) => {
    const first = tokens.findIndex((t) => matched.has(t));
    const start = first < 0 ? 0 : Math.max(0, first - 8);
    const window = tokens.slice(start, start + SNIPPET_WORDS);
    const parts: SnippetPart[] = [];
    if (start > 0) parts.push({ text: '… ', match: false });
    const plain = (text: string) => {
      const last = parts.at(-1);
      if (last && !last.match) last.text += text;
      else parts.push({ text, match: false });
    };
    window.forEach((token, i) => {
      if (matched.has(token)) parts.push({ text: token, match: true });
      else plain(token);
      if (i < window.length - 1) plain(' ');
    });
    if (start + SNIPPET_WORDS < tokens.length) parts.push({ text: ' …', match: false });
    return parts;
  });
}
