import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { BriefListItem, Tlp } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { openTestPglite, selectRows } from '../helpers/db.ts';
import { api, login, seedUsers, testUsers, type TestUser } from '../helpers/users.ts';
import { designMaySeeBrief } from '../helpers/access-model.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { caller, type Call } from '../helpers/handovers.ts';
import { briefInput, briefOf, makePdf, publishBrief, seedMoreAnalysts, upload } from '../helpers/briefs.ts';

/** The published briefs every read route is tried on: each sharing case of DESIGN's table. */
const SHARING: Array<{ name: string; tlp: Tlp; recipients: string[] }> = [
  { name: 'CLEAR', tlp: 'CLEAR', recipients: [] },
  { name: 'GREEN', tlp: 'GREEN', recipients: [] },
  { name: 'AMBER to WEST', tlp: 'AMBER', recipients: ['WEST'] },
  { name: 'RED to EAST', tlp: 'RED', recipients: ['EAST'] },
];

const writes = (u: TestUser) => u.role === 'analyst';
const reads = (u: TestUser, s: (typeof SHARING)[number]) =>
  designMaySeeBrief(u, { status: 'published', tlp: s.tlp, recipients: s.recipients });

/**
 * Every brief route and the brief event, for every role × centre, against DESIGN's table: analysts
 * write, review and publish; others read published briefs within sharing (404 for one they may not
 * see); a board reads titles only (403 on a brief's content); an admin nothing. A refusal changes
 * nothing.
 */
