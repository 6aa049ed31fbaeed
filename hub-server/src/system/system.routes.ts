import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { errors } from '../http/errors.ts';
import type { ClientConfig, Readiness } from '@tansiq/shared';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { HubMetrics } from '../metrics/metrics.ts';
import type { DatabaseHealth } from '../db/database-health.ts';
import type { Logger } from '../logger.ts';
import { hubCommit, hubVersion } from '../version.ts';

const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Probes for the load balancer and the scraper, and the console's public settings. */
/** Compares without leaking, through timing, how much of a secret matched. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function systemRoutes(deps: {
  config: Config;
  database: Database;
  metrics: HubMetrics;
  logger: Logger;
  health: DatabaseHealth;
}) {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: hubVersion, commit: hubCommit });
  });

  router.get('/readyz', async (_req, res) => {
    const body: Readiness = { status: 'ready', database: deps.database.kind };
    try {
      await withTimeout(deps.database.ping(), READY_TIMEOUT_MS);
    } catch (err) {
      deps.logger.warn({ err }, 'database not answering');
      res
        .status(503)
        .json({ ...body, status: 'not_ready', reason: 'database_unavailable' } satisfies Readiness);
      return;
    }
    const trouble = await deps.health.writeTrouble();
    if (trouble) res.status(503).json({ ...body, status: 'not_ready', reason: trouble } satisfies Readiness);
    else res.json(body);
  });

  router.get('/metrics', async (req, res) => {
    const expected = deps.config.TANSIQ_METRICS_TOKEN;
    if (expected && !sameSecret(req.headers.authorization ?? '', `Bearer ${expected}`)) {
      res.status(401).json(errors.unauthenticated('metrics need the metrics token').toBody());
      return;
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  router.get('/api/v1/config', (_req, res) => {
    const body: ClientConfig = {
      version: hubVersion,
      tileUrl: deps.config.TANSIQ_TILE_URL ?? null,
      timeZone: deps.config.TANSIQ_TIMEZONE,
      keepClosedDays: deps.config.TANSIQ_CONSOLE_KEEP_CLOSED_DAYS,
      defaultLocale: 'ar',
    };
    res.json(body);
  });

  return router;
}
