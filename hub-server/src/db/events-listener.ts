import pg from 'pg';
import type { Logger } from '../logger.ts';

/** The channel the events table's trigger notifies on each commit that added events. */
export const EVENTS_CHANNEL = 'tansiq_events';

/** The last sequence number a notification announces (migration 0014), or null when it says none. */
export function lastNotified(payload: string | undefined): number | null {
  return payload !== undefined && /^[1-9][0-9]{0,15}$/.test(payload) ? Number(payload) : null;
}

/** The first wait before getting the listening connection back, and the longest. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * A connection of its own that LISTENs for committed events and calls `wake` for each notification.
 * When the connection is lost it comes back (0.25 s, 0.5 s, 1 s, … up to 5 s apart) and calls `wake` once:
 * what committed meanwhile was not announced.
 */
export async function listenForEvents(
  url: string,
  wake: (last: number | null) => void,
  logger: Logger,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (client === c) client = null;
      c.end().catch(() => undefined);
      if (stopped) return;
      logger.warn({ err }, 'event notifications lost; listening again');
      retry();
    };
    c.on('error', onLost);
    c.on('end', () => onLost());
    c.on('notification', (n) => wake(lastNotified(n.payload)));
    await c.connect();
    await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    client = c;
    failures = 0;
  };
  const retry = () => {
    clearTimeout(timer);
    const wait = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.min(failures, 5));
    failures++;
    timer = setTimeout(() => {
      if (stopped) return;
      connect().then(
        () => wake(null),
        () => retry(),
      );
    }, wait);
  };

  try {
    await connect();
  } catch (err) {
    stopped = true;
    clearTimeout(timer);
    throw err;
  }
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
