import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import compression from 'compression';
import { pinoHttp } from 'pino-http';
import type { Config } from './config/config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { apiNotFound, errorHandler } from './http/error-handler.ts';
import { errors } from './http/errors.ts';
import { consoleRoutes } from './http/console.ts';
import { systemRoutes } from './system/system.routes.ts';
import { createSocketServer, type HubIo } from './realtime/socket-server.ts';
import { AccessTokens } from './auth/tokens.ts';
import { hubKeys } from './auth/hub-key.ts';
import { AuthService, SESSION_ENDED, type SessionEnding } from './auth/auth.service.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { UsersService } from './users/users.service.ts';
import { usersRoutes } from './users/users.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { centresRoutes } from './centres/centres.routes.ts';
import { CentresCache } from './centres/centres.cache.ts';
import { AlertsService } from './alerts/alerts.service.ts';
import { alertsRoutes } from './alerts/alerts.routes.ts';
import { alertsSocket } from './alerts/alerts.socket.ts';
import { EventDelivery } from './events/delivery.ts';
import { EventTailer } from './events/event-tailer.ts';
import { eventsRoutes } from './events/events.routes.ts';
import { eventsSocket } from './events/events.socket.ts';
import type { SkippedEvent } from './events/events.service.ts';
import { ReceiptsService } from './events/receipts.service.ts';
import { LeaderWorkers } from './workers.ts';
import { HubNodes } from './presence/hub-nodes.ts';
import { DatabaseHealth } from './db/database-health.ts';
import { FailureAudit } from './audit/failure-audit.ts';
import { AuditCheckpoints, checkpointFile } from './audit/audit-checkpoints.ts';
import { ShiftCalendar } from './handovers/shifts.ts';
import { HandoversService } from './handovers/handovers.service.ts';
import { handoversRoutes } from './handovers/handovers.routes.ts';
import { BriefsService } from './briefs/briefs.service.ts';
import { briefsRoutes } from './briefs/briefs.routes.ts';
import { TrendsService } from './trends/trends.service.ts';
import { trendsRoutes } from './trends/trends.routes.ts';
import { MeetingsService } from './meetings/meetings.service.ts';
import { meetingsRoutes } from './meetings/meetings.routes.ts';
import { BoardService } from './board/board.service.ts';
import { BoardDevicesService } from './board/board-devices.service.ts';
import { boardRoutes } from './board/board.routes.ts';

export interface HubDeps {
  config: Config;
  database: Database;
  logger: Logger;
  /** The wall clock shifts are read from (tests move it to the next shift); default: the system's. */
  clock?: () => Date;
}

export interface Hub {
  app: express.Express;
  io: HubIo;
  server: http.Server;
  tailer: EventTailer;
  workers: LeaderWorkers;
  /** The alert service REST and sockets use (demo data raises alerts through it). */
  alerts: AlertsService;
  handovers: HandoversService;
  briefs: BriefsService;
  meetings: MeetingsService;
  /** Starts the background parts, then listens; resolves with the bound address (port 0 picks one). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops the background parts, closes every socket and the HTTP server. Does not close the database. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Compresses answers of 1 KB and more (brotli or gzip, as the browser accepts; `Vary:
 * Accept-Encoding`): the console's page and API JSON over the slow links to the south. Not the sign-in
 * and token answers: a compressed answer holding a secret beside text an attacker can choose
 * leaks the secret through its length (BREACH). The console's own files come compressed at build
 * time (see consoleRoutes); Socket.IO's frames are not Express's to touch.
 */
const compressAnswers = compression({
  threshold: 1024,
  filter: (req, res) => !req.path.startsWith('/api/v1/auth/') && compression.filter(req, res),
});

/** REST body limit: alerts and briefs are small; attachments have their own route and limit. */
const JSON_LIMIT = '256kb';

function contentSecurityPolicy(config: Config) {
  const tileOrigin = config.TANSIQ_TILE_URL
    ? new URL(config.TANSIQ_TILE_URL.replace(/\{[a-z]\}/g, '0')).origin
    : null;
  return {
    useDefaults: true,
    directives: {
      'img-src': ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin] : [])],
      'style-src': ["'self'", "'unsafe-inline'"],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      // The hub often runs on plain HTTP inside a centre's network: do not force https.
      'upgrade-insecure-requests': null,
    },
  };
}

/** A path that is not valid percent-encoded UTF-8 (`%c0%ae`, `%ff`) is refused before any router decodes it. */
const refuseUndecodablePaths: express.RequestHandler = (req, _res, next) => {
  try {
    decodeURIComponent(req.path);
    next();
  } catch {
    next(errors.badRequest('the path is not valid percent-encoded UTF-8'));
  }
};

