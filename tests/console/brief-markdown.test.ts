import { describe, expect, test } from 'vitest';
import { JSDOM } from 'jsdom';
import createDOMPurify from 'dompurify';
import { createBriefRenderer } from '../../console/src/features/briefs/markdown.ts';

const { window } = new JSDOM('');
const render = createBriefRenderer(createDOMPurify(window as unknown as Window & typeof globalThis));

/** Parses the rendered HTML and lists what could run or fetch: scripts, handlers, URLs off the hub. */
function dangers(html: string): string[] {
  const doc = new JSDOM(`<body>${html}</body>`).window.document;
  const found: string[] = [];
  for (const el of doc.body.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (
      [
        'script',
        'iframe',
        'object',
        'embed',
        'img',
        'svg',
        'style',
        'link',
        'form',
        'input',
        'video',
        'audio',
        'source',
        'math',
      ].includes(tag)
    )
      found.push(`<${tag}>`);
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith('on')) found.push(`${tag}[${attr}]`);
      if (attr === 'style' || attr === 'src' || attr === 'srcset') found.push(`${tag}[${attr}]`);
      if (attr === 'href' && !/^(https?:|mailto:|#|\/(?!\/))/i.test(el.getAttribute(attr)!))
        found.push(`${tag}[href=${el.getAttribute(attr)}]`);
    }
  }
  return found;
}

describe('brief Markdown renders inert', () => {
  const hostile: Array<[string, string]> = [
    ['a script element', '<script>alert(1)</script>'],
    ['an image with onerror', '<img src=x onerror="alert(1)">'],
    ['an svg with onload', '<svg onload=alert(1)></svg>'],
    ['a javascript: link', '[click](javascript:alert(1))'],
    ['an encoded javascript: link', '[click](jav&#x09;ascript:alert(1))'],
    ['a data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['a vbscript: link', '[x](vbscript:msgbox)'],
    ['a protocol-relative link', '[x](//evil.example/a)'],
    ['a remote image', '![map](https://evil.example/track.png)'],
    ['a data: image', '![x](data:image/png;base64,iVBORw0KGgo=)'],
    ['an autolinked javascript: url', '<javascript:alert(1)>'],
    ['raw HTML with a handler', '<a href="https://ok.example" onclick="alert(1)">x</a>'],
    ['a style attribute', '<p style="background:url(https://evil.example/x)">x</p>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>'],
  ];

  test.each(hostile)('%s', (_name, source) => {
    const html = render(`before\n\n${source}\n\nafter`);
    expect(dangers(html), html).toEqual([]);
    expect(html).toContain('before');
    expect(html).toContain('after');
  });

  test('what Markdown is for still renders: headings, lists, emphasis, safe links, tables, code', () => {
    const html = render(
      '# عنوان\n\n- بند **مهم**\n- item\n\n[المصدر](https://example.org/report) and [here](/briefs/1)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code`',
    );
    expect(html).toContain('<h1 dir="auto">عنوان</h1>');
    expect(html).toContain('<strong>مهم</strong>');
    expect(html).toContain('href="https://example.org/report"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('href="/briefs/1"');
    expect(html).toContain('<td dir="auto">1</td>');
    expect(html).toContain('<code>code</code>');
  });

  test('raw HTML stays visible as text; an image is its description', () => {
    const html = render('<script>alert(1)</script>\n\n![خريطة المعبر](https://x.example/a.png)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<span class="md-image">[خريطة المعبر]</span>');
  });

  test('every paragraph reads in its own direction', () => {
    const html = render('فقرة عربية\n\nAn English paragraph');
    expect(html).toBe('<p dir="auto">فقرة عربية</p>\n<p dir="auto">An English paragraph</p>\n');
  });
});
