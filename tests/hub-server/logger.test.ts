import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from '@tansiq/hub-server';

test('tokens, passwords, authorization and cookie never reach a log line', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('info', sink);
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
