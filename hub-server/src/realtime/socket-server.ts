import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { socketRefreshSchema, type ClientToServerEvents, type ServerToClientEvents } from '@tansiq/shared';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import type { AuthContext, AuthService } from '../auth/auth.service.ts';
import { roomsFor } from '../access/access.ts';
import { toAppError } from '../http/error-handler.ts';
import { AppError, errors } from '../http/errors.ts';
import { isOriginAllowed } from './origin.ts';
import { dispatcher, route, type SocketRoutes } from './socket-requests.ts';
import { RequestBudget } from './request-budget.ts';
import type { DatabaseHealth } from '../db/database-health.ts';
import { audienceRoom } from '../events/delivery.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- none: hub processes talk only through the database (event log, NOTIFY, hub_nodes)
export interface InterServerEvents {}
export interface SocketData {
  auth: AuthContext;
  expiryTimer?: NodeJS.Timeout;
}

export type HubIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
/** A domain's socket requests for one authenticated socket (per-socket state lives in the closure). */
export type SocketRegistrar = (socket: HubSocket) => SocketRoutes;

/** `system:ping` takes nothing, or an empty object. */
const pingSchema = z.union([z.undefined(), z.strictObject({})]);

/** Largest socket message the hub reads; a bigger one closes that socket. */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;

// setTimeout cannot wait longer than this (~24.8 days); access tokens live minutes.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Disconnects the socket when its access token expires, unless `auth:refresh` moves the time. */
function scheduleExpiry(socket: HubSocket): void {
  clearTimeout(socket.data.expiryTimer);
  const ms = Math.min(MAX_TIMER_MS, Math.max(0, socket.data.auth.expiresAt.getTime() - Date.now()));
  socket.data.expiryTimer = setTimeout(() => {
    socket.emit('auth:ended', { code: 'token_expired' });
    socket.disconnect(true);
  }, ms);
}

export function createSocketServer(
  httpServer: HttpServer,
  deps: {
    config: Config;
    auth: AuthService;
    logger: Logger;
    registrars: SocketRegistrar[];
    health: DatabaseHealth;
  },
): HubIo {
  const { config, auth, logger } = deps;
  const budget = new RequestBudget({
    perTenSeconds: config.TANSIQ_SOCKET_BUDGET_PER_10S,
    concurrent: config.TANSIQ_USER_CONCURRENT_REQUESTS,
  });
  const io: HubIo = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    // Compression costs 20–60× in fan-out throughput; alerts are small.
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    // A console calls the link dead after interval + timeout without a ping (8 s by default, not
    // Socket.IO's 45 s); the timeout leaves room for a ping queued behind 200 KB on a 256 kbit/s link.
    pingInterval: config.TANSIQ_PING_INTERVAL_MS,
    pingTimeout: config.TANSIQ_PING_TIMEOUT_MS,
    // `cors` cannot stop a foreign page from opening a WebSocket; this check can.
    allowRequest(req, callback) {
      const ok = isOriginAllowed(req, config.TANSIQ_ALLOWED_ORIGINS);
      if (!ok) logger.warn({ origin: req.headers.origin }, 'socket handshake from a foreign origin refused');
      callback(ok ? null : 'origin not allowed', ok);
    },
  });

  // Every socket carries a verified access token and a live session; the client chooses nothing.
  io.use(async (socket, next) => {
    try {
      socket.data.auth = await auth.authenticate(
        (socket.handshake.auth as { token?: unknown } | undefined)?.token,
      );
      const open = io.of('/').adapter.rooms.get(`user:${socket.data.auth.principal.userId}`)?.size ?? 0;
      if (open >= config.TANSIQ_SOCKETS_PER_USER)
        throw new AppError(429, 'too_many_connections', 'this account has too many open connections', {
          max: config.TANSIQ_SOCKETS_PER_USER,
        });
      next();
    } catch (err) {
      const refusal = toAppError(err, logger, deps.health);
      next(Object.assign(new Error(refusal.message), { data: refusal.toBody().error }));
    }
  });

  io.on('connection', (socket) => {
    const { principal } = socket.data.auth;
    void socket.join([...roomsFor(socket.data.auth), audienceRoom(principal.role, principal.centre)]);
    scheduleExpiry(socket);
    socket.on('disconnect', () => clearTimeout(socket.data.expiryTimer));
    // Reached only if something passes an error to a middleware's next(); never fatal.
    socket.on('error', (err) => logger.warn({ err: { message: err.message } }, 'socket error'));

    const routes: SocketRoutes = {
      'system:ping': route(pingSchema, async () => ({ now: new Date().toISOString() }), { database: false }),
      'auth:refresh': route(socketRefreshSchema, async ({ token }) => {
        const next = await auth.authenticate(token);
        if (next.sessionId !== socket.data.auth.sessionId)
          throw errors.forbidden('the token belongs to another session');
        socket.data.auth = next;
        scheduleExpiry(socket);
        return { expiresAt: next.expiresAt.toISOString() };
      }),
    };
    for (const register of deps.registrars) Object.assign(routes, register(socket));
    socket.use(
      dispatcher(routes, {
        logger,
        budget,
        health: deps.health,
        userId: () => socket.data.auth.principal.userId,
        ignoresLimits: () => {
          logger.warn({ userId: principal.userId }, 'socket ignores rate limits; disconnected');
          socket.disconnect(true);
        },
      }),
    );
  });

  return io;
}

/**
 * Closes the sockets of ended sessions on this process. Every hub process does the same when its
 * event-log tailer reads the `session:ended` event, so no process keeps such a socket open.
 */
export function endSockets(io: HubIo, target: { userId: string } | { sessionId: string }): void {
  const room = 'userId' in target ? `user:${target.userId}` : `session:${target.sessionId}`;
  io.local.in(room).emit('auth:ended', { code: 'session_revoked' });
  io.local.in(room).disconnectSockets(true);
}
