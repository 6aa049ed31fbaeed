import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@tansiq/shared';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logger.ts';
import { isOriginAllowed } from './origin.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the multi-node issue
export interface InterServerEvents {}
export interface SocketData {
  connectedAt: number;
}

export type HubIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Largest socket message the hub reads; a bigger one closes that socket. */
export const MAX_SOCKET_PAYLOAD_BYTES = 64 * 1024;

export function createSocketServer(httpServer: HttpServer, config: Config, logger: Logger): HubIo {
  const io: HubIo = new Server(httpServer, {
    path: '/socket.io',
    serveClient: false,
    // Compression costs 20–60× in fan-out throughput; alerts are small.
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    // `cors` cannot stop a foreign page from opening a WebSocket; this check can.
    allowRequest(req, callback) {
      const ok = isOriginAllowed(req, config.TANSIQ_ALLOWED_ORIGINS);
      if (!ok) logger.warn({ origin: req.headers.origin }, 'socket handshake from a foreign origin refused');
      callback(ok ? null : 'origin not allowed', ok);
    },
  });

  io.on('connection', (socket) => {
    socket.data.connectedAt = Date.now();
    socket.on('system:ping', (ack) => {
      if (typeof ack === 'function') ack({ now: new Date().toISOString() });
    });
  });

  return io;
}
