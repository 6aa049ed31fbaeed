import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { login, seedUsers } from '../helpers/users.ts';

/** Every REST route, with `:id` filled in by the generator, and the valid body its fuzzing starts from. */
const ROUTES: Array<[string, string, string?]> = [
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users', 'user'],
  ['PATCH', '/api/v1/users/:id', 'userPatch'],
  ['POST', '/api/v1/users/:id/password', 'password'],
  ['POST', '/api/v1/auth/login', 'login'],
  ['POST', '/api/v1/auth/refresh'],
  ['POST', '/api/v1/auth/logout'],
  ['GET', '/api/v1/auth/me'],
  ['GET', '/api/v1/centres'],
  ['GET', '/api/v1/audit'],
  ['GET', '/api/v1/audit/verify'],
  ['GET', '/api/v1/events'],
  ['GET', '/api/v1/config'],
  ['GET', '/api/v1/border/impact'],
  ['POST', '/api/v1/alerts', 'alert'],
  ['GET', '/api/v1/alerts'],
  ['GET', '/api/v1/alerts/snapshot'],
  ['GET', '/api/v1/alerts/:id'],
  ['POST', '/api/v1/alerts/:id/ack'],
  ['POST', '/api/v1/alerts/:id/updates', 'note'],
  ['POST', '/api/v1/alerts/:id/resolve', 'resolve'],
  ['POST', '/api/v1/alerts/:id/reopen'],
  ['POST', '/api/v1/alerts/:id/escalate', 'escalate'],
  ['GET', '/api/v1/handovers'],
  ['GET', '/api/v1/handovers/shifts'],
  ['POST', '/api/v1/handovers'],
  ['GET', '/api/v1/handovers/:id'],
  ['PATCH', '/api/v1/handovers/:id', 'handoverPatch'],
  ['POST', '/api/v1/handovers/:id/submit', 'submit'],
  ['POST', '/api/v1/handovers/:id/return', 'giveBack'],
  ['POST', '/api/v1/handovers/:id/accept'],
  ['POST', '/api/v1/handovers/:id/addenda', 'note'],
  ['GET', '/api/v1/trends'],
  ['GET', '/api/v1/trends/export.csv'],
  ['GET', '/api/v1/trends/export.json'],
  ['GET', '/api/v1/alerts/export.csv'],
  ['GET', '/api/v1/alerts/export.json'],
  ['GET', '/api/v1/briefs'],
  ['POST', '/api/v1/briefs', 'brief'],
  ['GET', '/api/v1/briefs/:id'],
  ['PATCH', '/api/v1/briefs/:id', 'briefPatch'],
  ['POST', '/api/v1/briefs/:id/submit', 'comment'],
  ['POST', '/api/v1/briefs/:id/approve', 'comment'],
  ['POST', '/api/v1/briefs/:id/return', 'comment'],
  ['POST', '/api/v1/briefs/:id/publish'],
  ['POST', '/api/v1/briefs/:id/versions'],
  ['POST', '/api/v1/briefs/:id/attachments'],
  ['GET', '/api/v1/briefs/:id/attachments/:id'],
  ['DELETE', '/api/v1/briefs/:id/attachments/:id'],
  ['GET', '/api/v1/board'],
  ['GET', '/api/v1/board/performance'],
  ['POST', '/api/v1/board/pairings'],
  ['POST', '/api/v1/board/pairings/:id/claim', 'claim'],
  ['GET', '/api/v1/board-devices'],
  ['POST', '/api/v1/board-devices', 'device'],
  ['POST', '/api/v1/board-devices/:id/revoke'],
  ['GET', '/api/v1/meetings'],
  ['POST', '/api/v1/meetings', 'meeting'],
  ['GET', '/api/v1/meetings/suggestions'],
  ['GET', '/api/v1/meetings/:id'],
  ['PATCH', '/api/v1/meetings/:id', 'meetingPatch'],
  ['POST', '/api/v1/meetings/:id/decisions', 'decision'],
  ['POST', '/api/v1/meetings/:id/actions', 'action'],
  ['GET', '/api/v1/actions'],
  ['PATCH', '/api/v1/actions/:id', 'actionPatch'],
  ['POST', '/api/v1/actions/:id/done', 'done'],
];

