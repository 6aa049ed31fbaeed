import { Router } from 'express';
import {
  acceptHandoverSchema,
  addendumSchema,
  createHandoverSchema,
  handoverIdSchema,
  handoverListQuerySchema,
  patchHandoverSchema,
  returnHandoverSchema,
  submitHandoverSchema,
} from '@tansiq/shared';
import { parseInput } from '../http/errors.ts';
import { authOf, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { HandoversService } from './handovers.service.ts';

export function handoversRoutes(auth: AuthService, handovers: HandoversService): Router {
  const router = Router();
  router.use('/api/v1/handovers', requireAuth(auth));
  const source = (req: Parameters<typeof requestContext>[0]) => requestContext(req).source;

  router.get('/api/v1/handovers', async (req, res) => {
    const query = parseInput(handoverListQuerySchema, req.query);
    res.json({ handovers: await handovers.list(authOf(req), query, source(req)) });
  });

  // Before /:id, which would take "shifts" for an id.
  router.get('/api/v1/handovers/shifts', async (req, res) => {
    res.json({ shifts: await handovers.shifts(authOf(req)) });
  });

  router.post('/api/v1/handovers', async (req, res) => {
    parseInput(createHandoverSchema, req.body ?? {});
    const { handover, created } = await handovers.create(authOf(req), source(req));
    res.status(created ? 201 : 200).json({ handover });
  });

  router.get('/api/v1/handovers/:id', async (req, res) => {
    const { id } = parseInput(handoverIdSchema, req.params);
    res.json({ handover: await handovers.get(authOf(req), id, source(req)) });
  });

  router.patch('/api/v1/handovers/:id', async (req, res) => {
    const { id } = parseInput(handoverIdSchema, req.params);
    const input = parseInput(patchHandoverSchema, req.body);
    res.json({ handover: await handovers.edit(authOf(req), id, input, source(req)) });
  });

  router.post('/api/v1/handovers/:id/submit', async (req, res) => {
    const { id } = parseInput(handoverIdSchema, req.params);
    const input = parseInput(submitHandoverSchema, req.body ?? {});
    res.json({ handover: await handovers.submit(authOf(req), id, input, source(req)) });
  });

  router.post('/api/v1/handovers/:id/return', async (req, res) => {
    const { id } = parseInput(handoverIdSchema, req.params);
    const input = parseInput(returnHandoverSchema, req.body);
    res.json({ handover: await handovers.return(authOf(req), id, input, source(req)) });
  });

  router.post('/api/v1/handovers/:id/accept', async (req, res) => {
    const { id } = parseInput(handoverIdSchema, req.params);
    parseInput(acceptHandoverSchema, req.body ?? {});
    res.json({ handover: await handovers.accept(authOf(req), id, source(req)) });
  });

  router.post('/api/v1/handovers/:id/addenda', async (req, res) => {
    const { id } = parseInput(handoverIdSchema, req.params);
    const input = parseInput(addendumSchema, req.body);
    res.status(201).json({ handover: await handovers.addendum(authOf(req), id, input, source(req)) });
  });

  return router;
}
