import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import pg from 'pg';
import type { BriefReply } from '@tansiq/shared';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { login, seedUsers } from '../helpers/users.ts';
import { caller, type Call } from '../helpers/handovers.ts';
import {
  briefInput,
  briefOf,
  makePdf,
  publishBrief,
  seedMoreAnalysts,
  sha256,
  upload,
} from '../helpers/briefs.ts';
import { searchCases } from '../helpers/brief-search.ts';

const TRIES = 8;

/** Brief decisions, search and attachments on the PostgreSQL server, where transactions truly overlap. */
describe('studies archive on the PostgreSQL server', () => {
  let server: ServerDatabase;
  let t: TestHub;
  const as: Record<string, Call> = {};

  async function owner<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: server.ownerUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    server = await createServerDatabase();
    const database = await openServer(server, 12);
    await seedUsers(database);
    await seedMoreAnalysts(database);
    t = await startTestHub({ database });
    for (const u of ['analyst', 'analyst.b', 'analyst.c', 'officer.east', 'officer.south', 'admin'])
      as[u] = await caller(t.url, u);
  });
  afterAll(async () => {
    await t?.close();
    await server?.drop();
  });

  const inReview = async () => {
    const brief = briefOf(await as['analyst']!('POST', '/api/v1/briefs', briefInput({ title: 'race' })));
    expect((await as['analyst']!('POST', `/api/v1/briefs/${brief.id}/submit`, {})).status).toBe(200);
    return brief.id;
  };

  test('two reviewers deciding at once: one approves, the other is told; approve and return exclude each other', async () => {
    for (let i = 0; i < TRIES; i++) {
      const id = await inReview();
      const both = await Promise.all([
        as['analyst.b']!('POST', `/api/v1/briefs/${id}/approve`, {}),
        as['analyst.c']!('POST', `/api/v1/briefs/${id}/approve`, {}),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      const id2 = await inReview();
      const mixed = await Promise.all([
        as['analyst.b']!('POST', `/api/v1/briefs/${id2}/approve`, {}),
        as['analyst.c']!('POST', `/api/v1/briefs/${id2}/return`, { comment: 'no' }),
      ]);
      // Return may follow an approval (the reviewer may still send it back): both can succeed in
      // that order, never the other way round (a returned draft cannot be approved).
      const [approve, ret] = mixed.map((r) => r.status);
      expect([approve, ret]).not.toEqual([409, 409]);
      const reply = (await as['analyst']!('GET', `/api/v1/briefs/${id2}`)).body as BriefReply;
      const kinds = reply.thread.map((e) => e.kind);
      if (approve === 200 && ret === 200) expect(kinds.slice(-2)).toEqual(['approved', 'returned']);
      expect(reply.brief.status).toBe(ret === 200 ? 'draft' : 'approved');
    }
  });

  test('publishing at once: one version published, the previous superseded exactly once', async () => {
    for (let i = 0; i < TRIES; i++) {
      const first = await publishBrief(as['analyst']!, as['analyst.b']!, briefInput({ title: `v1 ${i}` }));
      const next = await Promise.all([
        as['analyst']!('POST', `/api/v1/briefs/${first.id}/versions`, {}),
        as['analyst.c']!('POST', `/api/v1/briefs/${first.id}/versions`, {}),
      ]);
      expect(next.map((r) => r.status).sort()).toEqual([201, 409]);
      const author = next[0]!.status === 201 ? as['analyst']! : as['analyst.c']!;
      expect((await author('POST', `/api/v1/briefs/${first.id}/submit`, {})).status).toBe(200);
      expect((await as['analyst.b']!('POST', `/api/v1/briefs/${first.id}/approve`, {})).status).toBe(200);
      const published = await Promise.all([
        as['analyst']!('POST', `/api/v1/briefs/${first.id}/publish`, {}),
        as['analyst.c']!('POST', `/api/v1/briefs/${first.id}/publish`, {}),
      ]);
      expect(published.map((r) => r.status).sort()).toEqual([200, 409]);
      const rows = await owner(
        async (c) =>
          (
            await c.query<{ version: number; status: string }>(
              'select version, status from briefs where series_id = $1 order by version',
              [first.id],
            )
          ).rows,
      );
      expect(rows).toEqual([
        { version: 1, status: 'superseded' },
        { version: 2, status: 'published' },
      ]);
    }
    // One brief:published event per publication.
    const events = await owner(
      async (c) =>
        (await c.query<{ n: number }>(`select count(*)::int as n from events where type = 'brief:published'`))
          .rows[0]!.n,
    );
    expect(events).toBe(TRIES * 2);
  });

  test('search in Arabic and English on the server, as on PGlite', async () => {
    await searchCases(as);
  });

  test('attachments live in the database: stored, hashed, served to readers only; published versions and their attachments never change, even for the owner', async () => {
    const A = as['analyst']!;
    const token = (await login(t.url, 'analyst')).accessToken;
    const created = briefOf(
      await A(
        'POST',
        '/api/v1/briefs',
        briefInput({ title: 'server pdf', tlp: 'RED', recipients: ['EAST'] }),
      ),
    );
    const pdf = makePdf('server');
    const att = briefOf(await upload(t.url, token, created.id, pdf)).attachments[0]!;
    expect(att.sha256).toBe(sha256(pdf));
    await as['analyst']!('POST', `/api/v1/briefs/${created.id}/submit`, {});
    await as['analyst.b']!('POST', `/api/v1/briefs/${created.id}/approve`, {});
    await as['analyst']!('POST', `/api/v1/briefs/${created.id}/publish`, {});
    const get = async (who: string) =>
      fetch(`${t.url}/api/v1/briefs/${created.id}/attachments/${att.id}`, {
        headers: { authorization: `Bearer ${(await login(t.url, who)).accessToken}` },
      });
    const east = await get('officer.east');
    expect(sha256(Buffer.from(await east.arrayBuffer()))).toBe(sha256(pdf));
    expect((await get('officer.south')).status).toBe(404);
    const stored = await owner(
      async (c) =>
        (
          await c.query<{ sha: string }>(
            `select encode(sha256(content), 'hex') as sha from brief_attachments where id = $1`,
            [att.id],
          )
        ).rows[0]!.sha,
    );
    expect(stored).toBe(sha256(pdf));
    await owner(async (c) => {
      await expect(
        c.query(`update briefs set body = 'forged' where series_id = $1`, [created.id]),
      ).rejects.toThrow(/never changes/);
      await expect(c.query(`delete from brief_attachments where id = $1`, [att.id])).rejects.toThrow(
        /are kept/,
      );
      await expect(c.query(`update brief_attachments set file_name = 'x.pdf'`)).rejects.toThrow(
        /never changes/,
      );
    });
  });
});