/** The strings that broke the hub before: NUL, year 0, huge numbers, overlong UTF-8, prototype keys. */
const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '0000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1e309',
  '-1',
  '%c0%ae',
  '\uD800',
  '__proto__',
  'constructor',
  "'; drop table alerts; --",
  '<script>alert(1)</script>',
  'x'.repeat(5000),
];
const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string(), fc.string({ unit: 'binary' }));
const FIELDS = [
  'username',
  'password',
  'displayName',
  'role',
  'centre',
  'disabled',
  'refreshToken',
  'category',
  'severity',
  'title',
  'description',
  'location',
  'crossing',
  'sector',
  'observedAt',
  'tlp',
  'recipients',
  'id',
  'body',
  'outcome',
  'note',
  'content',
  'revision',
  'answer',
  'question',
  'summary',
  'language',
  'tags',
  'citedAlerts',
  'comment',
  'startsAt',
  'place',
  'centres',
  'agenda',
  'onWall',
  'status',
  'text',
  'dueAt',
  'secret',
  'code',
  'name',
  '__proto__',
];
const value = fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 }));
/** Valid bodies of the routes that write: one field at a time is replaced by a hostile value. */
const VALID: Record<string, Record<string, unknown>> = {
  alert: {
    category: 'other',
    severity: 'low',
    title: 'fuzz',
    description: 'd',
    location: { lat: 30, lng: 20 },
    observedAt: '2026-11-30T10:00:00Z',
    tlp: 'GREEN',
    recipients: ['WEST'],
  },
  note: { body: 'note' },
  resolve: { outcome: 'resolved', note: 'n' },
  escalate: { note: 'n' },
  user: {
    username: 'fuzz.user',
    displayName: 'Fuzz',
    role: 'officer',
    centre: 'EAST',
    password: 'a long enough password',
  },
  userPatch: { displayName: 'Fuzz' },
  password: { password: 'a long enough password' },
  login: { username: 'officer.east', password: 'wrong password' },
  handoverPatch: {
    content: {
      events: [{ id: '6f1c0c9e-5b7a-4a55-9a43-0f6d7c1b2a11', text: 'e', flagged: true }],
      resources: [
        {
          id: '6f1c0c9e-5b7a-4a55-9a43-0f6d7c1b2a12',
          name: 'r',
          state: 'degraded',
          note: '',
          flagged: false,
        },
      ],
      tasks: [{ id: '6f1c0c9e-5b7a-4a55-9a43-0f6d7c1b2a13', text: 't', flagged: false }],
      notes: 'n',
      cleared: [],
    },
    revision: 1,
  },
  submit: { answer: 'a' },
  giveBack: { question: 'q' },
  brief: {
    title: 'fuzz',
    summary: 's',
    body: '# b',
    language: 'ar',
    tags: ['threat:smuggling', 'free'],
    tlp: 'GREEN',
    recipients: ['WEST'],
    citedAlerts: [],
  },
  briefPatch: { title: 'fuzz', tags: ['region:south'], revision: 1 },
  comment: { comment: 'c' },
  claim: { secret: 's' },
  device: { name: 'wall', code: '12345678' },
  meeting: {
    title: 'fuzz',
    startsAt: '2026-12-20T09:00:00Z',
    place: 'p',
    centres: ['EAST', 'SOUTH'],
    tlp: 'GREEN',
    agenda: [{ text: 'a', source: { kind: 'sector', ref: 'NER' } }],
  },
  meetingPatch: { title: 'fuzz', status: 'in_progress', onWall: true, agenda: [{ text: 'b' }] },
  decision: { text: 'd' },
  action: { title: 'a', centre: 'EAST', dueAt: '2099-01-01T00:00:00Z' },
  actionPatch: { title: 'a', dueAt: '2099-01-02T00:00:00Z' },
  done: { note: 'n' },
};
/** Mostly the known-hostile strings: a random one rarely reaches the database through a schema. */
const sharp = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: value },
);
const nearValid = (valid: Record<string, unknown>) =>
  fc
    .tuple(fc.nat(Object.keys(valid).length - 1), sharp)
    .map(([k, v]) => ({ ...valid, [Object.keys(valid)[k]!]: v }));
const bodyFor = (template?: string) =>
  fc.oneof(
    ...(template ? [{ weight: 4, arbitrary: nearValid(VALID[template]!) }] : []),
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('{"a":', 'not json', '\u0000', '[]', 'null') },
  );
const QUERY_KEYS = [
  'after',
  'limit',
  'since',
  'status',
  'centre',
  'severity',
  'actor',
  'action',
  'q',
  'tag',
  'from',
  'to',
  'tlp',
  'version',
  'offset',
  'by',
  'period',
  'table',
  'category',
  'meeting',
];
const query = fc.dictionary(fc.constantFrom(...QUERY_KEYS), hostileString, { maxKeys: 4 });
/** Real ids (an alert, a user the fuzz may change) so that writes reach the database. */
const real = { alert: '', user: '', handover: '', brief: '', meeting: '', action: '' };
const idSegment = fc.oneof(
  fc.constant('alert').map(() => real.alert),
  fc.constant('user').map(() => real.user),
  fc.constant('handover').map(() => real.handover),
  fc.constant('brief').map(() => real.brief),
  fc.constant('meeting').map(() => real.meeting),
  fc.constant('action').map(() => real.action),
  fc.uuid(),
  fc.constantFrom('%c0%ae', '%00', '..', '%2e%2e%2f', '%ff', 'x'.repeat(300)),
  fc.string().map(encodeURIComponent),
);

const RUNS_PER_ROUTE = 150;

