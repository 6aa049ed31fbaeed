import { Router } from 'express';
import {
  actionDoneSchema,
  actionListQuerySchema,
  createActionSchema,
  createMeetingSchema,
  decisionInputSchema,
  meetingIdSchema,
  meetingListQuerySchema,
  patchActionSchema,
  patchMeetingSchema,
} from '@tansiq/shared';
import { parseInput } from '../http/errors.ts';
import { authOf, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { MeetingsService } from './meetings.service.ts';

export function meetingsRoutes(auth: AuthService, meetings: MeetingsService): Router {
  const router = Router();
  router.use('/api/v1/meetings', requireAuth(auth));
  router.use('/api/v1/actions', requireAuth(auth));
  const source = (req: Parameters<typeof requestContext>[0]) => requestContext(req).source;

  router.get('/api/v1/meetings', async (req, res) => {
    const query = parseInput(meetingListQuerySchema, req.query);
    res.json({ meetings: await meetings.list(authOf(req), query, source(req)) });
  });

  router.post('/api/v1/meetings', async (req, res) => {
    const input = parseInput(createMeetingSchema, req.body);
    res.status(201).json({ meeting: await meetings.create(authOf(req), input, source(req)) });
  });

  // Before /:id, which would take "suggestions" for an id.
  router.get('/api/v1/meetings/suggestions', async (req, res) => {
    res.json({ suggestions: await meetings.suggestions(authOf(req), source(req)) });
  });

  router.get('/api/v1/meetings/:id', async (req, res) => {
    const { id } = parseInput(meetingIdSchema, req.params);
    res.json(await meetings.get(authOf(req), id, source(req)));
  });

  router.patch('/api/v1/meetings/:id', async (req, res) => {
    const { id } = parseInput(meetingIdSchema, req.params);
    const patch = parseInput(patchMeetingSchema, req.body);
    res.json({ meeting: await meetings.update(authOf(req), id, patch, source(req)) });
  });

  router.post('/api/v1/meetings/:id/decisions', async (req, res) => {
    const { id } = parseInput(meetingIdSchema, req.params);
    const { text } = parseInput(decisionInputSchema, req.body);
    res.status(201).json({ decision: await meetings.addDecision(authOf(req), id, text, source(req)) });
  });

  router.post('/api/v1/meetings/:id/actions', async (req, res) => {
    const { id } = parseInput(meetingIdSchema, req.params);
    const input = parseInput(createActionSchema, req.body);
    res.status(201).json({ action: await meetings.addAction(authOf(req), id, input, source(req)) });
  });

  router.get('/api/v1/actions', async (req, res) => {
    const query = parseInput(actionListQuerySchema, req.query);
    res.json({ actions: await meetings.listActions(authOf(req), query, source(req)) });
  });

  router.patch('/api/v1/actions/:id', async (req, res) => {
    const { id } = parseInput(meetingIdSchema, req.params);
    const patch = parseInput(patchActionSchema, req.body);
    res.json({ action: await meetings.updateAction(authOf(req), id, patch, source(req)) });
  });

  router.post('/api/v1/actions/:id/done', async (req, res) => {
    const { id } = parseInput(meetingIdSchema, req.params);
    const { note } = parseInput(actionDoneSchema, req.body);
    res.json({ action: await meetings.markDone(authOf(req), id, note, source(req)) });
  });

  return router;
}
