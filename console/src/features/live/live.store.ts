import { v4 as uuidv4 } from 'uuid';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import {
  alertsSnapshotSchema,
  borderImpactSchema,
  centreShiftsReplySchema,
  handoverListAccess,
  centresListSchema,
  type Alert,
  type BoardAlert,
  type Centre,
  type CentreShift,
  type ClientToServerEvents,
  type ErrorBody,
  type HubEvent,
  type ResumeReply,
  type SectorImpact,
} from '@tansiq/shared';
import { request } from '../../api/client.ts';
import { useSessionStore } from '../auth/session.store.ts';
import { backoff, hubSocket, type HubSocket } from './reconnect.ts';
import { LocalDb } from './local-db.ts';
import { useOutboxStore } from './outbox.store.ts';
import { chime } from './chime.ts';
import { DEFAULT_KEEP_CLOSED_DAYS, prunableAlerts } from './retention.ts';
import { useHubStore } from '../../stores/hub.store.ts';

export type LinkState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface Notice {
  id: string;
  kind:
    | 'escalated'
    | 'escalated_manual'
    | 'centre_silent'
    | 'centre_back'
    | 'handover_submitted'
    | 'handover_returned'
    | 'handover_overdue'
    | 'brief_published'
    | 'action_overdue'
    | 'action_created';
  centre: string;
  alertId: string | null;
  /** The brief a brief_published notice opens. */
  briefId?: string;
  /** The meeting an action_* notice opens. */
  meetingId?: string;
  title: string | null;
  at: string;
}

/** A request the hub did not answer in time, or one made while the link is down. */
export class LinkDown extends Error {
  readonly code = 'link_down';
}

const RESUME_EVERY_MS = 60_000;
// Closed alerts past the retention age are forgotten at start and then hourly.
const PRUNE_EVERY_MS = 3_600_000;
const REQUEST_TIMEOUT_MS = 15_000;
const CENTRES_KEY = 'tansiq.centres';
const MUTED_KEY = 'tansiq.muted';

function isError(reply: unknown): reply is ErrorBody {
  return typeof reply === 'object' && reply !== null && 'error' in reply;
}

/**
 * The console's live picture: one Socket.IO connection, the alerts the user may see, kept by
 * applying the hub's events in sequence order exactly once (docs/api.md, "The event stream"),
 * persisted per user in IndexedDB with the last applied number so a reload resumes from it.
 */
