import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm';
import { createLogger } from '@tansiq/hub-server';

/** A logger at level info whose lines are kept in memory. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

test('tokens, passwords, authorization and cookie never reach a log line', () => {
  const { lines, logger } = capturedLogger();
  logger.info(
    {
      password: 'hunter2',
      body: { password: 'p@ss', refreshToken: 'rt-secret', accessToken: 'at-secret', token: 'tok-secret' },
      req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'sid=cookie-secret', host: 'hub' } },
    },
    'login',
  );
  const out = lines.join('');
  for (const secret of [
    'hunter2',
    'p@ss',
    'rt-secret',
    'at-secret',
    'tok-secret',
    'eyJsecret',
    'cookie-secret',
  ]) {
    expect(out).not.toContain(secret);
  }
  expect(out).toContain('[redacted]');
  expect(JSON.parse(out)).toMatchObject({ msg: 'login', req: { headers: { host: 'hub' } } });
});

test('a failed query is logged by its code and message: never its parameters (a password hash) or its client', async () => {
  const { lines, logger } = capturedLogger();
  const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
  const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
    code: '22021',
    severity: 'ERROR',
    client: { _connectionCallback: true, password: 'db-password' },
  });
  const failed = new DrizzleQueryError('insert into users (password_hash) values ($1)', [hash], cause);
  logger.error({ err: failed }, 'unexpected error');
  const out = lines.join('');
  expect(out).not.toContain(hash);
  expect(out).not.toContain('db-password');
  expect(out).not.toContain('_connectionCallback');
  expect(JSON.parse(out)).toMatchObject({
    err: { code: '22021', message: expect.stringContaining('invalid byte sequence') },
  });
});
