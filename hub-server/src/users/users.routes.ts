import { Router, type Request } from 'express';
import { z } from 'zod';
import { canAdminister, createUserSchema, patchUserSchema, resetPasswordSchema } from '@tansiq/shared';
import type { FailureAudit } from '../audit/failure-audit.ts';
import { parseInput } from '../http/errors.ts';
import { authOf, enforce, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { Actor } from '../audit/audit.service.ts';
import type { UsersService } from './users.service.ts';

const idParams = z.object({ id: z.uuid() });

/** Admin only: the policy's canAdminister, checked (and a refusal audited) on every route. */
export function usersRoutes(failures: FailureAudit, auth: AuthService, service: UsersService): Router {
  const router = Router();
  router.use('/api/v1/users', requireAuth(auth));

  async function admin(req: Request, action: string): Promise<Actor> {
    const caller = authOf(req);
    const { source } = requestContext(req);
    await enforce(failures, caller, source, canAdminister(caller.principal), action, { type: 'user' });
    return { principal: { ...caller.principal, username: caller.username }, source };
  }

  router.get('/api/v1/users', async (req, res) => {
    await admin(req, 'user.list');
    res.json({ users: await service.list() });
  });

  router.post('/api/v1/users', async (req, res) => {
    const actor = await admin(req, 'user.create');
    const input = parseInput(createUserSchema, req.body);
    res.status(201).json({ user: await service.create(input, actor) });
  });

  router.patch('/api/v1/users/:id', async (req, res) => {
    const actor = await admin(req, 'user.update');
    const { id } = parseInput(idParams, req.params);
    const patch = parseInput(patchUserSchema, req.body);
    res.json({ user: await service.update(id, patch, actor) });
  });

  router.post('/api/v1/users/:id/password', async (req, res) => {
    const actor = await admin(req, 'user.reset_password');
    const { id } = parseInput(idParams, req.params);
    const { password } = parseInput(resetPasswordSchema, req.body);
    await service.resetPassword(id, password, actor);
    res.status(204).end();
  });

  return router;
}
