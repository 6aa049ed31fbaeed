import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { CentreShift, Handover } from '@tansiq/shared';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { openTestPglite, selectRows } from '../helpers/db.ts';
import { api, login, seedUsers, testUsers, type TestUser } from '../helpers/users.ts';
import { designHandovers, designMayWriteHandover } from '../helpers/access-model.ts';
import { LiveClient } from '../helpers/live-client.ts';
import {
  caller,
  emptyContent,
  handOver,
  seedIncomingSupervisors,
  task,
  testClock,
} from '../helpers/handovers.ts';

const CENTRES = ['EAST', 'WEST', 'SOUTH'] as const;
type Centre = (typeof CENTRES)[number];

/** Per centre, a handover in each state the routes act on. */
interface Fixture {
  accepted: string;
  forAccept: string;
  forReturn: string;
  draft: string;
}

interface HandoverRoute {
  name: string;
  method: string;
  path: (f: Fixture, centre: Centre) => string;
  body?: (f: Fixture) => unknown;
  /** DESIGN's answer for this user on this centre's handover. */
  allowed: (u: TestUser, centre: Centre) => boolean;
  okStatus: number;
}

const reads = (u: TestUser, c: Centre) => designHandovers(u, c) !== null;
const writes = designMayWriteHandover;

const routes: HandoverRoute[] = [
  {
    name: 'list a centre',
    method: 'GET',
    path: (_f, c) => `/api/v1/handovers?centre=${c}`,
    allowed: reads,
    okStatus: 200,
  },
  {
    name: 'read one',
    method: 'GET',
    path: (f) => `/api/v1/handovers/${f.accepted}`,
    allowed: reads,
    okStatus: 200,
  },
  {
    name: 'open the draft',
    method: 'POST',
    path: () => '/api/v1/handovers',
    body: () => ({}),
    allowed: (u) => u.role === 'supervisor',
    okStatus: 200,
  },
  {
    name: 'save the draft',
    method: 'PATCH',
    path: (f) => `/api/v1/handovers/${f.draft}`,
    body: () => ({ content: { ...emptyContent(), tasks: [task('matrix')] } }),
    allowed: writes,
    okStatus: 200,
  },
  {
    name: 'submit',
    method: 'POST',
    path: (f) => `/api/v1/handovers/${f.draft}/submit`,
    body: () => ({}),
    allowed: writes,
    okStatus: 200,
  },
  {
    name: 'return',
    method: 'POST',
    path: (f) => `/api/v1/handovers/${f.forReturn}/return`,
    body: () => ({ question: 'why?' }),
    allowed: writes,
    okStatus: 200,
  },
  {
    name: 'accept',
    method: 'POST',
    path: (f) => `/api/v1/handovers/${f.forAccept}/accept`,
    body: () => ({}),
    allowed: writes,
    okStatus: 200,
  },
  {
    name: 'add an addendum',
    method: 'POST',
    path: (f) => `/api/v1/handovers/${f.accepted}/addenda`,
    body: () => ({ body: 'addendum' }),
    allowed: writes,
    okStatus: 201,
  },
];

/**
 * Every handover route and event, for every role × centre × the handover's centre, against
 * DESIGN's table: a refusal is 403, or 404 where the handover is invisible to the caller (another
 * centre's), and changes nothing; an allowed call succeeds.
 */
