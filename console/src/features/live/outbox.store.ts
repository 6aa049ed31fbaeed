import { v4 as uuidv4 } from 'uuid';
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { CreateAlert, People } from '@tansiq/shared';
import type { LocalDb, OutboxItem, OutboxKind } from './local-db.ts';
import { LinkDown, useLiveStore } from './live.store.ts';

const RETRY_MS = 5_000;
/** Confirmed items stay listed this long, so the officer sees who acknowledged them. */
const KEEP_CONFIRMED_MS = 12 * 3600_000;
/** Answers that a resend cannot change: the item is marked rejected and never sent again. */
const FINAL_CODES = new Set(['validation_failed', 'bad_request', 'forbidden', 'not_found', 'conflict']);

const eventOf: Record<OutboxKind, 'alert:create' | 'alert:update' | 'alert:ack'> = {
  create: 'alert:create',
  update: 'alert:update',
  ack: 'alert:ack',
};

/**
 * Store-and-forward for what the user sends: each item has its UUID from the browser, is written
 * to IndexedDB before anything else happens, and is resent until the hub answers. The hub's answer
 * comes after its commit, so *at hub* is never shown early; a resend of a committed item is
 * harmless (the hub recognises the id).
 */
export const useOutboxStore = defineStore('outbox', () => {
  // Shallow: items are replaced whole, and IndexedDB cannot store Vue's reactive proxies.
  const items = shallowRef<OutboxItem[]>([]);
  let db: LocalDb | null = null;
  let flushing: Promise<void> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const pending = computed(() => items.value.filter((i) => i.state === 'queued'));

  async function attach(store: LocalDb): Promise<void> {
    db = store;
    const now = Date.now();
    const all = await store.outbox();
    for (const old of all.filter(
      (i) => i.state === 'at_hub' && now - Date.parse(i.sentAt ?? i.createdAt) > KEEP_CONFIRMED_MS,
    ))
      await store.deleteOutbox(old.id);
    items.value = all.filter(
      (i) => !(i.state === 'at_hub' && now - Date.parse(i.sentAt ?? i.createdAt) > KEEP_CONFIRMED_MS),
    );
  }

  async function save(item: OutboxItem): Promise<void> {
    await db?.putOutbox(item);
    items.value = items.value.map((i) => (i.id === item.id ? item : i));
  }

  async function enqueue(
    kind: OutboxKind,
    alertId: string,
    payload: Record<string, unknown>,
    label: string,
    id: string = uuidv4(),
  ): Promise<OutboxItem> {
    if (!db) throw new Error('the console has no local store yet');
    const item: OutboxItem = {
      id,
      kind,
      alertId,
      payload,
      label,
      state: 'queued',
      createdAt: new Date().toISOString(),
      attempts: 0,
      sentAt: null,
      error: null,
    };
    await db.putOutbox(item);
    items.value = [...items.value, item];
    void flush();
    return item;
  }

  function raise(input: CreateAlert & { id: string }): Promise<OutboxItem> {
    return enqueue('create', input.id, { ...input }, input.title, input.id);
  }

  /** A timeline entry: a note, new counts of the people involved, or both. */
  function note(
    alertId: string,
    change: { body?: string; people?: People },
    label: string,
  ): Promise<OutboxItem> {
    const id = uuidv4();
    return enqueue('update', alertId, { alertId, id, ...change }, label, id);
  }

  function acknowledge(alertId: string, label: string): Promise<OutboxItem> {
    return enqueue('ack', alertId, { alertId }, label);
  }

  /** Sends queued items in order, one at a time; stops at the first that gets no final answer. */
  function flush(): Promise<void> {
    // Cleared in a callback, not inside the round: a round with nothing to await ends synchronously.
    flushing ??= round().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  async function round(): Promise<void> {
    const live = useLiveStore();
    clearTimeout(retryTimer);
    let stalled = false;
    try {
      for (const item of items.value.filter((i) => i.state === 'queued')) {
        const attempt = { ...item, attempts: item.attempts + 1 };
        let reply;
        try {
          reply = await live.send(eventOf[item.kind], item.payload as never);
        } catch (err) {
          if (err instanceof LinkDown) {
            await save(attempt);
            stalled = true;
            break;
          }
          throw err;
        }
        if ('error' in reply) {
          if (!FINAL_CODES.has(reply.error.code)) {
            await save({ ...attempt, error: { code: reply.error.code, message: reply.error.message } });
            stalled = true;
            break;
          }
          await save({
            ...attempt,
            state: 'rejected',
            error: { code: reply.error.code, message: reply.error.message },
          });
        } else {
          await save({ ...attempt, state: 'at_hub', sentAt: new Date().toISOString(), error: null });
        }
      }
    } finally {
      // Items queued while this round ran go at once; after a failure, after a pause.
      if (items.value.some((i) => i.state === 'queued'))
        retryTimer = setTimeout(() => void flush(), stalled ? RETRY_MS : 0);
    }
  }

  async function dismiss(id: string): Promise<void> {
    const item = items.value.find((i) => i.id === id);
    if (!item || item.state === 'queued') return;
    await db?.deleteOutbox(id);
    items.value = items.value.filter((i) => i.id !== id);
  }

  function detach(): void {
    clearTimeout(retryTimer);
    db = null;
    items.value = [];
  }

  return { items, pending, attach, raise, note, acknowledge, flush, dismiss, detach };
});
