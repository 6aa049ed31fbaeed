import MarkdownIt from 'markdown-it';
import type { DOMPurify } from 'dompurify';

/**
 * A brief's Markdown as safe HTML, in two walls. markdown-it renders with raw HTML off (a `<script>`
 * in the text stays text), links limited to http(s), mailto and the hub's own paths, and images
 * shown as their description — a brief never makes the reader's browser fetch anything. DOMPurify
 * then keeps only the elements and attributes Markdown makes (no event handler, no style, no
 * `javascript:` or `data:` URL). Paragraphs, list items, headings, quotes and cells get
 * `dir="auto"`, so an Arabic paragraph reads right to left inside an English brief and the reverse.
 */
const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'em',
  'strong',
  's',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
];
const ALLOWED_ATTR = ['href', 'title', 'dir', 'class', 'start', 'rel', 'target'];
const SAFE_URL = /^(?:https?:|mailto:|#|\/(?![/\\]))/i;
const DIRECTIONAL = new Set(['P', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'TD', 'TH']);

export type BriefRenderer = (markdown: string) => string;

export function createBriefRenderer(purify: DOMPurify): BriefRenderer {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.validateLink = (url: string) => SAFE_URL.test(url.trim());
  md.renderer.rules.image = (tokens, idx) => {
    const alt = md.utils.escapeHtml(tokens[idx]!.content || '');
    return `<span class="md-image">[${alt}]</span>`;
  };
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (DIRECTIONAL.has(node.nodeName)) node.setAttribute('dir', 'auto');
    if (node.nodeName === 'A') {
      node.setAttribute('rel', 'noopener noreferrer nofollow');
      node.setAttribute('target', '_blank');
    }
  });
  return (markdown) =>
    purify.sanitize(md.render(markdown), {
      ALLOWED_TAGS,
      ALLOWED_ATTR,
      ALLOWED_URI_REGEXP: SAFE_URL,
    });
}
