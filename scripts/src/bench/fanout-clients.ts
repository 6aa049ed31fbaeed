import { io as connect, type Socket } from 'socket.io-client';
import * as hdr from 'hdr-histogram-js';

/**
 * The consoles of the fan-out benchmark, in a process of their own: N socket.io-client connections.
 * Each alert carries its intended send time (epoch ms, fractional) in `data.sentAt` or in the alert's
 * description; latency is receipt time minus intended time, recorded in microseconds.
 */
const [url = '', token = '', countArg = '100', mode = 'hub'] = process.argv.slice(2);
const count = Number(countArg);
const histogram = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3,
});
let received = 0;
const sockets: Socket[] = [];
const now = () => performance.timeOrigin + performance.now();

function onEvent(event: {
  type?: string;
  data?: { sentAt?: number; alert?: { description?: string } };
}): void {
  const sentAt = event.data?.sentAt ?? Number(event.data?.alert?.description);
  if (!Number.isFinite(sentAt)) return;
  received++;
  histogram.recordValue(Math.max(1, Math.round((now() - sentAt) * 1000)));
}

async function open(): Promise<void> {
  const socket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    auth: { token },
    forceNew: true,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  socket.on('event', onEvent);
  // The hub holds a socket out of the live stream until its first resume.
  if (mode === 'hub') await socket.timeout(30_000).emitWithAck('resume', { after: 1e12 });
}

async function main(): Promise<void> {
  for (let i = 0; i < count; i += 50)
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, open));
  process.send!({ type: 'ready', connected: sockets.filter((s) => s.connected).length });
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'stop') return;
    for (const s of sockets) s.close();
    process.send!(
      {
        type: 'done',
        received,
        p50: histogram.getValueAtPercentile(50) / 1000,
        p99: histogram.getValueAtPercentile(99) / 1000,
        max: histogram.maxValue / 1000,
      },
      () => process.exit(0),
    );
  });
}

void main();