describe('access matrix: handover routes and events × every role, centre and handover centre', () => {
  let t: TestHub;
  const fixtures = {} as Record<Centre, Fixture>;
  const live = new Map<string, LiveClient>();
  const clock = testClock();

  beforeAll(async () => {
    const database = await openTestPglite();
    await seedUsers(database);
    await seedIncomingSupervisors(database);
    t = await startTestHub({ database, clock: clock.now });
    // The handovers are written by each centre's "incoming" supervisor, so supervisor.<centre> of
    // the matrix is the other supervisor, who may return and accept them.
    const author = {} as Record<Centre, Awaited<ReturnType<typeof caller>>>;
    const other = {} as Record<Centre, Awaited<ReturnType<typeof caller>>>;
    for (const c of CENTRES) {
      author[c] = await caller(t.url, `incoming.${c.toLowerCase()}`);
      other[c] = await caller(t.url, `supervisor.${c.toLowerCase()}`);
    }
    for (const u of testUsers) {
      const client = new LiveClient(t.url, (await login(t.url, u.username)).accessToken);
      await client.ready();
      live.set(u.username, client);
    }
    const draftAndSubmit = async (c: Centre) => {
      const h = ((await author[c]('POST', '/api/v1/handovers', {})).body as { handover: Handover }).handover;
      await author[c]('PATCH', `/api/v1/handovers/${h.id}`, {
        content: { ...emptyContent(), notes: `secret of ${c}` },
      });
      expect((await author[c]('POST', `/api/v1/handovers/${h.id}/submit`, {})).status).toBe(200);
      return h.id;
    };
    const accepted = {} as Record<Centre, string>;
    for (const c of CENTRES)
      accepted[c] = (
        await handOver(author[c], other[c], () => ({ ...emptyContent(), notes: `secret of ${c}` }))
      ).id;
    clock.advanceHours(12);
    const forAccept = {} as Record<Centre, string>;
    for (const c of CENTRES) forAccept[c] = await draftAndSubmit(c);
    clock.advanceHours(12);
    const forReturn = {} as Record<Centre, string>;
    for (const c of CENTRES) forReturn[c] = await draftAndSubmit(c);
    clock.advanceHours(12);
    for (const c of CENTRES) {
      const draft = ((await author[c]('POST', '/api/v1/handovers', {})).body as { handover: Handover })
        .handover;
      fixtures[c] = {
        accepted: accepted[c],
        forAccept: forAccept[c],
        forReturn: forReturn[c],
        draft: draft.id,
      };
    }
  });
  afterAll(async () => {
    for (const c of live.values()) c.close();
    await t?.close();
  });

  const state = async () =>
    (
      await selectRows(
        t.database,
        sql`select (select string_agg(id || status || revision, ',' order by id) from handovers) as h,
                   (select count(*) from handover_addenda) as a, (select count(*) from handover_thread) as th`,
      )
    )[0];

  const rows = routes.flatMap((route) =>
    CENTRES.flatMap((centre) => testUsers.map((user) => ({ route, centre, user }))),
  );

  test.each(rows.map((r) => [r.route.name, r.centre, r.user.username, r] as const))(
    '%s of %s as %s',
    async (_n, _c, _u, { route, centre, user }) => {
      const before = await state();
      const call = api(t.url, (await login(t.url, user.username)).accessToken);
      const res = await call(
        route.method,
        route.path(fixtures[centre], centre),
        route.body?.(fixtures[centre]),
      );
      // Opening a draft acts on the caller's own centre, whichever handover centre the row names.
      if (route.allowed(user, centre)) {
        expect(res.status, `wrong refusal: ${JSON.stringify(res.body)}`).toBe(route.okStatus);
        if (route.name === 'read one' && designHandovers(user, centre) === 'status')
          expect(JSON.stringify(res.body)).not.toContain('secret');
        if (route.name === 'read one' && designHandovers(user, centre) === 'full')
          expect(JSON.stringify(res.body)).toContain(`secret of ${centre}`);
      } else {
        expect([403, 404], `leak: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        expect(JSON.stringify(res.body)).not.toContain('secret');
        expect(await state()).toEqual(before);
      }
    },
  );

  test.each(testUsers.map((u) => [u.username, u] as const))(
    'as %s: shifts, lists and events hold only the centres DESIGN allows, the board no content',
    async (_n, user) => {
      const call = await caller(t.url, user.username);
      const shifts = ((await call('GET', '/api/v1/handovers/shifts')).body as { shifts: CentreShift[] })
        .shifts;
      expect(shifts.map((s) => s.centre).sort()).toEqual(CENTRES.filter((c) => reads(user, c)).sort());
      const list = await call('GET', '/api/v1/handovers');
      if (CENTRES.some((c) => reads(user, c))) {
        const centres = new Set(
          (list.body as { handovers: Array<{ centre: string }> }).handovers.map((h) => h.centre),
        );
        expect([...centres].sort()).toEqual(CENTRES.filter((c) => reads(user, c)).sort());
      } else expect(list.status).toBe(403);

      const client = live.get(user.username)!;
      await client.resume();
      const events = client.applied.filter((e) => e.type.startsWith('handover:'));
      const centres = new Set(
        events.map(
          (e) =>
            (e.data as { handover?: { centre: string }; centre?: string }).handover?.centre ??
            (e.data as { centre: string }).centre,
        ),
      );
      expect([...centres].sort()).toEqual(CENTRES.filter((c) => reads(user, c)).sort());
      const text = JSON.stringify(events);
      if (user.role === 'board') expect(text).not.toMatch(/secret|"content"|"snapshot"|"thread"/);
      for (const c of CENTRES) if (!reads(user, c)) expect(text).not.toContain(`secret of ${c}`);
    },
  );
});
