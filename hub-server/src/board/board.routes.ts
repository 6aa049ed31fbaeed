import { Router } from 'express';
import {
  boardDeviceIdSchema,
  pairingClaimSchema,
  pairingIdSchema,
  performanceQuerySchema,
  registerBoardDeviceSchema,
} from '@tansiq/shared';
import { parseInput } from '../http/errors.ts';
import { authOf, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { BoardService } from './board.service.ts';
import type { BoardDevicesService } from './board-devices.service.ts';

export function boardRoutes(auth: AuthService, board: BoardService, devices: BoardDevicesService): Router {
  const router = Router();

  // A wall screen pairs without signing in: it asks for a code, then polls with its secret.
  router.post('/api/v1/board/pairings', async (req, res) => {
    res.status(201).json(await devices.start(requestContext(req)));
  });

  router.post('/api/v1/board/pairings/:id/claim', async (req, res) => {
    const { id } = parseInput(pairingIdSchema, req.params);
    const { secret } = parseInput(pairingClaimSchema, req.body);
    const result = await devices.claim(id, secret, requestContext(req));
    if (result.status === 'waiting') res.status(202).json(result);
    else res.json(result.session);
  });

  router.use('/api/v1/board', requireAuth(auth));
  router.use('/api/v1/board-devices', requireAuth(auth));

  router.get('/api/v1/board', async (req, res) => {
    res.json(await board.snapshot(authOf(req), requestContext(req).source));
  });

  router.get('/api/v1/board/performance', async (req, res) => {
    const q = parseInput(performanceQuerySchema, req.query);
    const from = new Date(q.from);
    const to = new Date(q.to);
    const centres = await board.performance(authOf(req), from, to, requestContext(req).source);
    res.json({ from: from.toISOString(), to: to.toISOString(), centres });
  });

  router.get('/api/v1/board-devices', async (req, res) => {
    res.json({ devices: await devices.list(authOf(req), requestContext(req).source) });
  });

  router.post('/api/v1/board-devices', async (req, res) => {
    const input = parseInput(registerBoardDeviceSchema, req.body);
    const device = await devices.register(authOf(req), input.name, input.code, requestContext(req).source);
    res.status(201).json({ device });
  });

  router.post('/api/v1/board-devices/:id/revoke', async (req, res) => {
    const { id } = parseInput(boardDeviceIdSchema, req.params);
    await devices.revoke(authOf(req), id, requestContext(req).source);
    res.status(204).end();
  });

  return router;
}
