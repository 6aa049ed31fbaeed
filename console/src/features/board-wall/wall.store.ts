import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import {
  boardSnapshotSchema,
  pairingStartReplySchema,
  tokenPairSchema,
  type BoardSnapshot,
  type ResumeReply,
} from '@tansiq/shared';
import { ApiError, request } from '../../api/client.ts';
import { useSessionStore } from '../auth/session.store.ts';
import { backoff, hubSocket, type HubSocket } from '../live/reconnect.ts';

/** Without the hub this long, the wall says its picture may be out of date. */
export const STALE_AFTER_MS = 30_000;
/** Events in a burst cost one snapshot: the first waits this long for the rest. */
const SETTLE_MS = 150;
/** The picture is fetched again this often even without events (times since, today's medians). */
const REFRESH_EVERY_MS = 60_000;
const POLL_PAIRING_MS = 2000;

/**
 * The wall board's live picture: the hub's board snapshot (`GET /api/v1/board`), fetched again
 * whenever the hub announces a change, on every reconnect (which is how it resumes), and once a
 * minute. One mechanism: the snapshot is the truth, events only say when to ask for it.
 */
export const useWallStore = defineStore('wall', () => {
  const session = useSessionStore();
  const snapshot = shallowRef<BoardSnapshot | null>(null);
  const connected = ref(false);
  /** When the wall last heard from the hub (a connected socket or a snapshot). */
  const lastHeard = ref(Date.now());
  const now = ref(Date.now());
  /** Snapshot time minus this screen's clock: the wall shows the hub's time, not a drifting local one. */
  const skewMs = ref(0);
  const stale = computed(() => !connected.value && now.value - lastHeard.value > STALE_AFTER_MS);

  let socket: HubSocket | null = null;
  let fetching = false;
  let again = false;
  let settleTimer: ReturnType<typeof setTimeout> | undefined;
  let tickTimer: ReturnType<typeof setInterval> | undefined;
  let refreshTimer: ReturnType<typeof setInterval> | undefined;

  async function refresh(): Promise<void> {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const next = await request('GET', '/api/v1/board', boardSnapshotSchema);
      snapshot.value = next;
      lastHeard.value = Date.now();
      skewMs.value = new Date(next.at).getTime() - Date.now();
    } catch {
      // Kept as it was; the banner tells the room when it has been too long.
    } finally {
      fetching = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  function schedule(): void {
    if (settleTimer) return;
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      void refresh();
    }, SETTLE_MS);
  }

  /**
   * After every connect: the snapshot, then a resume from the head it reflects, which is what lets
   * the hub send this socket live events (until then it holds them back). Events that slipped in
   * between only ask for another snapshot; a long gap is covered by a new snapshot, not replayed.
   */
  async function catchUp(): Promise<void> {
    for (let round = 0; round < 5 && socket?.connected; round++) {
      await refresh();
      try {
        const reply = (await socket
          .timeout(10_000)
          .emitWithAck('resume', { after: snapshot.value?.head ?? 0, limit: 50 })) as
          ResumeReply | { error: unknown };
        if ('error' in reply) return;
        if (!reply.more) {
          if (reply.events.length > 0) schedule();
          return;
        }
      } catch {
        return; // no answer: the next connect starts again
      }
    }
  }

  const refused = backoff(() => socket?.connect());

  function start(): void {
    if (socket || !session.accessToken) return;
    socket = hubSocket(() => session.accessToken);
    socket.on('connect', () => {
      refused.reset();
      connected.value = true;
      lastHeard.value = Date.now();
      void catchUp();
    });
    socket.on('disconnect', () => {
      connected.value = false;
    });
    socket.on('connect_error', (err) => {
      connected.value = false;
      const code = (err as Error & { data?: { code?: string } }).data?.code;
      if (code === 'unauthenticated')
        void session.renew().then((ok) => (ok ? setTimeout(() => socket?.connect(), 1000) : stop()));
      else if (code) refused.schedule();
    });
    socket.on('auth:ended', (reason) => {
      if (reason.code === 'token_expired')
        void session.renew().then((ok) => ok && setTimeout(() => socket?.connect(), 500));
      else {
        // Revoked: back to the pairing code.
        stop();
        session.endLocally();
      }
    });
    socket.on('event', schedule);
    tickTimer = setInterval(() => {
      now.value = Date.now();
      if (connected.value) lastHeard.value = now.value;
    }, 1000);
    refreshTimer = setInterval(() => void refresh(), REFRESH_EVERY_MS);
    socket.connect();
  }

  function stop(): void {
    refused.reset();
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
    connected.value = false;
    clearInterval(tickTimer);
    clearInterval(refreshTimer);
    clearTimeout(settleTimer);
    settleTimer = undefined;
    snapshot.value = null;
  }

  return { snapshot, connected, stale, now, skewMs, start, stop, refresh };
});

/** A pairing in progress on this screen: the code it shows and the poll that waits for an administrator. */
export const usePairingStore = defineStore('pairing', () => {
  const session = useSessionStore();
  const code = ref<string | null>(null);
  const expiresAt = ref<number>(0);
  const failed = ref(false);
  let pairing: { id: string; secret: string } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  async function begin(): Promise<void> {
    clearTimeout(timer);
    try {
      const reply = await request('POST', '/api/v1/board/pairings', pairingStartReplySchema);
      pairing = { id: reply.id, secret: reply.secret };
      code.value = reply.code;
      expiresAt.value = new Date(reply.expiresAt).getTime();
      failed.value = false;
    } catch {
      failed.value = true;
      code.value = null;
      pairing = null;
    }
    timer = setTimeout(() => void poll(), pairing ? POLL_PAIRING_MS : 5000);
  }

  async function poll(): Promise<void> {
    if (!running) return;
    if (!pairing || Date.now() >= expiresAt.value) return begin();
    try {
      const res = await fetch(`/api/v1/board/pairings/${pairing.id}/claim`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ secret: pairing.secret }),
      });
      if (res.status === 200) {
        const pair = tokenPairSchema.parse(await res.json());
        running = false;
        code.value = null;
        session.adoptDeviceSession(pair);
        return;
      }
      // Expired or used: a new code.
      if (res.status === 410 || res.status === 404) return begin();
    } catch (err) {
      if (err instanceof ApiError) return begin();
      // The hub is out of reach: keep the code and ask again.
    }
    timer = setTimeout(() => void poll(), POLL_PAIRING_MS);
  }

  function start(): void {
    if (running) return;
    running = true;
    void begin();
  }

  function stop(): void {
    running = false;
    clearTimeout(timer);
  }

  return { code, expiresAt, failed, start, stop };
});
