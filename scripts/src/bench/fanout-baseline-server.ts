import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { testConfig } from '@tansiq/hub-server';

/**
 * The baseline of the fan-out benchmark: a bare Socket.IO server (same options as the hub: no
 * compression, the hub's heartbeat) that `io.emit`s the hub's own event payload at the same rate to the same clients.
 */
const server = http.createServer();
const hub = testConfig();
const io = new Server(server, {
  perMessageDeflate: false,
  serveClient: false,
  pingInterval: hub.TANSIQ_PING_INTERVAL_MS,
  pingTimeout: hub.TANSIQ_PING_TIMEOUT_MS,
});
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'listening', port: (server.address() as AddressInfo).port });
});

process.on(
  'message',
  (msg: {
    type: string;
    rate: number;
    seconds: number;
    template: { seq: number; type: string; data: { alert: Record<string, unknown> } };
  }) => {
    if (msg.type !== 'run') return;
    const total = Math.round(msg.rate * msg.seconds);
    const start = performance.timeOrigin + performance.now() + 200;
    let sent = 0;
    const next = () => {
      if (sent >= total) {
        process.send!({ type: 'sent', sent });
        return;
      }
      const intended = start + (sent * 1000) / msg.rate;
      const wait = intended - (performance.timeOrigin + performance.now());
      setTimeout(
        () => {
          const event = {
            ...msg.template,
            seq: msg.template.seq + sent,
            data: { alert: { ...msg.template.data.alert, description: String(intended) } },
          };
          io.emit('event', event);
          sent++;
          next();
        },
        Math.max(0, wait),
      );
    };
    next();
  },
);

// Exit normally on SIGTERM, so that a CPU profile (`--profile`) is written.
process.on('SIGTERM', () => process.exit(0));
