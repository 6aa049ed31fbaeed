import { Router } from 'express';
import {
  alertEscalateSchema,
  alertReopenSchema,
  alertIdSchema,
  alertListQuerySchema,
  alertResolveSchema,
  alertUpdateSchema,
  createAlertSchema,
  alertAckSchema,
  readsBoardFieldsOnly,
} from '@tansiq/shared';
import { parseInput } from '../http/errors.ts';
import { authOf, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { AlertsService } from './alerts.service.ts';
import type { ReceiptsService } from '../events/receipts.service.ts';
import { alertForReader } from './alerts.mapper.ts';
import type { HandoversService } from '../handovers/handovers.service.ts';
import type { BriefsService } from '../briefs/briefs.service.ts';

export function alertsRoutes(
  auth: AuthService,
  alerts: AlertsService,
  receipts: ReceiptsService,
  handovers: HandoversService,
  briefs: BriefsService,
): Router {
  const router = Router();
  router.use('/api/v1/alerts', requireAuth(auth));
  router.use('/api/v1/border', requireAuth(auth));

  router.get('/api/v1/border/impact', async (req, res) => {
    res.json(await alerts.impact(authOf(req)));
  });

  router.post('/api/v1/alerts', async (req, res) => {
    const input = parseInput(createAlertSchema, req.body);
    const { alert, created } = await alerts.create(authOf(req), input, requestContext(req).source);
    res.status(created ? 201 : 200).json({ alert });
  });

  router.get('/api/v1/alerts', async (req, res) => {
    const query = parseInput(alertListQuerySchema, req.query);
    const auth = authOf(req);
    res.json({ alerts: (await alerts.list(auth, query)).map((a) => alertForReader(auth.principal, a)) });
  });

  // Before /:id, which would take "snapshot" for an id.
  router.get('/api/v1/alerts/snapshot', async (req, res) => {
    const auth = authOf(req);
    const snapshot = await alerts.snapshot(auth);
    // The snapshot is what this console starts from: its alerts have reached the caller's centre.
    await receipts.delivered(
      auth,
      snapshot.alerts.map((a) => a.id),
    );
    res.json({
      ...snapshot,
      alerts: snapshot.alerts.map((a) => alertForReader(auth.principal, a)),
      // Each visible joint centre's shift and handover status, live from here on through events.
      shifts: await handovers.shifts(auth),
    });
  });

  router.get('/api/v1/alerts/:id', async (req, res) => {
    const { id } = parseInput(alertIdSchema, req.params);
    const auth = authOf(req);
    const { alert, timeline } = await alerts.get(auth, id);
    // A board screen sees the board fields, no timeline and no briefs.
    res.json(
      readsBoardFieldsOnly(auth.principal)
        ? { alert: alertForReader(auth.principal, alert), timeline: [], briefs: [] }
        : { alert, timeline, briefs: await briefs.citing(auth.principal, id) },
    );
  });

  router.post('/api/v1/alerts/:id/ack', async (req, res) => {
    const { id } = parseInput(alertIdSchema, req.params);
    parseInput(alertAckSchema, req.body ?? {});
    res.json({ alert: await alerts.acknowledge(authOf(req), id, requestContext(req).source) });
  });

  router.post('/api/v1/alerts/:id/updates', async (req, res) => {
    const { id } = parseInput(alertIdSchema, req.params);
    const input = parseInput(alertUpdateSchema, req.body);
    res.status(201).json({ alert: await alerts.update(authOf(req), id, input, requestContext(req).source) });
  });

  router.post('/api/v1/alerts/:id/resolve', async (req, res) => {
    const { id } = parseInput(alertIdSchema, req.params);
    const input = parseInput(alertResolveSchema, req.body ?? {});
    res.json({ alert: await alerts.resolve(authOf(req), id, input, requestContext(req).source) });
  });

  router.post('/api/v1/alerts/:id/escalate', async (req, res) => {
    const { id } = parseInput(alertIdSchema, req.params);
    const input = parseInput(alertEscalateSchema, req.body ?? {});
    res.json({ alert: await alerts.escalate(authOf(req), id, input, requestContext(req).source) });
  });

  router.post('/api/v1/alerts/:id/reopen', async (req, res) => {
    const { id } = parseInput(alertIdSchema, req.params);
    const input = parseInput(alertReopenSchema, req.body ?? {});
    res.json({ alert: await alerts.reopen(authOf(req), id, input, requestContext(req).source) });
  });

  return router;
}