/** Assembles the whole hub from explicit dependencies; nothing global, so tests can run many. */
export function createHub({ config, database, logger, clock = () => new Date() }: HubDeps): Hub {
  const metrics = createMetrics();
  const health = new DatabaseHealth(database.kind === 'pglite' ? config.TANSIQ_DATA_DIR : null);
  const { db } = database;
  const keys = hubKeys(config);
  const tokens = new AccessTokens(keys.accessToken, config.TANSIQ_ACCESS_TOKEN_SECONDS);
  // Bound once the socket server exists: the tailer's events reach sockets through it.
  let io: HubIo | null = null;
  const centres = new CentresCache(db);
  const eventsLog = logger.child({ domain: 'events' });
  const skipped: SkippedEvent = (row, err) => {
    metrics.eventsSkipped.inc();
    eventsLog.error({ seq: row.seq, type: row.type, err }, 'event row cannot be read; skipped');
  };
  const delivery = new EventDelivery(centres, () => io, skipped);
  const tailer = new EventTailer(
    database,
    (rows) => {
      // Every process forgets ended sessions it had checked, sockets or not.
      for (const row of rows) if (row.type === SESSION_ENDED) auth.sessionsEnded(row.data as SessionEnding);
      delivery.deliver(rows);
    },
    logger.child({ domain: 'events' }),
    config.TANSIQ_EVENT_POLL_MS,
  );
  const failures = new FailureAudit(db);
  const checkpoints = new AuditCheckpoints(
    db,
    keys.auditCheckpoint,
    checkpointFile(config),
    logger.child({ domain: 'audit' }),
    config.TANSIQ_AUDIT_CHECKPOINT_SECONDS * 1000,
  );
  const auth = new AuthService(db, tokens, config, logger.child({ domain: 'auth' }), failures);
  const usersService = new UsersService(db, auth);
  const alerts = new AlertsService(
    database,
    centres,
    config.TANSIQ_ACK_DEADLINES,
    failures,
    config.TANSIQ_REOPEN_WINDOW_MINUTES,
  );
  const receipts = new ReceiptsService(database);
  const calendar = new ShiftCalendar(config.TANSIQ_SHIFTS, config.TANSIQ_TIMEZONE);
  const handovers = new HandoversService(
    database,
    centres,
    calendar,
    config.TANSIQ_HANDOVER_GRACE_MINUTES,
    failures,
    clock,
  );
  const briefs = new BriefsService(
    database,
    centres,
    failures,
    config.TANSIQ_MAX_ATTACHMENT_MB * 1024 * 1024,
  );

  const trends = new TrendsService(database, failures, config.TANSIQ_TIMEZONE);
  const meetings = new MeetingsService(
    database,
    centres,
    failures,
    {
      overdueHandovers: async (auth) =>
        (await handovers.shifts(auth)).filter((s) => s.overdueShift !== null).map((s) => s.centre),
      highImpactSectors: async (auth) =>
        (await alerts.impact(auth)).sectors.filter((s) => s.level === 'high').map((s) => s.sector),
    },
    clock,
  );
  // The centres with a console connected to this process or to another live hub process.
  const nodes = new HubNodes(database, () =>
    [...(io?.of('/').adapter.rooms.keys() ?? [])]
      .filter((r) => r.startsWith('centre:'))
      .map((r) => r.slice(7)),
  );
  const board = new BoardService(
    database,
    centres,
    alerts,
    handovers,
    meetings,
    failures,
    () => nodes.connected(),
    config.TANSIQ_TIMEZONE,
    clock,
  );
  const boardDevices = new BoardDevicesService(db, auth, config, failures);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TANSIQ_TRUST_PROXY_HOPS);
  app.use(helmet({ contentSecurityPolicy: contentSecurityPolicy(config), strictTransportSecurity: false }));
  app.use(metrics.httpMiddleware);
  app.use(
    pinoHttp({
      logger: logger.child({ domain: 'http' }),
      // One short line per request: method, URL, status and time; never headers (tokens, cookies).
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics',
      },
    }),
  );
  app.use(refuseUndecodablePaths);
  app.use(compressAnswers);
  // API answers carry users' data: no browser or proxy keeps a copy.
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(express.json({ limit: JSON_LIMIT }));

  app.use(systemRoutes({ config, database, metrics, logger, health }));
  app.use(authRoutes(auth, usersService));
  app.use(usersRoutes(failures, auth, usersService));
  app.use(auditRoutes(db, failures, auth));
  app.use(centresRoutes(db, auth));
  // Before the alert routes: /api/v1/alerts/export.csv is not an alert id.
  app.use(trendsRoutes(auth, trends));
  app.use(alertsRoutes(auth, alerts, receipts, handovers, briefs));
  app.use(handoversRoutes(auth, handovers));
  app.use(briefsRoutes(auth, briefs));
  app.use(boardRoutes(auth, board, boardDevices));
  app.use(meetingsRoutes(auth, meetings));
  app.use(eventsRoutes(database, auth, skipped));
  app.use('/api', apiNotFound);
  app.use(consoleRoutes(config.TANSIQ_CONSOLE_DIR, logger));
  app.use(errorHandler(logger, health));

  const server = http.createServer(app);
  const sockets = createSocketServer(server, {
    config,
    auth,
    logger: logger.child({ domain: 'realtime' }),
    health,
    registrars: [alertsSocket(alerts), eventsSocket(database, tailer, receipts, skipped)],
  });
  io = sockets;
  metrics.observeSockets(() => sockets.of('/').sockets.size);

  const workers = new LeaderWorkers({
    database,
    centres,
    nodes,
    config,
    calendar,
    clock,
    overdueActions: () => meetings.announceOverdue(),
    logger: logger.child({ domain: 'workers' }),
    onRound: () => metrics.leaderRounds.inc(),
  });

  return {
    app,
    io: sockets,
    server,
    tailer,
    workers,
    alerts,
    handovers,
    briefs,
    meetings,
    async listen(port = config.PORT, host = config.HOST) {
      await centres.refresh();
      await tailer.start();
      workers.start();
      failures.start();
      checkpoints.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = config.TANSIQ_SHUTDOWN_GRACE_MS) {
      await workers.stop();
      await tailer.stop();
      await failures.stop();
      await checkpoints.stop();
      // io.close() disconnects every socket and closes the HTTP server it is attached to; requests
      // still running after the grace period are cut.
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      await new Promise<void>((resolve) => {
        sockets.close(() => resolve());
      });
      clearTimeout(cut);
    },
  };
}
