import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { auditListSchema, auditVerificationSchema, type AuditRecord } from '@tansiq/shared';
import { openPglite, schema, verifyAudit } from '@tansiq/hub-server';
import { startTestHub, type TestHub } from '../helpers/hub.ts';
import { queryError } from '../helpers/db.ts';
import { cli } from '../helpers/cli.ts';
import { api, login, seedUsers, TEST_PASSWORD } from '../helpers/users.ts';

describe('audit log', () => {
  let t: TestHub;
  let records: AuditRecord[];
  beforeAll(async () => {
    t = await startTestHub();
    await seedUsers(t.database);
    await api(t.url)('POST', '/api/v1/auth/login', {
      username: 'officer.east',
      password: 'not-the-password',
    });
    await api(t.url)('POST', '/api/v1/auth/login', { username: 'ghost', password: 'not-the-password' });
    const officer = await login(t.url, 'officer.east');
    await api(t.url, officer.accessToken)('GET', '/api/v1/users');
    const admin = api(t.url, (await login(t.url, 'admin')).accessToken);
    await admin('POST', '/api/v1/users', {
      username: 'new.analyst',
      displayName: 'x',
      role: 'analyst',
      centre: 'STUDIES',
      password: TEST_PASSWORD,
    });
    const res = await admin('GET', '/api/v1/audit?limit=50');
    records = auditListSchema.parse(res.body).records;
  });
  afterAll(() => t.close());

  const find = (action: string, outcome: string) =>
    records.find((r) => r.action === action && r.outcome === outcome);

  test('records failed logins (known and unknown users) with source and time, newest first', () => {
    const failures = records.filter((r) => r.action === 'auth.login' && r.outcome === 'failed');
    expect(failures.map((r) => r.actorUsername).sort()).toEqual(['ghost', 'officer.east']);
    for (const r of failures) {
      expect(r.source).toMatch(/127\.0\.0\.1/);
      expect(new Date(r.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((a, b) => b - a));
  });

  test('records a successful login with actor, role and centre', () => {
    const officerLogin = records.find(
      (r) => r.action === 'auth.login' && r.outcome === 'ok' && r.actorUsername === 'officer.east',
    );
    expect(officerLogin).toMatchObject({
      actorUsername: 'officer.east',
      role: 'officer',
      centre: 'EAST',
      targetType: 'session',
    });
  });

  test('records a refusal', () => {
    expect(find('user.list', 'refused')).toMatchObject({
      actorUsername: 'officer.east',
      role: 'officer',
      centre: 'EAST',
    });
  });

  test('records a write with its target', () => {
    expect(find('user.create', 'ok')).toMatchObject({
      actorUsername: 'admin',
      role: 'admin',
      targetType: 'user',
      details: { username: 'new.analyst' },
    });
  });

  test('the database rejects UPDATE, DELETE and TRUNCATE of the log', async () => {
    for (const statement of [
      sql`update audit_log set action = 'x'`,
      sql`delete from audit_log`,
      sql`truncate audit_log`,
    ]) {
      expect(await queryError(t.database.db.execute(statement))).toMatch(/append-only/);
    }
    expect((await verifyAudit(t.database.db)).ok).toBe(true);
  });

  test('the chain verifies untouched, and names the row that was edited', async () => {
    const intact = await verifyAudit(t.database.db);
    expect(intact).toEqual({ ok: true, rows: await t.database.db.$count(schema.auditLog) });
    // The administrator's screen asks the hub the same.
    const admin = api(t.url, (await login(t.url, 'admin')).accessToken);
    const viaApi = auditVerificationSchema.parse((await admin('GET', '/api/v1/audit/verify')).body);
    expect(viaApi.verification).toMatchObject({ ok: true });
    // A superuser who switches the triggers off can edit a row; the chain still shows it.
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update audit_log set actor_username = 'someone-else' where seq = 3`);
    });
    expect(await verifyAudit(t.database.db)).toMatchObject({ ok: false, seq: 3, rows: 2 });
    expect((await admin('GET', '/api/v1/audit/verify')).body).toMatchObject({
      verification: { ok: false, seq: 3, reason: 'content does not match its hash' },
    });
  });
});

/** Each CLI run starts Node, tsx and PGlite: seconds apiece, many more on a loaded 2-core machine. */
const CLI_TIMEOUT_MS = 180_000;

describe('pnpm cli: user add and audit verify', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tansiq-cli-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  test(
    'user add reads the password from stdin; bad input exits 2 and creates nothing',
    async () => {
      const env = { TANSIQ_DATA_DIR: dataDir };
      const ok = await cli(
        ['user', 'add', '--username', 'amal', '--role', 'supervisor', '--centre', 'SOUTH'],
        env,
        'a-long-enough-password\n',
      );
      expect(ok).toMatchObject({ code: 0, out: expect.stringContaining('created amal (supervisor, SOUTH)') });
      const bad = await cli(
        ['user', 'add', '--username', 'omar', '--role', 'officer', '--centre', 'STUDIES'],
        env,
        'a-long-enough-password\n',
      );
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/joint centre/);
      const short = await cli(
        ['user', 'add', '--username', 'omar', '--role', 'officer', '--centre', 'EAST'],
        env,
        'short\n',
      );
      expect(short.code).toBe(2);
      expect(short.out).toMatch(/password/);
      const verified = await cli(['audit', 'verify'], env);
      expect(verified).toMatchObject({
        code: 0,
        out: expect.stringContaining('audit log intact: 1 rows verified'),
      });
    },
    CLI_TIMEOUT_MS,
  );

  test(
    'audit verify names the row after one is edited directly in the database',
    async () => {
      const database = await openPglite({ dataDir });
      await database.db.execute(sql`set session_replication_role = replica`);
      await database.db.execute(sql`update audit_log set details = '{"username":"forged"}' where seq = 1`);
      await database.close();
      const broken = await cli(['audit', 'verify'], { TANSIQ_DATA_DIR: dataDir });
      expect(broken.code).toBe(1);
      expect(broken.out).toContain('audit log BROKEN at row 1');
    },
    CLI_TIMEOUT_MS,
  );
});