describe('REST fuzz: no input gets a 5xx', () => {
  let t: TestHub;
  let tokens: string[];
  beforeAll(async () => {
    t = await startTestHub({
      // Thousands of failed logins: no slowdown here (login-throttle.test.ts covers it).
      config: {
        TANSIQ_LOGIN_FAILURES_PER_USER: '1000',
        TANSIQ_LOGIN_FAILURES_PER_ADDRESS: '10000',
        TANSIQ_LOGIN_SLOWDOWN_MAX_MS: '0',
      },
    });
    const ids = await seedUsers(t.database);
    real.user = ids.get('board')!;
    tokens = [];
    for (const u of ['officer.east', 'supervisor.west', 'analyst', 'admin', 'coordinator'])
      tokens.push((await login(t.url, u)).accessToken);
    const raised = await send('POST', '/api/v1/alerts', VALID.alert, tokens[0]);
    real.alert = (JSON.parse(raised.text) as { alert: { id: string } }).alert.id;
    const draft = await send('POST', '/api/v1/handovers', {}, tokens[1]);
    real.handover = (JSON.parse(draft.text) as { handover: { id: string } }).handover.id;
    const brief = await send('POST', '/api/v1/briefs', VALID.brief, tokens[2]);
    real.brief = (JSON.parse(brief.text) as { brief: { id: string } }).brief.id;
    const meeting = await send('POST', '/api/v1/meetings', VALID.meeting, tokens[4]);
    real.meeting = (JSON.parse(meeting.text) as { meeting: { id: string } }).meeting.id;
    const action = await send('POST', `/api/v1/meetings/${real.meeting}/actions`, VALID.action, tokens[4]);
    real.action = (JSON.parse(action.text) as { action: { id: string } }).action.id;
  });
  afterAll(() => t?.close());

  const send = async (method: string, path: string, payload: unknown, token: string | undefined) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
      },
      ...(method === 'GET' ? {} : { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
    const text = await res.text();
    return { status: res.status, text };
  };

  test.each(ROUTES)(
    '%s %s',
    async (method, template, bodyTemplate) => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(
          bodyFor(bodyTemplate),
          query,
          idSegment,
          fc.nat(tokens.length),
          async (b, q, id, who) => {
            // (A second :id, an attachment's, gets the same segment.)
            const path = template.replaceAll(':id', id);
            const qs = new URLSearchParams(q as Record<string, string>).toString();
            // Logging out ends the session: that route gets a session of its own each time.
            const token =
              template.endsWith('/logout') && who < tokens.length
                ? (await login(t.url, 'officer.south')).accessToken
                : tokens[who];
            const res = await send(method, qs ? `${path}?${qs}` : path, b, token);
            runs++;
            // A failure names the request (fast-check shrinks it to the smallest that still fails).
            expect(res.status, `${method} ${path}?${qs} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
          },
        ),
        { numRuns: RUNS_PER_ROUTE, seed: 42 },
      );
      expect(runs).toBeGreaterThanOrEqual(RUNS_PER_ROUTE);
      // The fuzzing callers are still signed in, so later routes are fuzzed past authentication.
      for (const token of tokens)
        expect((await send('GET', '/api/v1/auth/me', undefined, token)).status).toBe(200);
    },
    120_000,
  );

  test.each([
    [
      'a NUL in an alert title',
      'POST',
      '/api/v1/alerts',
      {
        category: 'other',
        severity: 'low',
        title: 'a\u0000b',
        location: { lat: 30, lng: 20 },
        tlp: 'GREEN',
        recipients: ['WEST'],
      },
    ],
    [
      'year 0 as observedAt',
      'POST',
      '/api/v1/alerts',
      {
        category: 'other',
        severity: 'low',
        title: 't',
        location: { lat: 30, lng: 20 },
        observedAt: '0000-01-01T00:00:00Z',
        tlp: 'GREEN',
        recipients: ['WEST'],
      },
    ],
    ['a NUL in an audit filter', 'GET', '/api/v1/audit?actor=%00', undefined],
    ['year 0 in a list filter', 'GET', '/api/v1/alerts?since=0000-01-01T00:00:00Z', undefined],
    [
      'a NUL in a display name',
      'POST',
      '/api/v1/users',
      {
        username: 'nul.user',
        displayName: 'x\u0000',
        role: 'officer',
        centre: 'EAST',
        password: 'a long enough password',
      },
    ],
  ])('%s is a 400 with the error body', async (_name, method, path, payload) => {
    const token = path.includes('audit') || path.includes('users') ? tokens[3] : tokens[0];
    const res = await send(method, path, payload, token);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'validation_failed' } });
  });

  test('a body labelled gzip that is not gzip is a 4xx with the error body', async () => {
    const res = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{"username":"a","password":"b"}',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  test.each(['/%c0%ae', '/%c0%ae%c0%ae/etc/passwd', '/assets/%ff.js', '/api/v1/alerts/%c0%ae'])(
    'an overlong or broken UTF-8 sequence in the path (%s) is a 400',
    async (path) => {
      const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${tokens[0]}` } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    },
  );

  test('API answers are never cached', async () => {
    const res = await fetch(`${t.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${tokens[0]}` } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
