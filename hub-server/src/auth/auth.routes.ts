import { Router } from 'express';
import { loginRequestSchema, refreshRequestSchema } from '@tansiq/shared';
import { parseInput } from '../http/errors.ts';
import { authOf, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from './auth.service.ts';
import type { UsersService } from '../users/users.service.ts';

export function authRoutes(auth: AuthService, usersService: UsersService): Router {
  const router = Router();

  router.post('/api/v1/auth/login', async (req, res) => {
    const input = parseInput(loginRequestSchema, req.body);
    res.json(await auth.login(input, requestContext(req)));
  });

  router.post('/api/v1/auth/refresh', async (req, res) => {
    const { refreshToken } = parseInput(refreshRequestSchema, req.body);
    res.json(await auth.refresh(refreshToken, requestContext(req)));
  });

  router.post('/api/v1/auth/logout', requireAuth(auth), async (req, res) => {
    await auth.logout(authOf(req), requestContext(req));
    res.status(204).end();
  });

  router.get('/api/v1/auth/me', requireAuth(auth), async (req, res) => {
    res.json({ user: await usersService.get(authOf(req).principal.userId) });
  });

  return router;
}