export const useLiveStore = defineStore('live', () => {
  const session = useSessionStore();
  const alerts = shallowRef(new Map<string, Alert>());
  const lastApplied = ref(0);
  const link = ref<LinkState>('offline');
  const offlineSince = ref<string | null>(null);
  const notices = ref<Notice[]>([]);
  const fresh = ref(new Set<string>());
  const silentCentres = ref(new Map<string, string>());
  const impact = ref<SectorImpact[]>([]);
  const centres = ref<Centre[]>(JSON.parse(localStorage.getItem(CENTRES_KEY) ?? '[]') as Centre[]);
  const muted = ref(localStorage.getItem(MUTED_KEY) === '1');
  /** Rises by one whenever events changed alerts: views that fetch details watch it. */
  const revision = ref(0);
  /**
   * Per alert, the sequence number of the last event about it: an open detail reloads its timeline
   * when it moves (an escalation or a missed deadline leaves the alert's own fields as they were).
   */
  const alertEventSeq = ref(new Map<string, number>());
  /** Rises by one with every handover event: the handovers screen reloads what it shows. */
  const handoverRevision = ref(0);
  /** Rises by one with every brief published: the archive reloads what it lists. */
  const briefRevision = ref(0);
  /** Rises by one with every meeting or action item event: the meetings screens reload. */
  const meetingRevision = ref(0);
  /** Each visible joint centre's shift and handover status (snapshot, then refreshed on events). */
  const shifts = ref<CentreShift[]>([]);

  let socket: HubSocket | null = null;
  let db: LocalDb | null = null;
  let userId: string | null = null;
  let resuming = false;
  let held: HubEvent[] = [];
  let catchingUp = false;
  let snapshotTried = false;
  let saving: Promise<void> = Promise.resolve();
  let resumeTimer: ReturnType<typeof setInterval> | undefined;
  let pruneTimer: ReturnType<typeof setInterval> | undefined;

  /**
   * Forgets closed alerts past the hub's retention age (`keepClosedDays`), in the browser's storage
   * and on the board: a console that runs for months does not grow without end. The hub keeps them.
   */
  async function pruneClosed(): Promise<void> {
    const keepDays = useHubStore().config?.keepClosedDays ?? DEFAULT_KEEP_CLOSED_DAYS;
    const ids = prunableAlerts(alerts.value.values(), new Date(), keepDays);
    if (ids.length === 0 || !db) return;
    await db.deleteAlerts(ids);
    for (const id of ids) alerts.value.delete(id);
    triggerRef(alerts);
  }
  let receiptTimer: ReturnType<typeof setTimeout> | undefined;
  let impactTimer: ReturnType<typeof setTimeout> | undefined;
  let receipted = 0;

  const connected = computed(() => link.value === 'online');
  const alertList = computed(() =>
    [...alerts.value.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
  );

  function goneOffline(state: 'reconnecting' | 'offline'): void {
    link.value = state;
    offlineSince.value ??= new Date().toISOString();
  }

  function applyOne(e: HubEvent, changed: Map<string, Alert>): void {
    const data = e.data as {
      alert?: Alert;
      centre?: string;
      lastSeenAt?: string;
      manual?: boolean;
      by?: string;
    };
    const me = session.user?.centre ?? null;
    if (data.alert) {
      alertEventSeq.value.set(data.alert.id, e.seq);
      const alert = complete(data.alert);
      alerts.value.set(alert.id, alert);
      changed.set(alert.id, alert);
    }
    // A silent centre is state, kept through catch-up and reloads; the notice and tone are for news.
    if (e.type === 'centre:silent' && data.centre)
      silentCentres.value.set(data.centre, data.lastSeenAt ?? new Date().toISOString());
    if (e.type === 'centre:back' && data.centre) silentCentres.value.delete(data.centre);
    if (e.type.startsWith('handover:')) {
      handoverRevision.value++;
      scheduleShifts();
    }
    if (e.type === 'brief:published') briefRevision.value++;
    if (e.type.startsWith('meeting:') || e.type.startsWith('action:')) meetingRevision.value++;
    if (catchingUp) return;
    // The owning centre hears of a new action item and of one gone past due.
    const action = (e.data as { action?: { centre: string; title?: string; meetingId?: string } }).action;
    if (
      (e.type === 'action:overdue' || e.type === 'action:created') &&
      action?.title &&
      action.centre === me
    ) {
      pushNotice({
        kind: e.type === 'action:overdue' ? 'action_overdue' : 'action_created',
        centre: action.centre,
        alertId: null,
        ...(action.meetingId ? { meetingId: action.meetingId } : {}),
        title: action.title,
        at: new Date().toISOString(),
      });
      if (e.type === 'action:overdue' && !muted.value) chime('urgent');
    }
    const brief = (e.data as { brief?: { id: string; title: string } }).brief;
    if (e.type === 'brief:published' && brief)
      pushNotice({
        kind: 'brief_published',
        centre: 'STUDIES',
        alertId: null,
        briefId: brief.id,
        title: brief.title,
        at: new Date().toISOString(),
      });
    const handover = (e.data as { handover?: { centre: string; submittedBy?: { userId: string } | null } })
      .handover;
    if (e.type === 'handover:overdue' && data.centre) {
      pushNotice({
        kind: 'handover_overdue',
        centre: data.centre,
        alertId: null,
        title: null,
        at: new Date().toISOString(),
      });
      if (!muted.value) chime('urgent');
    } else if (
      (e.type === 'handover:submitted' || e.type === 'handover:returned') &&
      handover &&
      session.user?.role === 'supervisor' &&
      handover.centre === me
    ) {
      pushNotice({
        kind: e.type === 'handover:submitted' ? 'handover_submitted' : 'handover_returned',
        centre: handover.centre,
        alertId: null,
        title: null,
        at: new Date().toISOString(),
      });
    }
    if (e.type === 'alert:created' && data.alert && me && data.alert.centre !== me) {
      if (data.alert.recipients.includes(me)) {
        fresh.value.add(data.alert.id);
        if (!muted.value) chime('alert');
      }
    } else if (e.type === 'alert:escalated' && data.alert && !(data.manual && data.by === session.user?.id)) {
      // Notices are about others' actions: a supervisor's own escalation is not news to them.
      pushNotice({
        // A missed deadline names the late centre; a supervisor's escalation, the escalating centre.
        kind: data.manual ? 'escalated_manual' : 'escalated',
        centre: data.centre ?? data.alert.centre,
        alertId: data.alert.id,
        title: data.alert.title,
        at: new Date().toISOString(),
      });
      if (!muted.value) chime('urgent');
    } else if (e.type === 'centre:silent' && data.centre && data.centre !== me) {
      pushNotice({
        kind: 'centre_silent',
        centre: data.centre,
        alertId: null,
        title: null,
        at: data.lastSeenAt ?? new Date().toISOString(),
      });
      if (!muted.value) chime('urgent');
    } else if (e.type === 'centre:back' && data.centre && data.centre !== me) {
      // A console of this centre is the one coming back: no notice about itself.
      pushNotice({
        kind: 'centre_back',
        centre: data.centre,
        alertId: null,
        title: null,
        at: new Date().toISOString(),
      });
    }
  }

  function pushNotice(n: Omit<Notice, 'id'>): void {
    notices.value = [{ ...n, id: uuidv4() }, ...notices.value].slice(0, 20);
  }

  /** A board screen gets the board projection: no description, receipts or reporter. */
  function complete(sent: Alert | BoardAlert): Alert {
    const full: Partial<Alert> = sent;
    return { ...(sent as Alert), description: full.description ?? '', receipts: full.receipts ?? [] };
  }

  /** Writes what changed and the number it is up to, together (see LocalDb.saveState). */
  function persist(changed: Map<string, Alert>): void {
    if (changed.size) {
      triggerRef(alerts);
      revision.value++;
      scheduleImpact();
    }
    const store = db;
    const upTo = lastApplied.value;
    const rows = [...changed.values()];
    const silent = Object.fromEntries(silentCentres.value);
    saving = saving.then(() => store?.saveState(rows, upTo, silent)).catch(() => undefined);
  }

  /**
   * With nothing stored, start from the hub's snapshot (current alerts and the head they reflect)
   * rather than replay the whole log over a slow link; on any failure the resume replays from 0.
   */
  async function loadSnapshot(): Promise<void> {
    try {
      const snapshot = await request('GET', '/api/v1/alerts/snapshot', alertsSnapshotSchema);
      if (lastApplied.value !== 0) return;
      const changed = new Map<string, Alert>();
      for (const sent of snapshot.alerts) {
        const alert = complete(sent);
        alerts.value.set(alert.id, alert);
        changed.set(alert.id, alert);
      }
      silentCentres.value = new Map(Object.entries(snapshot.silentCentres));
      shifts.value = snapshot.shifts;
      lastApplied.value = snapshot.head;
      persist(changed);
    } catch {
      // Replaying from 0 gives the same picture, only slower.
    }
  }

  /** Applies events in increasing seq, drops any at or below lastApplied, then persists. */
  function applyBatch(events: HubEvent[], head = 0): void {
    const changed = new Map<string, Alert>();
    for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
      if (e.seq <= lastApplied.value) continue;
      applyOne(e, changed);
      lastApplied.value = e.seq;
    }
    if (head > lastApplied.value) lastApplied.value = head;
    persist(changed);
    scheduleReceipt();
  }

  function onEvent(e: HubEvent): void {
    if (resuming) held.push(e);
    else applyBatch([e]);
  }

  /** Everything after lastApplied, page by page; live events wait until it is done. */
  async function resume(): Promise<void> {
    if (!socket?.connected || resuming) return;
    resuming = true;
    let ok = false;
    try {
      if (lastApplied.value === 0 && !snapshotTried) {
        snapshotTried = true;
        await loadSnapshot();
      }
      for (;;) {
        const reply = (await socket
          .timeout(REQUEST_TIMEOUT_MS)
          .emitWithAck('resume', { after: lastApplied.value })) as ResumeReply | ErrorBody;
        if (isError(reply)) break;
        applyBatch(reply.events, reply.head);
        if (!reply.more) {
          ok = true;
          break;
        }
      }
    } catch {
      // No answer in time: the next connect or the periodic resume starts again from lastApplied.
    } finally {
      resuming = false;
      catchingUp = false;
      const waiting = held;
      held = [];
      // Held events follow the reply only when the reply covered everything before them.
      if (ok) applyBatch(waiting);
    }
  }

  function scheduleReceipt(): void {
    if (receiptTimer || lastApplied.value <= receipted) return;
    receiptTimer = setTimeout(() => {
      receiptTimer = undefined;
      const seq = lastApplied.value;
      if (!socket?.connected || seq <= receipted) return;
      socket.emit('receipt', { seq }, (reply) => {
        if (!isError(reply)) receipted = Math.max(receipted, seq);
      });
    }, 400);
  }

  let shiftsTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleShifts(): void {
    clearTimeout(shiftsTimer);
    shiftsTimer = setTimeout(() => void refreshShifts(), 300);
  }

  async function refreshShifts(): Promise<void> {
    if (!session.accessToken || !session.principal || handoverListAccess(session.principal) === null) return;
    try {
      const reply = await request('GET', '/api/v1/handovers/shifts', centreShiftsReplySchema);
      shifts.value = reply.shifts;
    } catch {
      // Kept as last known; the next handover event or reconnect asks again.
    }
  }

  function scheduleImpact(): void {
    clearTimeout(impactTimer);
    impactTimer = setTimeout(() => void refreshImpact(), 600);
  }

  async function refreshImpact(): Promise<void> {
    if (!session.accessToken) return;
    try {
      impact.value = (await request('GET', '/api/v1/border/impact', borderImpactSchema)).sectors;
    } catch {
      // Kept as last known; the next change or reconnect asks again.
    }
  }

  async function refreshCentres(): Promise<void> {
    try {
      centres.value = (await request('GET', '/api/v1/centres', centresListSchema)).centres;
      localStorage.setItem(CENTRES_KEY, JSON.stringify(centres.value));
    } catch {
      // The stored list serves while the hub is out of reach.
    }
  }

  /** A hub request through the socket; LinkDown when the link is down or no answer came in time. */
  async function send<
    E extends
      'alert:create' | 'alert:update' | 'alert:ack' | 'alert:resolve' | 'alert:escalate' | 'alert:reopen',
  >(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<{ alert: Alert } | ErrorBody> {
    if (!socket?.connected) throw new LinkDown('not connected');
    try {
      const timed = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as {
        emitWithAck(ev: string, p: unknown): Promise<{ alert: Alert } | ErrorBody>;
      };
      return await timed.emitWithAck(event, payload);
    } catch {
      throw new LinkDown('no answer in time');
    }
  }

  const refused = backoff(() => connect());

  function connect(): void {
    if (!socket || socket.connected || !session.accessToken) return;
    if (link.value !== 'online') link.value = offlineSince.value ? 'reconnecting' : 'connecting';
    socket.connect();
  }

  function onOffline(): void {
    // The browser knows the link is gone: stop waiting for heartbeats to say so.
    socket?.disconnect();
    goneOffline('offline');
  }

  function onOnline(): void {
    void session.renew().then(() => connect());
  }

  async function start(): Promise<void> {
    const user = session.user;
    if (!user || userId === user.id) return;
    stop();
    userId = user.id;
    // Listen before the first await: the link may come back while the local store opens.
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    const opened = await LocalDb.open(user.id);
    if (userId !== user.id) return opened.close();
    db = opened;
    const state = await db.loadState();
    alerts.value = new Map(state.alerts.map((a) => [a.id, a]));
    lastApplied.value = state.lastApplied;
    silentCentres.value = new Map(Object.entries(state.silentCentres));
    await pruneClosed();
    pruneTimer = setInterval(() => void pruneClosed(), PRUNE_EVERY_MS);
    receipted = 0;
    catchingUp = state.lastApplied === 0;
    snapshotTried = false;
    await useOutboxStore().attach(db);

    socket = hubSocket(() => session.accessToken);
    socket.on('connect', () => {
      refused.reset();
      link.value = 'online';
      offlineSince.value = null;
      void resume();
      void useOutboxStore().flush();
      void refreshImpact();
      void refreshCentres();
      void refreshShifts();
    });
    socket.on('disconnect', () => goneOffline(navigator.onLine ? 'reconnecting' : 'offline'));
    socket.on('connect_error', (err) => {
      goneOffline(navigator.onLine ? 'reconnecting' : 'offline');
      const code = (err as Error & { data?: { code?: string } }).data?.code;
      // Refused by the hub (not a network failure, which Socket.IO retries by itself): a refused
      // token is renewed once, then tried again; any other refusal (the hub's database restarting,
      // too many connections) is tried again with growing waits.
      if (code === 'unauthenticated')
        void session.renew().then((ok) => (ok ? setTimeout(connect, 1000) : undefined));
      else if (code) refused.schedule();
    });
    socket.on('auth:ended', (reason) => {
      if (reason.code === 'token_expired') void session.renew().then((ok) => ok && setTimeout(connect, 500));
      else session.endLocally();
    });
    socket.on('event', onEvent);
    resumeTimer = setInterval(() => void resume(), RESUME_EVERY_MS);
    if (!navigator.onLine) goneOffline('offline');
    connect();
  }

  function stop(): void {
    refused.reset();
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
    db?.close();
    db = null;
    userId = null;
    clearInterval(resumeTimer);
    clearInterval(pruneTimer);
    clearTimeout(receiptTimer);
    receiptTimer = undefined;
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('online', onOnline);
    useOutboxStore().detach();
    alerts.value = new Map();
    lastApplied.value = 0;
    notices.value = [];
    fresh.value = new Set();
    silentCentres.value = new Map();
    impact.value = [];
    shifts.value = [];
    clearTimeout(shiftsTimer);
    link.value = 'offline';
    offlineSince.value = null;
  }

  // A renewed access token goes to the open socket before the old one expires.
  watch(
    () => session.accessToken,
    (token) => {
      if (!token) return;
      if (socket?.connected) socket.emit('auth:refresh', { token }, () => undefined);
      else connect();
    },
  );

  function markSeen(id: string): void {
    if (fresh.value.delete(id)) fresh.value = new Set(fresh.value);
  }

  function dismissNotice(id: string): void {
    notices.value = notices.value.filter((n) => n.id !== id);
  }

  function setMuted(value: boolean): void {
    muted.value = value;
    localStorage.setItem(MUTED_KEY, value ? '1' : '0');
  }

  function centreName(code: string, locale: string): string {
    const c = centres.value.find((x) => x.code === code);
    return c ? (locale === 'ar' ? c.nameAr : c.nameEn) : code;
  }

  return {
    alerts,
    alertList,
    lastApplied,
    link,
    offlineSince,
    connected,
    notices,
    fresh,
    silentCentres,
    impact,
    centres,
    muted,
    revision,
    alertEventSeq,
    handoverRevision,
    briefRevision,
    meetingRevision,
    shifts,
    refreshShifts,
    start,
    stop,
    send,
    resume,
    markSeen,
    dismissNotice,
    setMuted,
    centreName,
    /** Forgets this user's cached alerts on this browser (sign-out). */
    async forget(): Promise<void> {
      await saving;
      await db?.clearState();
    },
  };
});
