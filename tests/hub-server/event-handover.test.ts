import { afterAll, beforeAll, describe } from 'vitest';
import type { EmbeddedDatabase } from '@tansiq/hub-server';
import { openTestPglite } from '../helpers/db.ts';
import { eventHandoverTests } from '../helpers/event-handover.ts';

describe('the writer hands over its own events, on PGlite', () => {
  let database: EmbeddedDatabase;
  beforeAll(async () => {
    database = await openTestPglite();
  });
  afterAll(() => database.close());
  eventHandoverTests(async () => ({ database }), { notificationAfterHandOver: true, appRole: 'tansiq_app' });
});
