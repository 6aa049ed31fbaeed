import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Alert, Brief, BriefListItem, BriefReply, HubEvent } from '@tansiq/shared';
import type { EmbeddedDatabase } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { openTestPglite, queryError, selectRows } from '../helpers/db.ts';
import { login, seedUsers } from '../helpers/users.ts';
import { LiveClient } from '../helpers/live-client.ts';
import { caller, type Call } from '../helpers/handovers.ts';
import {
  briefInput,
  briefOf,
  makePdf,
  publishBrief,
  publishOpenVersion,
  seedMoreAnalysts,
  sha256,
  upload,
} from '../helpers/briefs.ts';
import { searchCases } from '../helpers/brief-search.ts';

const MB = 1024 * 1024;

describe('studies archive on PGlite', () => {
  let t: TestHub;
  let database: EmbeddedDatabase;
  const as: Record<string, Call> = {};
  const tokens: Record<string, string> = {};
  const live: Record<string, LiveClient> = {};

  beforeAll(async () => {
    database = await openTestPglite();
    await seedUsers(database);
    await seedMoreAnalysts(database);
    t = await startTestHub({ database, config: { TANSIQ_MAX_ATTACHMENT_MB: '1' } });
    for (const u of [
      'officer.east',
      'officer.west',
      'officer.south',
      'supervisor.east',
      'analyst',
      'analyst.b',
      'coordinator',
      'board',
      'admin',
    ]) {
      tokens[u] = (await login(t.url, u)).accessToken;
      as[u] = await caller(t.url, u);
    }
    for (const u of ['officer.west', 'officer.south', 'board', 'coordinator']) {
      const c = new LiveClient(t.url, tokens[u]!);
      await c.ready();
      live[u] = c;
    }
  });
  afterAll(async () => {
    for (const c of Object.values(live)) c.close();
    await t?.close();
  });

  const count = async (table: string) =>
    Number(
      (await selectRows<{ n: number }>(t.database, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n,
    );

  test('lifecycle with four eyes: an author cannot approve; return with a comment; approve; publish', async () => {
    const A = as['analyst']!;
    const B = as['analyst.b']!;
    expect((await as['officer.east']!('POST', '/api/v1/briefs', briefInput())).status).toBe(403);
    const created = await A('POST', '/api/v1/briefs', briefInput({ title: 'مسودة أولى', tlp: 'GREEN' }));
    expect(created.status).toBe(201);
    const draft = briefOf(created);
    expect(draft).toMatchObject({ version: 1, status: 'draft', authors: [{ name: 'analyst' }] });
    // A reader never sees a draft.
    expect((await as['officer.west']!('GET', `/api/v1/briefs/${draft.id}`)).status).toBe(404);

    expect((await A('POST', `/api/v1/briefs/${draft.id}/publish`, {})).status).toBe(409);
    expect((await A('POST', `/api/v1/briefs/${draft.id}/submit`, {})).status).toBe(200);
    expect((await A('PATCH', `/api/v1/briefs/${draft.id}`, { title: 'x' })).status).toBe(409);
    const own = await A('POST', `/api/v1/briefs/${draft.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ error: { message: 'an author cannot approve their own brief' } });
    expect((await B('POST', `/api/v1/briefs/${draft.id}/return`, {})).status).toBe(400);
    const returned = await B('POST', `/api/v1/briefs/${draft.id}/return`, { comment: 'أضف المصادر' });
    expect(briefOf(returned).status).toBe('draft');
    const edited = await A('PATCH', `/api/v1/briefs/${draft.id}`, {
      body: 'المصادر: تقارير المراكز',
      revision: briefOf(returned).revision,
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    // A stale save changes nothing.
    expect(
      (await A('PATCH', `/api/v1/briefs/${draft.id}`, { body: 'old', revision: briefOf(returned).revision }))
        .status,
    ).toBe(409);
    expect((await A('POST', `/api/v1/briefs/${draft.id}/submit`, { comment: 'تمت الإضافة' })).status).toBe(
      200,
    );
    const approved = await B('POST', `/api/v1/briefs/${draft.id}/approve`, { comment: 'موافق' });
    expect(briefOf(approved)).toMatchObject({ status: 'approved', reviewer: { name: 'analyst.b' } });
    const published = briefOf(await A('POST', `/api/v1/briefs/${draft.id}/publish`, {}));
    expect(published).toMatchObject({ status: 'published', version: 1, body: 'المصادر: تقارير المراكز' });

    const reply = (await A('GET', `/api/v1/briefs/${draft.id}`)).body as BriefReply;
    expect(reply.thread.map((e) => [e.kind, e.body])).toEqual([
      ['submitted', ''],
      ['returned', 'أضف المصادر'],
      ['submitted', 'تمت الإضافة'],
      ['approved', 'موافق'],
      ['published', ''],
    ]);
    // Readers get the brief, never the review thread.
    const read = (await as['officer.west']!('GET', `/api/v1/briefs/${draft.id}`)).body as BriefReply;
    expect(read.brief.status).toBe('published');
    expect(read.thread).toEqual([]);
    // Every step is audited.
    const actions = await selectRows<{ action: string }>(
      t.database,
      sql`select action from audit_log where target_id = ${draft.id} and outcome = 'ok' order by seq`,
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'brief.create',
        'brief.submit',
        'brief.return',
        'brief.edit',
        'brief.approve',
        'brief.publish',
        'brief.read',
      ]),
    );
    const refused = await selectRows<{ action: string }>(
      t.database,
      sql`select action from audit_log where target_id = ${draft.id} and outcome = 'refused'`,
    );
    expect(refused.map((r) => r.action)).toContain('brief.approve');
  });

  test('versions: every published version kept and readable; a new one supersedes it; the database keeps them unchanged', async () => {
    const A = as['analyst']!;
    const B = as['analyst.b']!;
    const v1 = await publishBrief(A, B, briefInput({ title: 'الإصدار الأول', tlp: 'GREEN' }));
    const pdf = makePdf('v1');
    const v2draft = await A('POST', `/api/v1/briefs/${v1.id}/versions`, {});
    expect(v2draft.status).toBe(201);
    expect(briefOf(v2draft)).toMatchObject({
      id: v1.id,
      version: 2,
      status: 'draft',
      title: 'الإصدار الأول',
    });
    // One version in the works at a time.
    expect((await A('POST', `/api/v1/briefs/${v1.id}/versions`, {})).status).toBe(409);
    expect((await upload(t.url, tokens['analyst']!, v1.id, pdf)).status).toBe(201);
    await A('PATCH', `/api/v1/briefs/${v1.id}`, { title: 'الإصدار الثاني' });
    // Readers still read version 1 while version 2 is in the works.
    const during = (await as['officer.east']!('GET', `/api/v1/briefs/${v1.id}`)).body as BriefReply;
    expect(during.brief).toMatchObject({ version: 1, title: 'الإصدار الأول' });
    expect(during.versions.map((v) => v.version)).toEqual([1]);
    const v2 = await publishOpenVersion(A, B, v1.id);
    expect(v2).toMatchObject({ id: v1.id, version: 2, status: 'published', title: 'الإصدار الثاني' });

    const latest = (await as['officer.east']!('GET', `/api/v1/briefs/${v1.id}`)).body as BriefReply;
    expect(latest.brief.version).toBe(2);
    expect(latest.versions).toEqual([
      { version: 1, status: 'superseded', publishedAt: v1.publishedAt },
      { version: 2, status: 'published', publishedAt: v2.publishedAt },
    ]);
    const old = (await as['officer.east']!('GET', `/api/v1/briefs/${v1.id}?version=1`)).body as BriefReply;
    expect(old.brief).toMatchObject({ version: 1, status: 'superseded', title: 'الإصدار الأول' });
    expect(old.brief.supersededAt).not.toBeNull();
    expect((await as['officer.east']!('GET', `/api/v1/briefs/${v1.id}?version=9`)).status).toBe(404);
    // A third version starts with version 2's attachment.
    const v3 = briefOf(await A('POST', `/api/v1/briefs/${v1.id}/versions`, {}));
    expect(v3.attachments.map((a) => a.sha256)).toEqual([sha256(pdf)]);

    // Even the owner cannot change or delete a published version.
    const [row] = await selectRows<{ id: string }>(
      t.database,
      sql`select id from briefs where series_id = ${v1.id} and version = 2`,
    );
    expect(
      await queryError(database.db.execute(sql`update briefs set title = 'forged' where id = ${row!.id}`)),
    ).toMatch(/never changes/);
    expect(await queryError(database.db.execute(sql`delete from briefs where id = ${row!.id}`))).toMatch(
      /are kept/,
    );
  });

  test('search: Arabic and English, folded, ranked, with snippets; nothing found or counted beyond what the caller may read', async () => {
    await searchCases(as);
  });

  test('alerts are searchable the same way, within what the caller may read', async () => {
    const raise = (who: string, title: string, tlp: string, recipients: string[]) =>
      as[who]!('POST', '/api/v1/alerts', {
        category: 'smuggling',
        severity: 'high',
        title,
        location: { lat: 25, lng: 15 },
        tlp,
        recipients,
      });
    const green = (
      (await raise('officer.east', 'رصد عمليات التَّهريب قرب الكفرة', 'GREEN', [])).body as { alert: Alert }
    ).alert;
    const red = (
      (await raise('officer.east', 'شبكة والتهريب السرية', 'RED', ['WEST'])).body as { alert: Alert }
    ).alert;
    await raise('officer.east', 'Fuel convoy seen', 'GREEN', []);
    const find = async (who: string, q: string) =>
      (
        (await as[who]!('GET', `/api/v1/alerts?q=${encodeURIComponent(q)}`)).body as { alerts: Alert[] }
      ).alerts.map((a) => a.id);
    expect(await find('officer.west', 'تهريب')).toEqual(expect.arrayContaining([green.id, red.id]));
    expect(await find('officer.south', 'تهريب')).toContain(green.id);
    expect(await find('officer.south', 'تهريب')).not.toContain(red.id);
    expect(await find('officer.south', 'convoys')).toHaveLength(1);
    expect(await find('admin', 'تهريب')).toEqual([]);
  });

  test('attachments: PDF by content only, hashed, size cut while streaming, names checked, nothing stored on refusal', async () => {
    const A = as['analyst']!;
    const token = tokens['analyst']!;
    const brief = briefOf(await A('POST', '/api/v1/briefs', briefInput({ title: 'مرفقات' })));
    const pdf = makePdf('مرفق');
    const before = await count('brief_attachments');

    // A renamed executable (MZ header), declared as a PDF.
    const exe = Buffer.concat([
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'),
      Buffer.alloc(4096, 1),
    ]);
    const renamed = await upload(t.url, token, brief.id, exe, 'report.pdf', 'application/pdf');
    expect(renamed.status).toBe(415);
    expect(renamed.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
    // A PDF header with no trailer.
    const headerOnly = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1');
    expect((await upload(t.url, token, brief.id, headerOnly)).status).toBe(415);
    // A trailer pointing outside the file.
    const lying = Buffer.from('%PDF-1.7\nstartxref\n999999\n%%EOF\n', 'latin1');
    expect((await upload(t.url, token, brief.id, lying)).status).toBe(415);
    // A path in the file name.
    const pathName = await upload(t.url, token, brief.id, pdf, '../../etc/passwd.pdf');
    expect(pathName.status).toBe(400);
    expect(pathName.body).toMatchObject({
      error: { message: 'the file name must be a plain name, not a path' },
    });
    expect((await upload(t.url, token, brief.id, pdf, 'C:\\Users\\x\\a.pdf')).status).toBe(400);
    // The wrong field, and no file at all.
    expect((await upload(t.url, token, brief.id, pdf, 'a.pdf', 'application/pdf', 'document')).status).toBe(
      400,
    );
    // One byte over the limit (1 MB here), and exactly at it.
    const over = makePdf('over', MB + 1);
    expect(over.length).toBe(MB + 1);
    const tooBig = await upload(t.url, token, brief.id, over);
    expect(tooBig.status).toBe(413);
    // Not an analyst: refused before the file is read.
    expect((await upload(t.url, tokens['officer.east']!, brief.id, pdf)).status).toBe(403);
    expect(await count('brief_attachments')).toBe(before);

    const atLimit = makePdf('limit', MB);
    const ok = await upload(t.url, token, brief.id, atLimit, 'تقرير الحدود.pdf');
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const stored = briefOf(ok).attachments[0]!;
    expect(stored).toMatchObject({ fileName: 'تقرير الحدود.pdf', size: MB, sha256: sha256(atLimit) });
    expect(await count('brief_attachments')).toBe(before + 1);
  });

  test('a 1 GB upload is cut at the limit while it streams: answered 413, memory stays flat', async () => {
    const brief = briefOf(await as['analyst']!('POST', '/api/v1/briefs', briefInput({ title: 'كبير' })));
    const before = await count('brief_attachments');
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let sent = 0;
    let peak = rssBefore;
    const { port } = new URL(t.url);
    const boundary = 'tansiqboundary';
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/briefs/${brief.id}/attachments`,
        headers: {
          authorization: `Bearer ${tokens['analyst']}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'transfer-encoding': 'chunked',
        },
      });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => (answered ? undefined : reject(err)));
      const chunk = Buffer.alloc(MB, 0x25);
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
      );
      const pump = () => {
        while (!answered && sent < 1024 * MB) {
          sent += chunk.length;
          peak = Math.max(peak, process.memoryUsage().rss);
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    expect(status).toBe(413);
    // The hub answered long before the gigabyte was sent, and held no more than the limit.
    expect(sent).toBeLessThan(256 * MB);
    expect(peak - rssBefore).toBeLessThan(200 * MB);
    expect(await count('brief_attachments')).toBe(before);
    // The hub still serves.
    expect((await as['analyst']!('GET', `/api/v1/briefs/${brief.id}`)).status).toBe(200);
  });

  test('downloads: only to readers of that version, as an attachment that cannot run; every read and download audited', async () => {
    const A = as['analyst']!;
    const B = as['analyst.b']!;
    const created = briefOf(
      await A('POST', '/api/v1/briefs', briefInput({ title: 'سري للشرق', tlp: 'RED', recipients: ['EAST'] })),
    );
    const pdf = makePdf('red');
    const att = briefOf(await upload(t.url, tokens['analyst']!, created.id, pdf, 'east only.pdf'))
      .attachments[0]!;
    await publishOpenVersion(A, B, created.id);
    const path = `/api/v1/briefs/${created.id}/attachments/${att.id}`;
    const get = (who: string) =>
      fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });

    const east = await get('officer.east');
    expect(east.status).toBe(200);
    expect(east.headers.get('content-type')).toBe('application/pdf');
    expect(east.headers.get('content-disposition')).toBe(
      `attachment; filename="east only.pdf"; filename*=UTF-8''east%20only.pdf`,
    );
    expect(east.headers.get('x-content-type-options')).toBe('nosniff');
    expect(east.headers.get('content-security-policy')).toBe('sandbox');
    expect(sha256(Buffer.from(await east.arrayBuffer()))).toBe(sha256(pdf));
    // Another centre, a coordinator (RED), a board and an admin get nothing.
    for (const who of ['officer.south', 'officer.west', 'coordinator'])
      expect((await get(who)).status, who).toBe(404);
    for (const who of ['board', 'admin']) expect((await get(who)).status, who).toBe(403);
    expect((await as['officer.south']!('GET', `/api/v1/briefs/${created.id}`)).status).toBe(404);

    await as['officer.east']!('GET', `/api/v1/briefs/${created.id}`);
    const audit = await selectRows<{ action: string; username: string; details: Record<string, unknown> }>(
      t.database,
      sql`select action, actor_username as username, details from audit_log
          where target_id = ${created.id} and action in ('brief.read', 'brief.download') and outcome = 'ok' order by seq`,
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        {
          action: 'brief.download',
          username: 'officer.east',
          details: { version: 1, attachmentId: att.id, sha256: sha256(pdf) },
        },
        { action: 'brief.read', username: 'officer.east', details: { version: 1 } },
      ]),
    );
  });

  test('live: brief:published reaches exactly who may read it; the board gets the title of a CLEAR brief only', async () => {
    const A = as['analyst']!;
    const B = as['analyst.b']!;
    const since = Object.fromEntries(Object.entries(live).map(([u, c]) => [u, c.lastApplied]));
    const clear = await publishBrief(
      A,
      B,
      briefInput({ title: 'موجز عام', summary: 'ملخص عام', tlp: 'CLEAR' }),
    );
    const amber = await publishBrief(
      A,
      B,
      briefInput({ title: 'موجز للغرب', tlp: 'AMBER', recipients: ['WEST'] }),
    );
    const published = (u: string) =>
      live[u]!.applied.filter((e) => e.seq > since[u]! && e.type === 'brief:published') as HubEvent[];
    await live['officer.west']!.until(
      (ev) => ev.filter((e) => e.type === 'brief:published' && e.seq > since['officer.west']!).length >= 2,
    );
    await live['coordinator']!.until(
      (ev) => ev.filter((e) => e.type === 'brief:published' && e.seq > since['coordinator']!).length >= 2,
    );
    await live['board']!.until((ev) =>
      ev.some((e) => e.type === 'brief:published' && e.seq > since['board']!),
    );
    await live['officer.south']!.until((ev) =>
      ev.some((e) => e.type === 'brief:published' && e.seq > since['officer.south']!),
    );
    const idsOf = (u: string) => published(u).map((e) => (e.data as { brief: BriefListItem }).brief.id);
    expect(idsOf('officer.west')).toEqual([clear.id, amber.id]);
    expect(idsOf('coordinator')).toEqual([clear.id, amber.id]);
    // SOUTH is not a recipient of the AMBER brief; the board reads CLEAR titles only.
    expect(idsOf('officer.south')).toEqual([clear.id]);
    expect(published('board').map((e) => e.data)).toEqual([
      {
        brief: { id: clear.id, version: 1, title: 'موجز عام', tlp: 'CLEAR', publishedAt: clear.publishedAt },
      },
    ]);
    // The board lists titles, never opens a brief.
    const list = (await as['board']!('GET', '/api/v1/briefs')).body as { briefs: object[] };
    expect(list.briefs).toContainEqual({
      id: clear.id,
      version: 1,
      title: 'موجز عام',
      tlp: 'CLEAR',
      publishedAt: clear.publishedAt,
    });
    expect(JSON.stringify(list)).not.toContain('ملخص');
    expect((await as['board']!('GET', `/api/v1/briefs/${clear.id}`)).status).toBe(403);
    expect((await as['admin']!('GET', '/api/v1/briefs')).status).toBe(403);
  });

  test('cited alerts both ways, as far as the reader may read them', async () => {
    const A = as['analyst']!;
    const B = as['analyst.b']!;
    const raise = async (tlp: string, recipients: string[]) =>
      (
        (
          await as['officer.east']!('POST', '/api/v1/alerts', {
            category: 'trafficking',
            severity: 'medium',
            title: `cited ${tlp}`,
            location: { lat: 24, lng: 23 },
            tlp,
            recipients,
          })
        ).body as { alert: Alert }
      ).alert;
    const green = await raise('GREEN', []);
    const red = await raise('RED', ['STUDIES']);
    expect(
      (
        await A(
          'POST',
          '/api/v1/briefs',
          briefInput({ citedAlerts: ['00000000-0000-4000-8000-000000000000'] }),
        )
      ).status,
    ).toBe(400);
    const created = briefOf(
      await A(
        'POST',
        '/api/v1/briefs',
        briefInput({ title: 'يستشهد بالبلاغات', citedAlerts: [green.id, red.id] }),
      ),
    );
    const citedBy = async (who: string, alertId: string) =>
      ((await as[who]!('GET', `/api/v1/alerts/${alertId}`)).body as { briefs: Brief[] }).briefs.map(
        (b) => b.id,
      );
    // A draft cites nothing a reader can see; the analysts see it.
    expect(await citedBy('officer.west', green.id)).toEqual([]);
    expect(await citedBy('analyst', green.id)).toEqual([created.id]);
    await publishOpenVersion(A, B, created.id);
    expect(await citedBy('officer.west', green.id)).toEqual([created.id]);
    expect(await citedBy('officer.east', red.id)).toEqual([created.id]);
    // The brief names only the cited alerts its reader may open.
    const west = (await as['officer.west']!('GET', `/api/v1/briefs/${created.id}`)).body as BriefReply;
    expect(west.alerts.map((a) => a.id)).toEqual([green.id]);
    const east = (await as['officer.east']!('GET', `/api/v1/briefs/${created.id}`)).body as BriefReply;
    expect(east.alerts.map((a) => a.id).sort()).toEqual([green.id, red.id].sort());
  });

  test('bad input is refused with a clear error and changes nothing', async () => {
    const A = as['analyst']!;
    const before = await count('briefs');
    const bad = [
      briefInput({ tags: ['threat:unicorns'] }),
      briefInput({ recipients: ['STUDIES'] }),
      briefInput({ recipients: ['MARS'] }),
      { ...briefInput(), tlp: 'PURPLE' },
      { ...briefInput(), language: 'fr' },
      { ...briefInput(), title: '' },
      { ...briefInput(), extra: 1 },
    ];
    for (const body of bad) {
      const res = await A('POST', '/api/v1/briefs', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({
        error: { code: expect.stringMatching(/bad_request|validation_failed/) },
      });
    }
    expect((await A('GET', '/api/v1/briefs?limit=0')).status).toBe(400);
    expect((await A('GET', '/api/v1/briefs/not-a-uuid')).status).toBe(400);
    expect(await count('briefs')).toBe(before);
  });
});
