import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HubMetrics {
  registry: Registry;
  httpMiddleware: RequestHandler;
  /** Reports the number of open sockets whenever /metrics is scraped. */
  observeSockets(count: () => number): void;
  /** Counts event-log rows skipped because they could not be read. */
  eventsSkipped: Counter;
  /** Counts the rounds of leader work (deadlines, presence) this process completed. */
  leaderRounds: Counter;
}

/** One registry per hub (no global one), so tests can run several hubs in one process. */
export function createMetrics(): HubMetrics {
  const registry = new Registry();
  // Process metrics, including nodejs_eventloop_lag_* (event-loop delay, from monitorEventLoopDelay).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const requests = new Counter({
    name: 'tansiq_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tansiq_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  let socketCount: () => number = () => 0;
  new Gauge({
    name: 'tansiq_socket_connections',
    help: 'Socket.IO connections open on this hub process',
    registers: [registry],
    collect() {
      this.set(socketCount());
    },
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The matched route pattern, never the raw path: ids would explode the label set.
      const route = req.route
        ? `${req.baseUrl}${String(req.route.path)}`
        : req.path.startsWith('/api/')
          ? 'unmatched'
          : 'static';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };

  const eventsSkipped = new Counter({
    name: 'tansiq_events_skipped_total',
    help: 'Event-log rows skipped for a reader or for live delivery because they could not be read',
    registers: [registry],
  });

  const leaderRounds = new Counter({
    name: 'tansiq_leader_rounds_total',
    help: 'Rounds of leader work (deadline escalation, centre presence) completed by this process',
    registers: [registry],
  });

  return {
    registry,
    httpMiddleware,
    eventsSkipped,
    leaderRounds,
    observeSockets(count) {
      socketCount = count;
    },
  };
}
