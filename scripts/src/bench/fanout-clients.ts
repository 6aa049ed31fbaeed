import { io as connect, type Socket } from 'socket.io-client';
import * as hdr from 'hdr-histogram-js';

/**
 * The consoles of the fan-out and reconnect benchmarks, in a process of their own: N
 * socket.io-client connections, driven by messages from the benchmark.
 *
 * - `connect` {url, token, count, mode, batch}: opens the consoles (`batch` at a time; all at once
 *   for a storm), each with a random `affinity` key (spread over the processes behind nginx), and
 *   on the hub resumes once each (a socket gets no live event before its first resume). Answers
 *   `ready` {connected, ms}.
 * - `measure`: starts a latency histogram. Each alert carries its intended send time in its
 *   description; latency is receipt time minus intended time. `stop` answers `done` with figures.
 * - `drop`: closes every socket at once. `rejoin` {expect}: reconnects them all at once, each
 *   resuming from the last event it applied; answers `caught-up` {ms} when every console holds
 *   `expect` more alerts than before the drop.
 */
type Mode = 'hub' | 'bare';
interface Console {
  socket: Socket;
  lastSeq: number;
  alerts: number;
}

const consoles: Console[] = [];
let histogram: hdr.Histogram | null = null;
/** Receipt time − the alert's createdAt (the hub's transaction start), on the hub only. */
let sinceCreated: hdr.Histogram | null = null;
let received = 0;
let target: { url: string; token: string; mode: Mode } | null = null;
let waiting: { expect: number; started: number } | null = null;
const now = () => performance.timeOrigin + performance.now();

function onEvent(
  c: Console,
  event: { seq?: number; type?: string; data?: { alert?: { description?: string; createdAt?: string } } },
) {
  if (typeof event.seq === 'number' && event.seq > c.lastSeq) c.lastSeq = event.seq;
  if (event.type !== 'alert:created') return;
  c.alerts++;
  const sentAt = Number(event.data?.alert?.description);
  if (histogram && Number.isFinite(sentAt)) {
    received++;
    histogram.recordValue(Math.max(1, Math.round((now() - sentAt) * 1000)));
    const created = Date.parse(event.data?.alert?.createdAt ?? '');
    if (sinceCreated && target?.mode === 'hub' && Number.isFinite(created))
      sinceCreated.recordValue(Math.max(1, Math.round((now() - created) * 1000)));
  }
}

async function resume(c: Console): Promise<void> {
  for (;;) {
    const reply = (await c.socket.timeout(60_000).emitWithAck('resume', { after: c.lastSeq })) as {
      events: { seq: number; type: string }[];
      head: number;
      more: boolean;
    };
    for (const e of reply.events) onEvent(c, e);
    c.lastSeq = Math.max(c.lastSeq, reply.head);
    if (!reply.more) return;
  }
}

async function open(c: Console | null): Promise<Console> {
  const { url, token, mode } = target!;
  const socket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    auth: { token },
    forceNew: true,
    query: { affinity: Math.random().toString(36).slice(2) },
  });
  const console: Console = c ?? { socket, lastSeq: mode === 'hub' ? 1e12 : 0, alerts: 0 };
  console.socket = socket;
  socket.on('event', (e) => onEvent(console, e));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  if (mode === 'hub') await resume(console);
  if (console.lastSeq === 1e12) console.lastSeq = 0;
  return console;
}

function checkCaughtUp(): void {
  if (!waiting) return;
  if (consoles.every((c) => c.alerts >= waiting!.expect)) {
    process.send!({ type: 'caught-up', ms: performance.now() - waiting.started });
    waiting = null;
  }
}

process.on('message', (msg: { type: string; [k: string]: unknown }) => {
  void (async () => {
    switch (msg.type) {
      case 'connect': {
        target = { url: String(msg.url), token: String(msg.token), mode: msg.mode as Mode };
        const count = Number(msg.count);
        const batch = Number(msg.batch ?? 50);
        const started = performance.now();
        for (let i = 0; i < count; i += batch)
          consoles.push(
            ...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => open(null)))),
          );
        process.send!({
          type: 'ready',
          connected: consoles.filter((c) => c.socket.connected).length,
          ms: performance.now() - started,
        });
        break;
      }
      case 'measure':
        received = 0;
        histogram = hdr.build({
          lowestDiscernibleValue: 1,
          highestTrackableValue: 60_000_000,
          numberOfSignificantValueDigits: 3,
        });
        sinceCreated = hdr.build({
          lowestDiscernibleValue: 1,
          highestTrackableValue: 60_000_000,
          numberOfSignificantValueDigits: 3,
        });
        break;
      case 'drop':
        for (const c of consoles) c.socket.disconnect();
        process.send!({ type: 'dropped' });
        break;
      case 'rejoin': {
        const expect = Number(msg.expect);
        for (const c of consoles) c.alerts = 0;
        waiting = { expect, started: performance.now() };
        const timer = setInterval(checkCaughtUp, 5);
        await Promise.all(consoles.map((c) => open(c)));
        checkCaughtUp();
        await new Promise<void>((resolve) => {
          const wait = setInterval(() => {
            if (!waiting) {
              clearInterval(wait);
              resolve();
            }
          }, 5);
        });
        clearInterval(timer);
        break;
      }
      case 'stop': {
        for (const c of consoles) c.socket.close();
        const h = histogram;
        process.send!(
          {
            type: 'done',
            received,
            p50: h ? h.getValueAtPercentile(50) / 1000 : NaN,
            p99: h ? h.getValueAtPercentile(99) / 1000 : NaN,
            max: h ? h.maxValue / 1000 : NaN,
            sinceCreatedP50: sinceCreated?.totalCount ? sinceCreated.getValueAtPercentile(50) / 1000 : NaN,
          },
          () => process.exit(0),
        );
        break;
      }
    }
  })().catch((err: unknown) => {
    process.stderr.write(`consoles: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
});
process.send!({ type: 'started' });
