import { Router } from 'express';
import { asc } from 'drizzle-orm';
import type { CentresList } from '@tansiq/shared';
import type { AppDb } from '../db/database.ts';
import { requireAuth } from '../access/access.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { centres } from './centres.table.ts';

/** Reference data every signed-in user may read (names for lists, forms and the map). */
export function centresRoutes(db: AppDb, auth: AuthService): Router {
  const router = Router();
  router.get('/api/v1/centres', requireAuth(auth), async (_req, res) => {
    const rows = await db.select().from(centres).orderBy(asc(centres.code));
    const body: CentresList = {
      centres: rows.map(({ code, kind, nameAr, nameEn }) => ({ code, kind, nameAr, nameEn })),
    };
    res.json(body);
  });
  return router;
}
