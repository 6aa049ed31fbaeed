import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { login, seedUsers } from '../helpers/users.ts';

/** A raw GET (fetch would decompress and hide the encoding); resolves with headers and raw bytes. */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

function decode(encoding: string | undefined, body: Buffer): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'gzip') return gunzipSync(body);
  return body;
}

describe('compressed answers', () => {
  let dir: string;
  let hub: TestHub;
  // A built console in miniature: the build writes .br and .gz twins beside each text file.
  const script = `console.log(${JSON.stringify('تنسيق '.repeat(2000))});\n`;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-console-'));
    await fs.mkdir(path.join(dir, 'assets'));
    const file = path.join(dir, 'assets', 'index-abc123.js');
    await fs.writeFile(file, script);
    await fs.writeFile(`${file}.br`, brotliCompressSync(script));
    await fs.writeFile(`${file}.gz`, gzipSync(script));
    await fs.writeFile(path.join(dir, 'index.html'), `<!doctype html><title>${'x'.repeat(2000)}</title>`);
    hub = await startTestHub({ config: { TANSIQ_CONSOLE_DIR: dir } });
    await seedUsers(hub.database);
  });
  afterAll(async () => {
    await hub.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("the console's files: brotli or gzip twin as the browser accepts, with Vary, and the original otherwise", async () => {
    const url = `${hub.url}/assets/index-abc123.js`;
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['identity', undefined],
    ] as const) {
      const res = await get(url, { 'accept-encoding': accept });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.headers.vary).toMatch(/Accept-Encoding/i);
      expect(res.headers['cache-control']).toContain('immutable');
      expect(decode(encoding, res.body).toString()).toBe(script);
    }
  });

  test('the page and API JSON above 1 KB are compressed on the way out; sign-in and token answers never are', async () => {
    const page = await get(`${hub.url}/some/client/route`, { 'accept-encoding': 'br, gzip' });
    expect(page.headers['content-encoding']).toBe('br');
    expect(decode('br', page.body).toString()).toContain('<title>');

    const { accessToken } = await login(hub.url, 'officer.east');
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${hub.url}/api/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({
          category: 'smuggling',
          severity: 'low',
          tlp: 'GREEN',
          title: `تنبيه ${i}`,
          description: 'وصف طويل '.repeat(20),
          location: { lat: 31, lng: 20 },
          recipients: ['WEST'],
        }),
      });
      expect(res.status).toBe(201);
    }
    const list = await get(`${hub.url}/api/v1/alerts`, {
      'accept-encoding': 'gzip',
      authorization: `Bearer ${accessToken}`,
    });
    expect(list.headers['content-encoding']).toBe('gzip');
    expect(list.headers.vary).toMatch(/Accept-Encoding/i);
    expect((JSON.parse(decode('gzip', list.body).toString()) as { alerts: unknown[] }).alerts).toHaveLength(
      6,
    );

    // Small answers are not worth it.
    const config = await get(`${hub.url}/api/v1/config`, { 'accept-encoding': 'br, gzip' });
    expect(config.headers['content-encoding']).toBeUndefined();

    const signIn = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        `${hub.url}/api/v1/auth/login`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'br, gzip' } },
        resolve,
      );
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'officer.east', password: 'correct horse battery staple' }));
    });
    signIn.resume();
    expect(signIn.statusCode).toBe(200);
    expect(signIn.headers['content-encoding']).toBeUndefined();
  });
});
