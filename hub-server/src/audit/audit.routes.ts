import { Router, type Request } from 'express';
import { auditQuerySchema, canAdminister } from '@tansiq/shared';
import type { AppDb } from '../db/database.ts';
import { parseInput } from '../http/errors.ts';
import { authOf, enforce, requestContext, requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { listAudit, verifyAudit } from './audit.service.ts';
import type { FailureAudit } from './failure-audit.ts';

export function auditRoutes(db: AppDb, failures: FailureAudit, auth: AuthService): Router {
  const router = Router();
  /** Administrators only; anyone else is refused and the refusal audited as `action`. */
  const adminOnly = (action: string) => async (req: Request) => {
    const caller = authOf(req);
    await enforce(failures, caller, requestContext(req).source, canAdminister(caller.principal), action, {
      type: 'audit',
    });
  };
  const readGate = adminOnly('audit.read');
  const verifyGate = adminOnly('audit.verify');
  router.get('/api/v1/audit', requireAuth(auth), async (req, res) => {
    await readGate(req);
    const query = parseInput(auditQuerySchema, req.query);
    res.json({ records: await listAudit(db, query) });
  });
  // The chain recomputed from the first record (what `pnpm cli audit verify` does), for the admin screen.
  router.get('/api/v1/audit/verify', requireAuth(auth), async (req, res) => {
    await verifyGate(req);
    res.json({ verification: await verifyAudit(db), at: new Date().toISOString() });
  });
  return router;
}
