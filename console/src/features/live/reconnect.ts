import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@tansiq/shared';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A random key of this page, sent with every Socket.IO request: behind a load balancer with several
 * hub processes, the handshake, each long-polling request and the upgrade all reach the same
 * process (deploy/nginx/tansiq.conf hashes on it). Not a secret and not an identity.
 */
const affinity = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
  b.toString(16).padStart(2, '0'),
).join('');

/**
 * The console's connection to the hub (the live store's and the wall board's), not yet connected.
 * The hub's heartbeat calls a dead link within 8 s (TANSIQ_PING_INTERVAL_MS + _TIMEOUT_MS). While
 * it is dead, each try gives up after 4 s and the next follows within 1–3 s, so a returning link is
 * used within seconds rather than after a SYN sent half a minute ago.
 */
export function hubSocket(token: () => string | null): HubSocket {
  return io({
    autoConnect: false,
    query: { affinity },
    auth: (cb) => cb({ token: token() ?? '' }),
    timeout: 4000,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 3000,
  });
}

/** The first wait after a refused handshake, and the longest. */
export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 30_000;

/**
 * How long to wait before the `attempt`-th retry (1, 2, …) of a handshake the hub refused for a
 * reason other than the token (`database_unavailable`, `internal`, `too_many_connections`, …):
 * doubling from one second up to thirty, with jitter so consoles that lost the hub together do
 * not all come back in the same instant. `random` is injectable for tests.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** Retries on a timer with growing waits; `reset()` after a successful connect. */
export function backoff(retry: () => void) {
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(): number {
      clearTimeout(timer);
      const wait = retryDelay(++attempt);
      timer = setTimeout(retry, wait);
      return wait;
    },
    reset(): void {
      attempt = 0;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