describe('access matrix: brief routes and events × every role and centre', () => {
  let t: TestHub;
  const fixtures: Record<string, string> = {};
  const attachmentOf: Record<string, string> = {};
  const live = new Map<string, LiveClient>();
  let eventsFrom = 0;

  beforeAll(async () => {
    const database = await openTestPglite();
    await seedUsers(database);
    await seedMoreAnalysts(database);
    t = await startTestHub({ database });
    for (const u of testUsers) {
      const client = new LiveClient(t.url, (await login(t.url, u.username)).accessToken);
      await client.ready();
      live.set(u.username, client);
    }
    const B = await caller(t.url, 'analyst.b');
    const C = await caller(t.url, 'analyst.c');
    const bToken = (await login(t.url, 'analyst.b')).accessToken;
    eventsFrom = live.get('analyst')!.lastApplied;
    for (const s of SHARING) {
      const created = briefOf(
        await B(
          'POST',
          '/api/v1/briefs',
          briefInput({ title: `secret ${s.name}`, tlp: s.tlp, recipients: s.recipients }),
        ),
      );
      attachmentOf[s.name] = briefOf(
        await upload(t.url, bToken, created.id, makePdf(s.name)),
      ).attachments[0]!.id;
      await B('POST', `/api/v1/briefs/${created.id}/submit`, {});
      await C('POST', `/api/v1/briefs/${created.id}/approve`, {});
      await B('POST', `/api/v1/briefs/${created.id}/publish`, {});
      fixtures[s.name] = created.id;
    }
    // A brief of analyst.b in each state the write routes act on.
    const draft = async (title: string) =>
      briefOf(await B('POST', '/api/v1/briefs', briefInput({ title }))).id;
    fixtures['edit'] = await draft('to edit');
    fixtures['submit'] = await draft('to submit');
    fixtures['attach'] = await draft('to attach');
    fixtures['detach'] = await draft('to detach');
    attachmentOf['detach'] = briefOf(
      await upload(t.url, bToken, fixtures['detach'], makePdf('d')),
    ).attachments[0]!.id;
    for (const name of ['approve', 'return']) {
      fixtures[name] = await draft(`to ${name}`);
      await B('POST', `/api/v1/briefs/${fixtures[name]}/submit`, {});
    }
    fixtures['publish'] = await draft('to publish');
    await B('POST', `/api/v1/briefs/${fixtures['publish']}/submit`, {});
    await C('POST', `/api/v1/briefs/${fixtures['publish']}/approve`, {});
    fixtures['version'] = (await publishBrief(B, C, briefInput({ title: 'to revise', tlp: 'CLEAR' }))).id;
  });
  afterAll(async () => {
    for (const c of live.values()) c.close();
    await t?.close();
  });

  const state = async () =>
    (
      await selectRows(
        t.database,
        sql`select (select string_agg(id || status || revision, ',' order by id) from briefs) as b,
                   (select count(*) from brief_attachments) as a, (select count(*) from brief_thread) as th`,
      )
    )[0];

  interface WriteRoute {
    name: string;
    call: (as: Call, token: string) => Promise<{ status: number; body: unknown }>;
    okStatus: number;
  }
  const writeRoutes: WriteRoute[] = [
    {
      name: 'create',
      call: (as) => as('POST', '/api/v1/briefs', briefInput({ title: 'new' })),
      okStatus: 201,
    },
    {
      name: 'edit',
      call: (as) => as('PATCH', `/api/v1/briefs/${fixtures['edit']}`, { title: 'edited' }),
      okStatus: 200,
    },
    {
      name: 'submit',
      call: (as) => as('POST', `/api/v1/briefs/${fixtures['submit']}/submit`, {}),
      okStatus: 200,
    },
    {
      name: 'approve',
      call: (as) => as('POST', `/api/v1/briefs/${fixtures['approve']}/approve`, {}),
      okStatus: 200,
    },
    {
      name: 'return',
      call: (as) => as('POST', `/api/v1/briefs/${fixtures['return']}/return`, { comment: 'again' }),
      okStatus: 200,
    },
    {
      name: 'publish',
      call: (as) => as('POST', `/api/v1/briefs/${fixtures['publish']}/publish`, {}),
      okStatus: 200,
    },
    {
      name: 'new version',
      call: (as) => as('POST', `/api/v1/briefs/${fixtures['version']}/versions`, {}),
      okStatus: 201,
    },
    {
      name: 'attach',
      call: (_as, token) => upload(t.url, token, fixtures['attach']!, makePdf('matrix')),
      okStatus: 201,
    },
    {
      name: 'detach',
      call: (as) =>
        as('DELETE', `/api/v1/briefs/${fixtures['detach']}/attachments/${attachmentOf['detach']}`),
      okStatus: 200,
    },
  ];

  test.each(writeRoutes.flatMap((r) => testUsers.map((u) => [r.name, u.username, r, u] as const)))(
    '%s as %s',
    async (_n, _u, route, user) => {
      const before = await state();
      const token = (await login(t.url, user.username)).accessToken;
      const res = await route.call(api(t.url, token), token);
      if (writes(user)) {
        expect(res.status, `wrong refusal: ${JSON.stringify(res.body)}`).toBe(route.okStatus);
      } else {
        expect(res.status, 'leak').toBe(403);
        expect(res.body).toMatchObject({ error: { code: 'forbidden' } });
        expect(await state()).toEqual(before);
      }
    },
  );

  const readRows = SHARING.flatMap((s) => testUsers.map((u) => [s.name, u.username, s, u] as const));

  test.each(readRows)('read the %s brief as %s', async (_n, _u, s, user) => {
    const res = await api(t.url, (await login(t.url, user.username)).accessToken)(
      'GET',
      `/api/v1/briefs/${fixtures[s.name]}`,
    );
    if (user.role === 'admin' || user.role === 'board') expect(res.status).toBe(403);
    else if (reads(user, s)) expect(res.status, JSON.stringify(res.body)).toBe(200);
    else {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('secret');
    }
  });

  test.each(readRows)('download from the %s brief as %s', async (_n, _u, s, user) => {
    const res = await fetch(
      `${t.url}/api/v1/briefs/${fixtures[s.name]}/attachments/${attachmentOf[s.name]}`,
      {
        headers: { authorization: `Bearer ${(await login(t.url, user.username)).accessToken}` },
      },
    );
    if (user.role === 'admin' || user.role === 'board') expect(res.status).toBe(403);
    else expect(res.status).toBe(reads(user, s) ? 200 : 404);
  });

  test.each(testUsers.map((u) => [u.username, u] as const))(
    'list and search as %s: exactly the published briefs DESIGN lets it read',
    async (_n, user) => {
      const call = api(t.url, (await login(t.url, user.username)).accessToken);
      const res = await call('GET', `/api/v1/briefs?q=${encodeURIComponent('secret')}`);
      if (user.role === 'admin') return expect(res.status).toBe(403);
      const { briefs, total } = res.body as { briefs: BriefListItem[]; total: number };
      const expected = SHARING.filter((s) => reads(user, s)).map((s) => fixtures[s.name]);
      expect(briefs.map((b) => b.id).sort()).toEqual(expected.sort());
      expect(total).toBe(expected.length);
    },
  );

  test.each(testUsers.map((u) => [u.username, u] as const))(
    'brief:published as %s: exactly the briefs DESIGN lets it read',
    async (_n, user) => {
      const client = live.get(user.username)!;
      const expected = SHARING.filter((s) => reads(user, s)).map((s) => fixtures[s.name]);
      const mine = () =>
        client.applied
          .filter((e) => e.seq > eventsFrom && e.type === 'brief:published')
          .map((e) => (e.data as { brief: { id: string } }).brief.id)
          .filter(
            (id) => Object.values(fixtures).includes(id) && SHARING.some((s) => fixtures[s.name] === id),
          );
      // Events reach a console in order: once it has the last brief published in the set-up (CLEAR,
      // readable by all but admins), it has had every earlier one it was going to get.
      const last = (c: LiveClient) => () =>
        c.applied.some(
          (e) =>
            e.type === 'brief:published' &&
            (e.data as { brief: { id: string } }).brief.id === fixtures['version'],
        );
      await (user.role === 'admin' ? live.get('analyst')! : client).until(
        last(user.role === 'admin' ? live.get('analyst')! : client),
      );
      expect(mine().sort()).toEqual(expected.sort());
      if (user.role === 'board')
        for (const e of client.applied.filter((x) => x.type === 'brief:published'))
          expect(Object.keys((e.data as { brief: object }).brief).sort()).toEqual(
            ['id', 'publishedAt', 'title', 'tlp', 'version'].sort(),
          );
    },
  );
});
