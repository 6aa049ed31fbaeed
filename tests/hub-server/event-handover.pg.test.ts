import { afterAll, beforeAll, describe } from 'vitest';
import type { Database } from '@tansiq/hub-server';
import { createServerDatabase, openServer, type ServerDatabase } from '../helpers/db.ts';
import { eventHandoverTests, twoWriterHandoverTest } from '../helpers/event-handover.ts';

describe('the writer hands over its own events, on the PostgreSQL server', () => {
  let server: ServerDatabase;
  let database: Database;
  let other: Database;
  beforeAll(async () => {
    server = await createServerDatabase();
    database = await openServer(server);
    other = await openServer(server);
  });
  afterAll(async () => {
    await other?.close();
    await database?.close();
    await server?.drop();
  });
  eventHandoverTests(async () => ({ database }), { notificationAfterHandOver: false, appRole: null });
  twoWriterHandoverTest(async () => ({ database, other }));
});
