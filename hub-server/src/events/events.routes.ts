import { Router } from 'express';
import { eventsQuerySchema } from '@tansiq/shared';
import type { Database } from '../db/database.ts';
import { parseInput } from '../http/errors.ts';
import { authOf, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { readEventsFor, type SkippedEvent } from './events.service.ts';

/** `GET /api/v1/events?after=N`: what `resume` gives, over REST. */
export function eventsRoutes(database: Database, auth: AuthService, skipped: SkippedEvent): Router {
  const router = Router();
  router.get('/api/v1/events', requireAuth(auth), async (req, res) => {
    const { after, limit } = parseInput(eventsQuerySchema, req.query);
    const page = await readEventsFor(database, authOf(req).principal, after, limit, undefined, skipped);
    res.json({ events: page.events, head: page.last ?? after, more: page.full });
  });
  return router;
}
